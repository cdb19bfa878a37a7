package codes

import "math"

// homography is a plane-to-plane perspective map fitted by least squares to
// four or more point pairs; with more pairs than four it averages out the
// error of each one.
type homography struct {
	h [8]float64
	// Both sides are centred and scaled before the fit, which keeps the
	// normal equations well conditioned.
	sx, sy, ss, dx, dy, ds float64
}

type point struct{ x, y float64 }

func normalizer(ps []point) (cx, cy, s float64) {
	for _, p := range ps {
		cx += p.x
		cy += p.y
	}
	cx /= float64(len(ps))
	cy /= float64(len(ps))
	for _, p := range ps {
		s += math.Hypot(p.x-cx, p.y-cy)
	}
	s /= float64(len(ps))
	if s == 0 {
		s = 1
	}
	return cx, cy, s
}

func fitHomography(src, dst []point) (homography, bool) {
	var hm homography
	if len(src) < 4 || len(src) != len(dst) {
		return hm, false
	}
	hm.sx, hm.sy, hm.ss = normalizer(src)
	hm.dx, hm.dy, hm.ds = normalizer(dst)
	var ata [8][9]float64 // the normal equations, right-hand side in column 8
	for k := range src {
		x, y := (src[k].x-hm.sx)/hm.ss, (src[k].y-hm.sy)/hm.ss
		u, v := (dst[k].x-hm.dx)/hm.ds, (dst[k].y-hm.dy)/hm.ds
		rows := [2][9]float64{
			{x, y, 1, 0, 0, 0, -x * u, -y * u, u},
			{0, 0, 0, x, y, 1, -x * v, -y * v, v},
		}
		for _, r := range rows {
			for i := 0; i < 8; i++ {
				for j := 0; j < 9; j++ {
					ata[i][j] += r[i] * r[j]
				}
			}
		}
	}
	for c := 0; c < 8; c++ { // Gauss-Jordan with partial pivoting
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(ata[r][c]) > math.Abs(ata[p][c]) {
				p = r
			}
		}
		if math.Abs(ata[p][c]) < 1e-12 {
			return hm, false
		}
		ata[c], ata[p] = ata[p], ata[c]
		for r := 0; r < 8; r++ {
			if r != c {
				f := ata[r][c] / ata[c][c]
				for j := c; j < 9; j++ {
					ata[r][j] -= f * ata[c][j]
				}
			}
		}
	}
	for i := 0; i < 8; i++ {
		hm.h[i] = ata[i][8] / ata[i][i]
	}
	return hm, true
}

func (hm homography) apply(x, y float64) (float64, float64) {
	x, y = (x-hm.sx)/hm.ss, (y-hm.sy)/hm.ss
	h := &hm.h
	w := h[6]*x + h[7]*y + 1
	u := (h[0]*x + h[1]*y + h[2]) / w
	v := (h[3]*x + h[4]*y + h[5]) / w
	return u*hm.ds + hm.dx, v*hm.ds + hm.dy
}
