package codes

import (
	"fmt"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// testMatrices are black matrices of every kind of image the reader
// meets: the real photos (all of them, and every transform of a third),
// camera frames empty and with codes, code-like frames, small and odd
// sizes and noise, each as it is and inverted.
func testMatrices(t *testing.T) []*gozxing.BitMatrix {
	var imgs []*image.Gray
	for _, set := range append(append([]string{"code128-1", "falsepositives-2", "ean13-1"}, tuningSets...), checkingSets...) {
		g, _ := loadSet(t, set)
		imgs = append(imgs, g...)
	}
	rng := rand.New(rand.NewPCG(5, 9))
	photos := len(imgs)
	for _, tr := range transforms[1:] {
		for i := 0; i < photos; i += 3 {
			imgs = append(imgs, tr.fn(imgs[i], rng))
		}
	}
	for _, k := range frameKinds(t) {
		imgs = append(imgs, k.frames...)
	}
	for i := 0; i < 40; i++ {
		w, h := 1+rng.IntN(90), 1+rng.IntN(90)
		g := image.NewGray(image.Rect(0, 0, w, h))
		for j := range g.Pix {
			g.Pix[j] = uint8(rng.IntN(256))
		}
		imgs = append(imgs, g)
	}
	var out []*gozxing.BitMatrix
	for _, g := range imgs {
		for _, g := range []*image.Gray{g, inverted(g)} {
			src, err := luminance(g)
			if err != nil {
				t.Fatal(err)
			}
			if bm, err := newHybrid(src).GetBlackMatrix(); err == nil {
				out = append(out, bm)
			}
		}
	}
	return out
}

// findZXing is ZXing's finder, only faster: for the fast pass's rows and
// TRY_HARDER's, the same finder patterns (place, module size, rows that
// saw them), the same candidates reported in the same order, the same
// failures, and so the same grid and text.
func TestFindZXingIsZXings(t *testing.T) {
	found := 0
	for i, bm := range testMatrices(t) {
		for _, harder := range []bool{false, true} {
			hints := map[gozxing.DecodeHintType]interface{}{}
			if harder {
				hints[gozxing.DecodeHintType_TRY_HARDER] = true
			}
			var want, got []string
			pt := func(to *[]string) gozxing.ResultPointCallback {
				return func(p gozxing.ResultPoint) { *to = append(*to, fmt.Sprintf("%.4f,%.4f", p.GetX(), p.GetY())) }
			}
			wi, werr := detector.NewFinderPatternFinder(bm, pt(&want)).Find(hints)
			gi, gerr := findZXing(bm, pt(&got), harder)
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("matrix %d (%dx%d, try harder %v): ZXing's error %v, findZXing's %v", i, bm.GetWidth(), bm.GetHeight(), harder, werr, gerr)
			}
			if fmt.Sprint(want) != fmt.Sprint(got) {
				t.Fatalf("matrix %d (%dx%d, try harder %v): candidates %v, ZXing's %v", i, bm.GetWidth(), bm.GetHeight(), harder, got, want)
			}
			if werr != nil {
				continue
			}
			found++
			info := func(in *detector.FinderPatternInfo) string {
				var s string
				for _, p := range []*detector.FinderPattern{in.GetBottomLeft(), in.GetTopLeft(), in.GetTopRight()} {
					s += fmt.Sprintf("(%v %v %v %d)", p.GetX(), p.GetY(), p.GetEstimatedModuleSize(), p.GetCount())
				}
				return s
			}
			if info(wi) != info(gi) {
				t.Fatalf("matrix %d (try harder %v): patterns %s, ZXing's %s", i, harder, info(gi), info(wi))
			}
		}
	}
	if found < 100 {
		t.Errorf("only %d matrices had three finder patterns: the comparison proves little", found)
	}
}
