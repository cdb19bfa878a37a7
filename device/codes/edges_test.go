package codes

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fitLine finds a line through scattered points on it, at any angle, and
// two lines cross where they should; near-parallel lines do not cross.
func TestFitLineAndCross(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for i := 0; i < 200; i++ {
		ang := rng.Float64() * math.Pi
		d := point{math.Cos(ang), math.Sin(ang)}
		p0 := point{rng.Float64() * 500, rng.Float64() * 500}
		var pts []point
		for s := -20.0; s <= 20; s++ {
			j := rng.Float64() - 0.5 // a pixel's rounding
			pts = append(pts, point{p0.x + d.x*s - d.y*j, p0.y + d.y*s + d.x*j})
		}
		l := fitLine(pts)
		if c := math.Abs(l.d.x*d.x + l.d.y*d.y); c < math.Cos(2*math.Pi/180) {
			t.Fatalf("line %d at %.1f°: fitted %.1f° off", i, ang*180/math.Pi, math.Acos(c)*180/math.Pi)
		}
		// A second line through p0 at a right angle meets it at p0.
		m := line{point{p0.x + 30*d.y, p0.y - 30*d.x}, point{-d.y, d.x}}
		q, ok := l.cross(m)
		if !ok || math.Hypot(q.x-p0.x, q.y-p0.y) > 1 {
			t.Fatalf("line %d: crossed at %v, want %v", i, q, p0)
		}
		if _, ok := l.cross(line{point{0, 0}, l.d}); ok {
			t.Fatalf("line %d: parallel lines crossed", i)
		}
	}
}
