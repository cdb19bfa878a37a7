package codes

import (
	"image"
	"math"
	"math/bits"
	"sort"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// A finder pattern seen at a slant is narrower one way than the other:
// ZXing's finder asks the run down its centre to be within 40% of the run
// across (and back within 20%), so a code viewed from below loses its far
// finder patterns, and its grid, drawn through the three centres as a
// parallelogram, misses the far corner. Here a candidate needs the
// 1:1:3:1:1 pattern across and down each at its own module size, and the
// grid is a perspective fitted to points on all three finder patterns
// (their rings, measured along the code's own axes), as zxing-cpp draws it
// from the patterns' outlines.

// finderCand is a finder pattern candidate.
type finderCand struct {
	x, y float64
	ms   float64 // module size, the mean of across and down
	n    int     // rows that found it
	// bled says that its rows found it with an outer run running on
	// into a dark surround: such a candidate is tried after the others.
	bled bool
}

// finderRatio tells whether five runs (black, white, black, white, black)
// are near 1:1:3:1:1 of their own module size.
func finderRatio(c [5]float64) bool {
	total := c[0] + c[1] + c[2] + c[3] + c[4]
	if total < 7 {
		return false
	}
	m := total / 7
	tol := m * 0.6
	return math.Abs(c[0]-m) < tol && math.Abs(c[1]-m) < tol && math.Abs(c[2]-3*m) < 3*tol &&
		math.Abs(c[3]-m) < tol && math.Abs(c[4]-m) < tol
}

// rings walks from a point inside a finder pattern's core along (dx, dy),
// a unit vector, and returns the distances where the core ends, the white
// ring ends and the black ring ends; false when the walk leaves the image
// or a run is longer than limit.
func rings(bm *gozxing.BitMatrix, x, y, dx, dy, limit float64) ([3]float64, bool) {
	var t [3]float64
	w, h := bm.GetWidth(), bm.GetHeight()
	state := 0 // 0 core (black), 1 white ring, 2 black ring
	last := 0.0
	for s := 0.0; ; s += 0.5 {
		if s-last > limit {
			return t, false
		}
		px, py := int(math.Floor(x+dx*s)), int(math.Floor(y+dy*s))
		if px < 0 || py < 0 || px >= w || py >= h {
			return t, false
		}
		black := bm.Get(px, py)
		if s == 0 && !black {
			return t, false
		}
		if black == (state != 1) {
			continue
		}
		t[state] = s - 0.25
		last = s
		state++
		if state == 3 {
			return t, true
		}
	}
}

// ringsBled is rings that, with bleed, also takes a black ring that runs
// on into a dark surround (or off the image): its end is put a white
// ring's width past its start.
func ringsBled(bm *gozxing.BitMatrix, x, y, dx, dy, limit float64, bleed bool) (t [3]float64, ok, bled bool) {
	t, ok = rings(bm, x, y, dx, dy, limit)
	if !ok && bleed && t[0] > 0 && t[1] > t[0] { // the walk was in the black ring
		t[2], ok, bled = t[1]+(t[1]-t[0]), true, true
	}
	return t, ok, bled
}

// crossRuns checks the pattern along a line through (x, y) both ways and
// returns the centre's offset along it and the module size; false when the
// five runs are not a finder pattern's.
func crossRuns(bm *gozxing.BitMatrix, x, y, dx, dy, limit float64) (float64, float64, bool) {
	off, ms, ok, _ := crossRunsBled(bm, x, y, dx, dy, limit, false)
	return off, ms, ok
}

// crossRunsBled is crossRuns that, with bleed, lets one side's black ring
// run on (bled).
func crossRunsBled(bm *gozxing.BitMatrix, x, y, dx, dy, limit float64, bleed bool) (float64, float64, bool, bool) {
	a, ok, bledA := ringsBled(bm, x, y, dx, dy, limit, bleed)
	if !ok {
		return 0, 0, false, false
	}
	b, ok, bledB := ringsBled(bm, x, y, -dx, -dy, limit, bleed && !bledA)
	if !ok {
		return 0, 0, false, false
	}
	c := [5]float64{b[2] - b[1], b[1] - b[0], a[0] + b[0], a[1] - a[0], a[2] - a[1]}
	if !finderRatio(c) {
		return 0, 0, false, false
	}
	return (a[2] - b[2]) / 2, (a[2] + b[2]) / 7, true, bledA || bledB
}

// findFinders scans every step-th row for finder patterns, checks each
// down and across at its centre, and merges what several rows found.
func findFinders(bm *gozxing.BitMatrix, step int) []finderCand {
	w, h := bm.GetWidth(), bm.GetHeight()
	var row *gozxing.BitArray
	var runs []int
	var out []finderCand
	for y := step / 2; y < h; y += step {
		row = bm.GetRow(y, row)
		runs = runs[:0]
		for x := row.GetNextSet(0); x < w; {
			e := row.GetNextUnset(x)
			runs = append(runs, x, e)
			x = row.GetNextSet(e)
		}
		for i := 0; i+5 < len(runs); i += 2 {
			c := [5]float64{
				float64(runs[i+1] - runs[i]), float64(runs[i+2] - runs[i+1]), float64(runs[i+3] - runs[i+2]),
				float64(runs[i+4] - runs[i+3]), float64(runs[i+5] - runs[i+4]),
			}
			// One outer run may run on: a pattern whose outer ring meets a
			// dark surround (a phone's bezel, a dark table, the code's own
			// edge squeezed by a slant) with no quiet zone left between.
			// It is taken at the module size of the other four.
			bled := false
			if !finderRatio(c) {
				m := (c[1] + c[2] + c[3] + c[4]) / 6
				l := (c[0] + c[1] + c[2] + c[3]) / 6
				switch {
				case c[0] > 1.5*m && finderRatio([5]float64{m, c[1], c[2], c[3], c[4]}):
					c[0] = m
				case c[4] > 1.5*l && finderRatio([5]float64{c[0], c[1], c[2], c[3], l}):
					c[4] = l
				default:
					continue
				}
				bled = true
			}
			total := c[0] + c[1] + c[2] + c[3] + c[4]
			cx, cy := float64(runs[i+2]+runs[i+3])/2, float64(y)+0.5
			// Down the centre, at its own module size (a slant may make it
			// half or twice the run across), then across again.
			dy, msy, ok, bledDown := crossRunsBled(bm, cx, cy, 0, 1, total, !bled)
			if !ok || msy > 2.2*total/7 || msy < total/7/2.2 {
				continue
			}
			cy += dy
			dx, msx, ok := crossRuns(bm, cx, cy, 1, 0, total)
			if bled {
				// Across, the core's middle and the four runs' size.
				dx, msx, ok = 0, total/7, true
			}
			if !ok {
				continue
			}
			bled = bled || bledDown
			cx += dx
			ms := (msx + msy) / 2
			merged := false
			for k := range out {
				o := &out[k]
				// Rows that bled count only towards their own kind: a
				// bled row beside a one-row candidate made it two.
				if o.bled == bled && math.Abs(o.x-cx) < 2*ms && math.Abs(o.y-cy) < 2*ms && o.ms < 1.5*ms && ms < 1.5*o.ms {
					n := float64(o.n)
					o.x, o.y, o.ms = (o.x*n+cx)/(n+1), (o.y*n+cy)/(n+1), (o.ms*n+ms)/(n+1)
					o.n++
					merged = true
					break
				}
			}
			if !merged {
				out = append(out, finderCand{cx, cy, ms, 1, bled})
			}
		}
	}
	return out
}

// slantQR reads a QR code through findFinders' candidates and a grid
// fitted to all three finder patterns.
func slantQR(bm *gozxing.BitMatrix, dec *decoder.Decoder, hints map[gozxing.DecodeHintType]interface{}, step int, late func() bool) (string, bool) {
	return slantCands(bm, topCands(findFinders(bm, step)), dec, hints, late)
}

// slantCands is slantQR on candidates already found.
func slantCands(bm *gozxing.BitMatrix, cands []finderCand, dec *decoder.Decoder, hints map[gozxing.DecodeHintType]interface{}, late func() bool) (string, bool) {
	for i := 0; i < len(cands); i++ {
		for j := i + 1; j < len(cands); j++ {
			for k := j + 1; k < len(cands); k++ {
				if late() {
					return "", false // the next frame is the retry
				}
				if s, ok := slantTriple(bm, dec, hints, cands[i], cands[j], cands[k], late); ok {
					return s, true
				}
			}
		}
	}
	return "", false
}

// slantTriple orders three candidates as a code's corners and, when they
// could be one, samples its grid at the dimensions near the estimate.
func slantTriple(bm *gozxing.BitMatrix, dec *decoder.Decoder, hints map[gozxing.DecodeHintType]interface{}, a, b, c finderCand, late func() bool) (string, bool) {
	tl, tr, bl, ok := corners(a, b, c)
	if !ok {
		return "", false
	}
	g := slantGrid{bm: bm, tl: tl, tr: tr, bl: bl, ms: (a.ms + b.ms + c.ms) / 3}
	// Each pattern's own module size: at a steep slant the near one's
	// is twice the far one's.
	for f, p := range [3]point{tl, tr, bl} {
		for _, cd := range [3]finderCand{a, b, c} {
			if cd.x == p.x && cd.y == p.y {
				g.msf[f] = cd.ms
			}
		}
	}
	if !g.measure() {
		return "", false
	}
	est := g.dimension()
	for _, dim := range []int{est, est + 4, est - 4, est + 8, est - 8} {
		if dim < 21 || dim > 177 {
			continue
		}
		if dim != est && late() {
			return "", false
		}
		ver, err := decoder.Version_GetProvisionalVersionForDimension(dim)
		if err != nil {
			continue
		}
		// The format bits lie beside TL, which its own rings pin down
		// whatever the dimension: unreadable there, no code.
		if s, ok, stop := g.read(dec, hints, ver, dim, dim == est); ok || stop {
			return s, ok
		}
		// Then with the far corner where TR's and BL's ring sides cross
		// (edges.go), once its format bits have read here.
		if !g.farTried {
			g.farTried = true
			g.far, g.farOK = farCorner(bm, g.tl, g.tr, g.bl, max(g.ms, g.msf[1]), max(g.ms, g.msf[2]))
		}
		if g.farOK {
			g.withFar = true
			s, ok, _ := g.read(dec, hints, ver, dim, false)
			if !ok {
				// The ring sides are short lines carried across the
				// code: at a steep slant, the far corner on the far side
				// (one finder pattern far, two near), they miss it by
				// a far module or so, and so the grid there. The corner
				// is tried again around it, at the far pattern's module
				// size (docs/reader.md, "The far corner, searched").
				far := g.far
				step := 0.6 * max(1, min(g.msf[0], g.msf[1], g.msf[2]))
				for _, d := range [8][2]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {-1, -1}, {1, -1}, {-1, 1}} {
					if late() {
						break
					}
					g.far = point{far.x + d[0]*step, far.y + d[1]*step}
					if s, ok, _ = g.read(dec, hints, ver, dim, false); ok {
						break
					}
				}
				g.far = far
			}
			g.withFar = false
			if ok {
				return s, true
			}
		}
	}
	return "", false
}

// read fits the grid for a dimension and decodes it, through the fitted
// perspective and then through the alignment patterns; stop says that
// the format bits did not read (asked by gate), so no dimension will.
func (g *slantGrid) read(dec *decoder.Decoder, hints map[gozxing.DecodeHintType]interface{}, ver *decoder.Version, dim int, gate bool) (s string, ok, stop bool) {
	hm, ok := g.fit(dim)
	if !ok {
		return "", false, false
	}
	if bits, ok := sampleThrough(g.bm, hm.apply, dim); ok {
		if gate && !formatReadable(bits) {
			return "", false, true
		}
		if res, err := dec.Decode(bits, hints); err == nil {
			return res.GetText(), true, false
		}
	}
	if len(ver.GetAlignmentPatternCenters()) >= 2 {
		if bits, ok := alignedGrid(g.bm, g.tl, g.tr, g.bl, hm.apply, g.ms, dim); ok {
			if res, err := dec.Decode(bits, hints); err == nil {
				return res.GetText(), true, false
			}
		}
	}
	return "", false, false
}

// corners orders three candidates as a code's top-left, top-right and
// bottom-left finder patterns, if they could be a code's.
func corners(a, b, c finderCand) (tl, tr, bl point, ok bool) {
	// One pattern bled into its surround is a code at a frame's or a
	// dark area's edge; more is clutter, as often as not (and it took
	// no-code stills three times as long).
	if a.bled && (b.bled || c.bled) || b.bled && c.bled {
		return tl, tr, bl, false
	}
	lo, hi := min(a.ms, b.ms, c.ms), max(a.ms, b.ms, c.ms)
	if hi > 3*lo {
		return tl, tr, bl, false
	}
	pa, pb, pc := gozxing.NewResultPoint(a.x, a.y), gozxing.NewResultPoint(b.x, b.y), gozxing.NewResultPoint(c.x, c.y)
	rbl, rtl, rtr := gozxing.ResultPoint_OrderBestPatterns(pa, pb, pc)
	tl, tr, bl = point{rtl.GetX(), rtl.GetY()}, point{rtr.GetX(), rtr.GetY()}, point{rbl.GetX(), rbl.GetY()}
	ux, uy := tr.x-tl.x, tr.y-tl.y
	vx, vy := bl.x-tl.x, bl.y-tl.y
	lu, lv := math.Hypot(ux, uy), math.Hypot(vx, vy)
	// Two legs at a right angle give or take 35° (a slant skews it), of
	// lengths within a factor of two, at least a finder pattern long.
	ok = lu <= 2.5*lv && lv <= 2.5*lu && min(lu, lv) >= 7*lo && math.Abs(ux*vx+uy*vy) <= 0.57*lu*lv
	return tl, tr, bl, ok
}

// topCands are the candidates found on most rows, those on one row only
// dropped: a real finder pattern's core is crossed by 3·ms/step rows, each
// of which finds it (at least two of a code at 2 px a module); a run of
// data modules that looks like one, by one.
func topCands(cands []finderCand) []finderCand {
	kept := cands[:0]
	for _, c := range cands {
		if c.n >= 2 {
			kept = append(kept, c)
		}
	}
	sort.Slice(kept, func(i, j int) bool {
		if kept[i].bled != kept[j].bled {
			return !kept[i].bled
		}
		return kept[i].n > kept[j].n
	})
	return kept[:min(len(kept), 8)]
}

// zoomQR reads small codes (under 3.5 px a module) from an enlarged copy of
// their area: at 2 px a module, softened by the lens, a binarizer's
// black and white lose a module here and there (the hybrid binarizer's
// blocks are 8 px, four modules), and the grid does not read. For each
// candidate triple, the box of the code with its quiet zone is cut out,
// enlarged k times (Catmull-Rom, then sharpened) and read there; the box
// is small, so this costs little.
func zoomQR(g *image.Gray, cands []finderCand, dec *decoder.Decoder, qr gozxing.Reader, hints map[gozxing.DecodeHintType]interface{}, cut func() bool) (string, bool) {
	for i := 0; i < len(cands); i++ {
		for j := i + 1; j < len(cands); j++ {
			for k := j + 1; k < len(cands); k++ {
				if cut() {
					return "", false
				}
				a, b, c := cands[i], cands[j], cands[k]
				if a.bled || b.bled || c.bled {
					continue // a small code's patterns have their quiet zone
				}
				ms := (a.ms + b.ms + c.ms) / 3
				tl, tr, bl, ok := corners(a, b, c)
				if !ok || ms >= 3.5 {
					continue
				}
				br := point{tr.x + bl.x - tl.x, tr.y + bl.y - tl.y}
				m := 7 * ms // the pattern's half and the quiet zone
				x0, x1 := min(tl.x, tr.x, bl.x, br.x)-m, max(tl.x, tr.x, bl.x, br.x)+m
				y0, y1 := min(tl.y, tr.y, bl.y, br.y)-m, max(tl.y, tr.y, bl.y, br.y)+m
				// The candidates are in the frame's own coordinates, from 0.
				w, h := g.Rect.Dx(), g.Rect.Dy()
				box := image.Rect(int(x0), int(y0), int(x1)+1, int(y1)+1).Intersect(image.Rect(0, 0, w, h))
				if box.Dx() > 400 || box.Dy() > 400 || box.Empty() {
					continue
				}
				f := 2
				if ms < 1.5 {
					f = 3
				}
				// Without patterns bled into a surround: a small code has
				// its quiet zone (and the enlarged crop of a cluttered
				// scene has many).
				if s, ok := readBox(g, box, f, 1, dec, qr, hints, cut); ok {
					return s, true
				}
			}
		}
	}
	return "", false
}

// readBox reads a code in box of g enlarged f times and sharpened: by
// gozxing's detector, then by the slant stage on the box's finder patterns
// not bled into a surround (found on every step-th row).
func readBox(g *image.Gray, box image.Rectangle, f, step int, dec *decoder.Decoder, qr gozxing.Reader, hints map[gozxing.DecodeHintType]interface{}, cut func() bool) (string, bool) {
	crop := image.NewGray(image.Rect(0, 0, box.Dx(), box.Dy()))
	for y := 0; y < box.Dy(); y++ {
		copy(crop.Pix[y*crop.Stride:y*crop.Stride+box.Dx()], g.Pix[(box.Min.Y+y)*g.Stride+box.Min.X:])
	}
	src, err := luminance(sharpened(upscaled(crop, f), nil))
	if err != nil {
		return "", false
	}
	hyb := newHybrid(src)
	if bmp, err := gozxing.NewBinaryBitmap(hyb); err == nil {
		res, err := qr.Decode(bmp, hints)
		qr.Reset()
		if err == nil && res != nil {
			return res.GetText(), true
		}
	}
	bm, err := hyb.GetBlackMatrix()
	if err != nil {
		return "", false
	}
	var cs []finderCand
	for _, c := range topCands(findFinders(bm, step)) {
		if !c.bled {
			cs = append(cs, c)
		}
	}
	return slantCands(bm, cs, dec, hints, cut)
}

// slantGrid holds what is measured on the three finder patterns of one
// candidate code.
type slantGrid struct {
	bm         *gozxing.BitMatrix
	tl, tr, bl point
	ms         float64
	msf        [3]float64 // TL's, TR's and BL's own
	// far is the image point of module (dim-6.5, dim-6.5) from the ring
	// sides (edges.go), found once a triple (farTried, farOK); withFar
	// asks fit to pin the grid to it.
	far                      point
	farTried, farOK, withFar bool
	// ring distances from each centre along ±u (towards TR) and ±v
	// (towards BL): the middles of the white ring (2 modules out) and of
	// the black ring (3 modules out); index [finder][dir][0 white, 1 black]
	// with dir 0 +u, 1 -u, 2 +v, 3 -v. ok says whether the walk succeeded.
	d  [3][4][2]float64
	ok [3][4]bool
	u  [3]point // each pattern's own axes, in the image
	v  [3]point
}

func unit(dx, dy float64) point {
	l := math.Hypot(dx, dy)
	if l == 0 {
		return point{}
	}
	return point{dx / l, dy / l}
}

// measure walks out from each centre along the code's axes. TL's axes are
// exact (the lines to TR and to BL pass through its centre), as are TR's
// across and BL's down; the other two are taken parallel at first.
func (g *slantGrid) measure() bool {
	u, v := unit(g.tr.x-g.tl.x, g.tr.y-g.tl.y), unit(g.bl.x-g.tl.x, g.bl.y-g.tl.y)
	for f := range 3 {
		g.u[f], g.v[f] = u, v
	}
	return g.walk()
}

func (g *slantGrid) walk() bool {
	cs := [3]point{g.tl, g.tr, g.bl}
	for f, c := range cs {
		dirs := [4]point{g.u[f], {-g.u[f].x, -g.u[f].y}, g.v[f], {-g.v[f].x, -g.v[f].y}}
		for k, d := range dirs {
			// A ring that runs on into a dark surround is taken at a
			// module past its start (ringsBled).
			t, ok, _ := ringsBled(g.bm, c.x, c.y, d.x, d.y, 3*max(g.ms, g.msf[f]), true)
			g.ok[f][k] = ok
			if ok {
				g.d[f][k] = [2]float64{(t[0] + t[1]) / 2, (t[1] + t[2]) / 2}
			}
		}
		// Across and down through TL, across through TR and down through BL
		// are needed; the rest only add points.
		need := [3][]int{{0, 1, 2, 3}, {0, 1}, {2, 3}}[f]
		for _, k := range need {
			if !g.ok[f][k] {
				return false
			}
		}
	}
	return true
}

// dimension estimates the code's size in modules from the centres'
// distances and the module sizes measured on each pattern's rings.
func (g *slantGrid) dimension() int {
	across := func(f, k int) float64 { return (g.d[f][k][1] + g.d[f][k+1][1]) / 6 }
	mu := (across(0, 0) + across(1, 0)) / 2
	mv := (across(0, 2) + across(2, 2)) / 2
	n := (math.Hypot(g.tr.x-g.tl.x, g.tr.y-g.tl.y)/mu + math.Hypot(g.bl.x-g.tl.x, g.bl.y-g.tl.y)/mv) / 2
	dim := int(math.Round(n)) + 7
	switch dim & 3 { // dimensions are 1 mod 4
	case 0:
		dim++
	case 2:
		dim--
	case 3:
		dim -= 2
	}
	return dim
}

// fit fits the module-to-image perspective for a dimension: to the three
// centres and the ring points, then again with the axes it gives TR and BL
// (a slant turns them away from TL's).
func (g *slantGrid) fit(dim int) (homography, bool) {
	var hm homography
	if !g.measure() { // the axes as they were before another dimension's fit
		return hm, false
	}
	for pass := range 2 {
		var src, dst []point
		centres := [3]point{{3.5, 3.5}, {float64(dim) - 3.5, 3.5}, {3.5, float64(dim) - 3.5}}
		cs := [3]point{g.tl, g.tr, g.bl}
		for f := range 3 {
			src, dst = append(src, centres[f]), append(dst, cs[f])
			dirs := [4]point{g.u[f], {-g.u[f].x, -g.u[f].y}, g.v[f], {-g.v[f].x, -g.v[f].y}}
			steps := [4]point{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}
			for k := range 4 {
				if !g.ok[f][k] {
					continue
				}
				for r, out := range [2]float64{2, 3} {
					src = append(src, point{centres[f].x + steps[k].x*out, centres[f].y + steps[k].y*out})
					dst = append(dst, point{cs[f].x + dirs[k].x*g.d[f][k][r], cs[f].y + dirs[k].y*g.d[f][k][r]})
				}
			}
		}
		if g.withFar {
			// As much weight as one pattern's points: it alone pins the
			// far corner.
			for range 8 {
				src, dst = append(src, point{float64(dim) - 6.5, float64(dim) - 6.5}), append(dst, g.far)
			}
		}
		var ok bool
		if hm, ok = fitHomography(src, dst); !ok {
			return hm, false
		}
		if pass == 1 {
			break
		}
		// TR's down and BL's across, as the fit draws them, and walk again.
		axis := func(c, d point) point {
			x0, y0 := hm.apply(c.x, c.y)
			x1, y1 := hm.apply(c.x+d.x, c.y+d.y)
			return unit(x1-x0, y1-y0)
		}
		g.v[1] = axis(centres[1], point{0, 1})
		g.u[2] = axis(centres[2], point{1, 0})
		if !g.walk() {
			return hm, false
		}
	}
	return hm, true
}

// sampleThrough reads a dim×dim grid of module centres through a
// module-to-image map.
func sampleThrough(bm *gozxing.BitMatrix, model func(x, y float64) (float64, float64), dim int) (*gozxing.BitMatrix, bool) {
	bits, err := gozxing.NewBitMatrix(dim, dim)
	if err != nil {
		return nil, false
	}
	w, h := bm.GetWidth(), bm.GetHeight()
	for my := 0; my < dim; my++ {
		for mx := 0; mx < dim; mx++ {
			x, y := model(float64(mx)+0.5, float64(my)+0.5)
			ix, iy := int(math.Floor(x)), int(math.Floor(y))
			if ix < -1 || iy < -1 || ix > w || iy > h {
				return nil, false
			}
			if bm.Get(min(max(ix, 0), w-1), min(max(iy, 0), h-1)) {
				bits.Set(mx, my)
			}
		}
	}
	return bits, true
}

// nextChange is the first x at or after from where a row's bit is no
// longer black (or no longer white); w when the run reaches the end.
func nextChange(words []uint32, from, w int, black bool) int {
	var flip uint32
	if black {
		flip = ^uint32(0)
	}
	i := from >> 5
	word := (words[i] ^ flip) &^ (1<<(from&31) - 1)
	for word == 0 {
		if i++; i >= len(words) {
			return w
		}
		word = words[i] ^ flip
	}
	return min(i<<5+bits.TrailingZeros32(word), w)
}
