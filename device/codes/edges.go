package codes

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

// The far corner of a code seen at a steep slant. Three finder patterns
// fix a perspective only through their own small size: extrapolated to
// the far corner, a version 1 code's grid (no alignment pattern to find)
// misses by a module or more. But the side of TR's ring that faces TL runs
// along the code's column dim-6.5, and BL's along row dim-6.5: traced along
// their length and extended, they cross at module (dim-6.5, dim-6.5)
// however the code is tilted, as zxing-cpp estimates its corner. Both
// edges of each side are traced and the two crossings averaged, so a
// binarizer that makes black bolder moves neither.

// line is a point on a line and its direction (a unit vector).
type line struct{ p, d point }

// cross is where two lines meet; false when they are near parallel.
func (a line) cross(b line) (point, bool) {
	det := a.d.x*b.d.y - a.d.y*b.d.x
	if math.Abs(det) < 0.05 {
		return point{}, false
	}
	t := ((b.p.x-a.p.x)*b.d.y - (b.p.y-a.p.y)*b.d.x) / det
	return point{a.p.x + t*a.d.x, a.p.y + t*a.d.y}, true
}

// ringSide traces the side of a finder pattern's black ring that a walk
// from its centre c along d (a unit vector) meets, and returns the lines
// of its inner and outer edge. ms is the pattern's module size.
func ringSide(bm *gozxing.BitMatrix, c, d point, ms float64) (inner, outer line, ok bool) {
	t, ok := rings(bm, c.x, c.y, d.x, d.y, 3*ms)
	if !ok {
		return inner, outer, false
	}
	e := point{-d.y, d.x}
	// The inner edge spans five modules, the outer seven; a module short
	// of each end, so that the corners' rounding stays out.
	inner, ok1 := traceEdge(bm, c, d, e, t[1], true, 1.5*ms)
	outer, ok2 := traceEdge(bm, c, d, e, t[2], false, 2.5*ms)
	return inner, outer, ok1 && ok2
}

// traceEdge follows an edge that crosses the ray from c along d at
// distance at, sideways along e up to reach each way, and fits a line to
// it. Walking along d, the edge is where white turns black (toBlack) or
// black turns white; at each step sideways it is looked for within two
// pixels of where the last step found it.
func traceEdge(bm *gozxing.BitMatrix, c, d, e point, at float64, toBlack bool, reach float64) (line, bool) {
	w, h := bm.GetWidth(), bm.GetHeight()
	black := func(x, y float64) (bool, bool) {
		px, py := int(math.Floor(x)), int(math.Floor(y))
		if px < 0 || py < 0 || px >= w || py >= h {
			return false, false
		}
		return bm.Get(px, py), true
	}
	var pts []point
	for _, side := range [2]float64{1, -1} {
		last := at
		for s := 0.0; s <= reach; s++ {
			if side < 0 && s == 0 {
				continue
			}
			bx, by := c.x+e.x*s*side, c.y+e.y*s*side
			found := false
			// The nearest place within ±2 px where the colour turns.
			for k := 0; k <= 8 && !found; k++ {
				off := float64((k+1)/2) * 0.5
				if k%2 == 1 {
					off = -off
				}
				r := last + off
				before, ok1 := black(bx+d.x*(r-0.5), by+d.y*(r-0.5))
				after, ok2 := black(bx+d.x*(r+0.5), by+d.y*(r+0.5))
				if ok1 && ok2 && before != toBlack && after == toBlack {
					last, found = r, true
				}
			}
			if !found {
				break
			}
			pts = append(pts, point{bx + d.x*last, by + d.y*last})
		}
	}
	if float64(len(pts)) < reach {
		return line{}, false // a side of a finder pattern is longer than that
	}
	return fitLine(pts), true
}

// fitLine is the line through points that is nearest to them all (the
// principal axis of their spread).
func fitLine(pts []point) line {
	var m point
	for _, p := range pts {
		m.x += p.x
		m.y += p.y
	}
	n := float64(len(pts))
	m.x, m.y = m.x/n, m.y/n
	var sxx, sxy, syy float64
	for _, p := range pts {
		dx, dy := p.x-m.x, p.y-m.y
		sxx, sxy, syy = sxx+dx*dx, sxy+dx*dy, syy+dy*dy
	}
	a := 0.5 * math.Atan2(2*sxy, sxx-syy)
	return line{m, point{math.Cos(a), math.Sin(a)}}
}

// farCorner is the image point of module (dim-6.5, dim-6.5) of a code
// whose finder patterns are tl, tr and bl, with module sizes msTR and
// msBL: where the ring sides of TR and BL that face TL cross.
func farCorner(bm *gozxing.BitMatrix, tl, tr, bl point, msTR, msBL float64) (point, bool) {
	ti, to, ok := ringSide(bm, tr, unit(tl.x-tr.x, tl.y-tr.y), msTR)
	if !ok {
		return point{}, false
	}
	bi, bo, ok := ringSide(bm, bl, unit(tl.x-bl.x, tl.y-bl.y), msBL)
	if !ok {
		return point{}, false
	}
	p, ok1 := ti.cross(bi)
	q, ok2 := to.cross(bo)
	if !ok1 || !ok2 {
		return point{}, false
	}
	return point{(p.x + q.x) / 2, (p.y + q.y) / 2}, true
}
