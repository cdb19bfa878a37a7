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
// and overlaps), down to under 40 px (ZXing's global histogram).
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
