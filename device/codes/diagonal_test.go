package codes

import (
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"testing"

	"codepay/device/codes/codestest"
)

// slantFloors are the reads of TestSlantedBarcodesAreRead on 2026-12-03;
// before the still's diagonal scan they were 14, 0 and 11.
var slantFloors = map[Format]int{EAN13: 31, ITF: 34, Code128: 31}

// TestSlantedBarcodesAreRead reads generated labels held at 25 to 65°,
// as stills: rows and columns cross such a barcode's bars too far from
// square, the diagonals (diagonal.go) do not. Other labels than the
// robustness suite's (another seed), at random angles, not its 45°. A
// wrong text fails it; with CODEPAY_FIGURES set zxing-cpp reads the same
// images beside it.
func TestSlantedBarcodesAreRead(t *testing.T) {
	all := []Format{QR, Code128, EAN13, ITF}
	r := NewReader(all...)
	full := os.Getenv("CODEPAY_FIGURES") != ""
	for _, f := range []Format{EAN13, ITF, Code128} {
		rng := rand.New(rand.NewPCG(99, uint64(len(f))))
		const n = 40
		texts := labelTexts(f, n, rng)
		read := 0
		var imgs []image.Image
		for i, text := range texts {
			img := rotateBy(labelFrame(t, text, f, rng), 25+40*rng.Float64())
			imgs = append(imgs, img)
			res, err := r.Decode(img)
			switch {
			case err == nil && res.Text == text:
				read++
			case err == nil:
				t.Errorf("%s label %d: read %q (%s), not %q", f, i, res.Text, res.Format, text)
			}
		}
		t.Logf("%-8s at 25-65°: %d of %d", f, read, n)
		if read < slantFloors[f] {
			t.Errorf("%s labels at 25-65°: %d read, the floor is %d", f, read, slantFloors[f])
		}
		if full {
			ptexts, ok := codestest.PeerRead(t, imgs, peerFormats(all))
			peer, wrong := codestest.PeerScore(texts, ptexts, ok)
			codestest.RecordVs(t.Name(), fmt.Sprintf("generated %s labels held at 25-65°, as stills", f), read, n, slantFloors[f], peer, wrong)
		}
	}
}

// TestDiagonalOfAnySize: the turned image holds all of the still, its
// middle where the still's middle is, and a still too small to turn
// gives a flat one, not a panic.
func TestDiagonalOfAnySize(t *testing.T) {
	for _, sz := range [][2]int{{0, 0}, {1, 1}, {1, 640}, {640, 1}, {2, 2}, {3, 480}, {640, 480}} {
		g := image.NewGray(image.Rect(0, 0, sz[0], sz[1]))
		for i := range g.Pix {
			g.Pix[i] = uint8(i * 7)
		}
		d := diagonal(g)
		want := int(float64(sz[0]+sz[1])/1.4142135623730951 + 0.999999)
		if d.Rect.Dx() != want || d.Rect.Dy() != want {
			t.Errorf("%dx%d: turned to %v, want %dx%d", sz[0], sz[1], d.Rect, want, want)
		}
	}
	// A bright dot in the middle of a dark still stays in the middle.
	g := image.NewGray(image.Rect(0, 0, 64, 48))
	for y := 23; y <= 24; y++ {
		for x := 31; x <= 32; x++ {
			g.Pix[y*g.Stride+x] = 255
		}
	}
	d := diagonal(g)
	c := d.Rect.Dx() / 2
	if d.Pix[c*d.Stride+c] < 128 {
		t.Errorf("the middle of the turned still is %d, not bright", d.Pix[c*d.Stride+c])
	}
}
