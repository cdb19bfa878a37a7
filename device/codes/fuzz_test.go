package codes

import (
	"image"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzIdentify: any text is a brand's code or ErrNotPaymentCode; a brand's
// code has the brand's length and prefix.
func FuzzIdentify(f *testing.F) {
	for _, s := range []string{"900081818800123456789012", EncodeJPQR("90000002", "9000000200123456789012"), "hQVKUFFS", "4901234567894", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		b, digits, err := Identify(text)
		if err != nil {
			return
		}
		if len(digits) != b.Length {
			t.Fatalf("%q: %d digits for %s (length %d)", text, len(digits), b.Name, b.Length)
		}
		ok := false
		for _, p := range b.Prefixes {
			ok = ok || strings.HasPrefix(digits, p)
		}
		if !ok {
			t.Fatalf("%q: %s without its prefix", text, b.Name)
		}
	})
}

// FuzzDecode: any frame, of any size from 1x1, as a still and on a camera
// stream: no panic (a crop, a walk or a window off the edge), and a text
// read is valid UTF-8.
func FuzzDecode(f *testing.F) {
	qr, err := Encode("900081818800123456789012", QR, 1)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(qr.Rect.Dx()), qr.Pix)
	f.Add(uint8(3), []byte{0, 255, 0, 255, 0, 255, 0, 255, 0})
	f.Add(uint8(64), make([]byte, 64*48))
	f.Fuzz(func(t *testing.T, width uint8, pix []byte) {
		w := max(1, int(width))
		h := len(pix) / w
		if h == 0 || w*h > 1<<16 {
			return
		}
		g := image.NewGray(image.Rect(0, 0, w, h))
		copy(g.Pix, pix)
		still, stream := NewReader(QR, Code128, EAN13, ITF), NewReader()
		stream.Stream = true
		for _, r := range []*Reader{still, stream, stream} {
			if res, err := r.Decode(g); err == nil && !utf8.ValidString(res.Text) {
				t.Fatalf("%dx%d: text not UTF-8: %q", w, h, res.Text)
			}
		}
	})
}

// Every stage on frames of every small size and shape (a crop near an
// edge, a window wider than the image, a 1-pixel row): no panic, and
// nothing read from noise.
func TestDecodeAnySmallFrame(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	qr, err := Encode("900081818800123456789012", QR, 1)
	if err != nil {
		t.Fatal(err)
	}
	still, stream := NewReader(QR, Code128, EAN13, ITF), NewReader()
	stream.Stream = true
	for w := 1; w <= 90; w += 11 {
		for h := 1; h <= 90; h += 13 {
			for kind := range 3 {
				g := image.NewGray(image.Rect(0, 0, w, h))
				for i := range g.Pix {
					switch kind {
					case 0:
						g.Pix[i] = uint8(rng.IntN(256))
					case 1: // a code, cut by the frame and scaled by 2
						x, y := i%w/2, i/w/2
						g.Pix[i] = 255
						if x < qr.Rect.Dx() && y < qr.Rect.Dy() {
							g.Pix[i] = qr.Pix[y*qr.Stride+x]
						}
					default: // bars
						g.Pix[i] = uint8(255 * (i % w / 3 % 2))
					}
				}
				for _, r := range []*Reader{still, stream, stream} {
					if res, err := r.Decode(g); err == nil && kind == 0 {
						t.Errorf("%dx%d noise read as %q", w, h, res.Text)
					}
				}
			}
		}
	}
}
