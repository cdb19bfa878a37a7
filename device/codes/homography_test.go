package codes

import (
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing/common"
)

// A fit through exact pairs of a known perspective gives it back, and a
// pair knocked a pixel off moves the fit by less than that.
func TestFitHomography(t *testing.T) {
	truth := common.PerspectiveTransform_QuadrilateralToQuadrilateral(0, 0, 49, 0, 49, 49, 0, 49, 180, 100, 450, 140, 460, 350, 170, 390)
	var src, dst []point
	for _, m := range [][2]float64{{3.5, 3.5}, {45.5, 3.5}, {3.5, 45.5}, {24.5, 6.5}, {6.5, 24.5}, {24.5, 24.5}, {42.5, 24.5}, {24.5, 42.5}, {42.5, 42.5}} {
		p := []float64{m[0], m[1]}
		truth.TransformPoints(p)
		src, dst = append(src, point{m[0], m[1]}), append(dst, point{p[0], p[1]})
	}
	hm, ok := fitHomography(src, dst)
	if !ok {
		t.Fatal("no fit")
	}
	for k := range src {
		x, y := hm.apply(src[k].x, src[k].y)
		if d := math.Hypot(x-dst[k].x, y-dst[k].y); d > 1e-6 {
			t.Errorf("pair %d off by %g px", k, d)
		}
	}
	dst[4].x++
	hm, _ = fitHomography(src, dst)
	x, y := hm.apply(src[4].x, src[4].y)
	if d := math.Hypot(x-dst[4].x, y-dst[4].y); d >= 1 {
		t.Errorf("one bad pair pulled the fit by %g px", d)
	}
	if _, ok := fitHomography(src[:3], dst[:3]); ok {
		t.Error("three pairs cannot fix a perspective")
	}
}
