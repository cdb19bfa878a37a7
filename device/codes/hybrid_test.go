package codes

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// The reader's hybrid binarizer is ZXing's, only faster: the same black
// matrix on real photos, camera frames, flat and noisy images, and sizes
// that are not multiples of the 8 px block (the last block is moved back
// and overlaps), down to under 40 px (ZXing's global histogram); and so
// is a camera frame's, whose buffers are the frame before's (reuse), the
// images one after another, of one size and of another.
func TestHybridMatchesZXings(t *testing.T) {
	var imgs []*image.Gray
	for _, set := range []string{"qrcode-1", "qrcode-3", "code128-1", "falsepositives-2"} {
		g, _ := loadSet(t, set)
		imgs = append(imgs, g...)
	}
	frames, _ := synthSet(t, 640, 480)
	imgs = append(imgs, frames...)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 60; i++ {
		w, h := 20+rng.IntN(120), 20+rng.IntN(120)
		g := image.NewGray(image.Rect(0, 0, w, h))
		base := rng.IntN(256)
		for j := range g.Pix {
			switch i % 3 {
			case 0: // noise
				g.Pix[j] = uint8(rng.IntN(256))
			case 1: // nearly flat
				g.Pix[j] = uint8(min(max(base+rng.IntN(21)-10, 0), 255))
			default: // blocks of dark and light
				if (j%w/5+j/w/7)%2 == 0 {
					g.Pix[j] = uint8(rng.IntN(60))
				} else {
					g.Pix[j] = uint8(180 + rng.IntN(76))
				}
			}
		}
		imgs = append(imgs, g)
	}
	frameBin := &hybrid{}
	for i, g := range imgs {
		src, err := luminance(g)
		if err != nil {
			t.Fatal(err)
		}
		want, err1 := gozxing.NewHybridBinarizer(src).GetBlackMatrix()
		got, err2 := newHybrid(src).GetBlackMatrix()
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("image %d (%dx%d): errors differ: %v, %v", i, g.Rect.Dx(), g.Rect.Dy(), err1, err2)
		}
		if err1 != nil {
			continue
		}
		if want.String() != got.String() {
			t.Errorf("image %d (%dx%d): the black matrix differs from ZXing's", i, g.Rect.Dx(), g.Rect.Dy())
		}
		frameBin.reuse(src)
		if again, err := frameBin.GetBlackMatrix(); err != nil || want.String() != again.String() {
			t.Errorf("image %d (%dx%d): binarized in the buffers of the image before, the black matrix differs from ZXing's (%v)", i, g.Rect.Dx(), g.Rect.Dy(), err)
		}
	}
}

func BenchmarkHybridBinarizer(b *testing.B) {
	frames, _ := synthSet(b, 640, 480)
	src, _ := luminance(frames[0])
	b.Run("gozxing", func(b *testing.B) {
		for b.Loop() {
			gozxing.NewHybridBinarizer(src).GetBlackMatrix()
		}
	})
	b.Run("codepay", func(b *testing.B) {
		for b.Loop() {
			newHybrid(src).GetBlackMatrix()
		}
	})
}

// The eight-pixels-at-a-time compare is the byte compare it stands for,
// for every pair of grey levels in every lane, and its bits land on their
// pixels.
func TestAtLeastEveryPairEveryLane(t *testing.T) {
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			for lane := 0; lane < 8; lane++ {
				// The other lanes hold other pairs, so a borrow or carry
				// across lanes would show.
				var wa, wb uint64
				for k := 0; k < 8; k++ {
					x, y := uint64((a+37*k)&0xff), uint64((b+91*k)&0xff)
					if k == lane {
						x, y = uint64(a), uint64(b)
					}
					wa |= x << (8 * k)
					wb |= y << (8 * k)
				}
				bits := packHigh(atLeast(wa, wb))
				for k := 0; k < 8; k++ {
					x, y := byte(wa>>(8*k)), byte(wb>>(8*k))
					if got := bits>>k&1 == 1; got != (x >= y) {
						t.Fatalf("lane %d: %d >= %d gave %v", k, x, y, got)
					}
				}
			}
		}
	}
}

// The hybrid binarizer's rows (1D codes) are ZXing's global-histogram
// rows, bit for bit: on every row of every photo as it is, inverted and
// turned, of flat, low-contrast and noisy images of odd sizes down to one
// pixel, into a new row and into a reused longer one; and where ZXing's
// finds too little contrast, so does it, with the same kind of error.
func TestBlackRowIsZXings(t *testing.T) {
	var imgs []*image.Gray
	for _, set := range []string{"qrcode-1", "qrcode-5", "code128-1", "ean13-1", "falsepositives-2"} {
		g, _ := loadSet(t, set)
		imgs = append(imgs, g...)
	}
	rng := rand.New(rand.NewPCG(2, 9))
	for i := 0; i < 60; i++ {
		g := image.NewGray(image.Rect(0, 0, 1+rng.IntN(90), 1+rng.IntN(12)))
		lo, span := rng.IntN(200), 1+rng.IntN(120)
		for j := range g.Pix {
			g.Pix[j] = uint8(min(lo+rng.IntN(span), 255))
		}
		imgs = append(imgs, g)
	}
	rows, refused := 0, 0
	reused := gozxing.NewBitArray(2000)
	for _, g0 := range imgs {
		for _, g := range []*image.Gray{g0, inverted(g0), turned(g0)} {
			src, err := luminance(g)
			if err != nil {
				t.Fatal(err)
			}
			ours, theirs := newHybrid(src), gozxing.NewGlobalHistgramBinarizer(src)
			for y := 0; y < g.Rect.Dy(); y++ {
				want, werr := theirs.GetBlackRow(y, nil)
				for _, into := range []*gozxing.BitArray{nil, reused} {
					got, gerr := ours.GetBlackRow(y, into)
					if (gerr == nil) != (werr == nil) {
						t.Fatalf("%dx%d row %d: error %v, ZXing's %v", g.Rect.Dx(), g.Rect.Dy(), y, gerr, werr)
					}
					if werr != nil {
						if _, ok := gerr.(gozxing.NotFoundException); !ok {
							t.Fatalf("row %d: error %T, not ZXing's NotFoundException", y, gerr)
						}
						continue
					}
					for x := 0; x < got.GetSize(); x++ {
						if x < want.GetSize() && got.Get(x) != want.Get(x) || x >= want.GetSize() && got.Get(x) {
							t.Fatalf("%dx%d row %d: bit %d %v, ZXing's %v", g.Rect.Dx(), g.Rect.Dy(), y, x, got.Get(x), x < want.GetSize() && want.Get(x))
						}
					}
					if into != nil {
						reused = got
					}
				}
				if werr != nil {
					refused++
				}
				rows++
			}
		}
	}
	t.Logf("%d rows, %d with too little contrast", rows, refused)
	if refused == 0 {
		t.Fatal("no row of too little contrast tested")
	}
}

// reverseRow turns a 1D row round as gozxing's BitArray.Reverse does, for
// every row width, with its scratch reused from row to row.
func TestReverseRowMatchesGozxing(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var tmp []uint32
	for i := 0; i < 2000; i++ {
		size := 1 + rng.IntN(1300)
		want, got := gozxing.NewBitArray(size), gozxing.NewBitArray(size)
		for x := 0; x < size; x++ {
			if rng.IntN(2) == 0 {
				want.Set(x)
				got.Set(x)
			}
		}
		want.Reverse()
		tmp = reverseRow(got, tmp)
		if want.String() != got.String() {
			t.Fatalf("%d bits: reversed\n%s\nwant\n%s", size, got, want)
		}
	}
}
