package codes

import (
	"encoding/binary"
	"image"
	"math"
	"math/bits"
	"sort"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
	xdraw "golang.org/x/image/draw"
)

// sweepQR is ZXing's QR detection with a wider net. Perspective (a code
// held at an angle) makes the module size, and so the dimension that
// gozxing derives from it, wrong by a few modules; and a run of data
// modules can look like a finder pattern and be picked instead of the real
// one. Here every plausible triple of the finder-pattern candidates is
// tried (gozxing's choice first), and for each every plausible dimension
// near the estimate, with and without the alignment pattern, and then
// through all of its alignment patterns.
func sweepQR(bm *gozxing.BitMatrix, dec *decoder.Decoder, hints map[gozxing.DecodeHintType]interface{}, late func() bool) (string, bool) {
	finder := detector.NewFinderPatternFinder(bm, nil)
	info, err := finder.Find(hints)
	if err == nil {
		if s, ok := tryTriple(bm, dec, hints, info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft(), late); ok {
			return s, true
		}
	}
	cands := finder.GetPossibleCenters()
	if len(cands) > 8 {
		sort.Slice(cands, func(i, j int) bool { return cands[i].GetCount() > cands[j].GetCount() })
		cands = cands[:8]
	}
	for i := 0; i < len(cands); i++ {
		for j := i + 1; j < len(cands); j++ {
			for k := j + 1; k < len(cands); k++ {
				a, b, c := cands[i], cands[j], cands[k]
				if !alike(a, b, c) {
					continue
				}
				bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(a, b, c)
				if info != nil && tl == gozxing.ResultPoint(info.GetTopLeft()) && tr == gozxing.ResultPoint(info.GetTopRight()) && bl == gozxing.ResultPoint(info.GetBottomLeft()) {
					continue // tried above
				}
				if late() {
					return "", false // the next frame is the retry
				}
				if s, ok := tryTriple(bm, dec, hints, tl.(*detector.FinderPattern), tr.(*detector.FinderPattern), bl.(*detector.FinderPattern), late); ok {
					return s, true
				}
			}
		}
	}
	return "", false
}

// alike keeps triples whose module sizes agree and whose sides could be a
// code's (near a right angle, similar lengths even under perspective).
func alike(a, b, c *detector.FinderPattern) bool {
	lo := math.Min(a.GetEstimatedModuleSize(), math.Min(b.GetEstimatedModuleSize(), c.GetEstimatedModuleSize()))
	hi := math.Max(a.GetEstimatedModuleSize(), math.Max(b.GetEstimatedModuleSize(), c.GetEstimatedModuleSize()))
	if hi > 1.8*lo { // the far finder pattern of a tilted code looks smaller
		return false
	}
	ds := []float64{gozxing.ResultPoint_Distance(a, b), gozxing.ResultPoint_Distance(b, c), gozxing.ResultPoint_Distance(a, c)}
	sort.Float64s(ds)
	// The two legs of the right angle, and the diagonal about √2 of them.
	return ds[1] < 2*ds[0] && ds[2] > 1.2*ds[1] && ds[2] < 1.7*ds[1] && ds[0] > 7*lo
}

func tryTriple(bm *gozxing.BitMatrix, dec *decoder.Decoder, hints map[gozxing.DecodeHintType]interface{}, tl, tr, bl *detector.FinderPattern, late func() bool) (string, bool) {
	ms := (tl.GetEstimatedModuleSize() + tr.GetEstimatedModuleSize() + bl.GetEstimatedModuleSize()) / 3
	if ms < 1 {
		return "", false
	}
	dist := func(a, b gozxing.ResultPoint) float64 { return math.Hypot(a.GetX()-b.GetX(), a.GetY()-b.GetY()) }
	est := int(math.Round((dist(tl, tr)+dist(tl, bl))/2/ms)) + 7
	switch est & 3 { // dimensions are 1 mod 4, as ZXing rounds them
	case 0:
		est++
	case 2:
		est--
	case 3:
		est -= 2
	}
	for _, dim := range []int{est, est + 4, est - 4, est + 8, est - 8, est + 12, est - 12} {
		if dim < 21 || dim > 177 {
			continue
		}
		if dim != est && late() {
			return "", false // the next frame is the retry
		}
		ver, err := decoder.Version_GetProvisionalVersionForDimension(dim)
		if err != nil {
			continue
		}
		// First guesses of the grid: through the alignment pattern when
		// one was found, and the parallelogram of the finder patterns.
		var guesses []*common.PerspectiveTransform
		if len(ver.GetAlignmentPatternCenters()) > 0 {
			if ap := findAlignment(bm, tl, tr, bl, ms, dim); ap != nil {
				guesses = append(guesses, detector.Detector_createTransform(tl, tr, bl, ap, dim))
			}
		}
		guesses = append(guesses, detector.Detector_createTransform(tl, tr, bl, nil, dim))
		for _, t := range guesses {
			bits, err := detector.Detector_sampleGrid(bm, t, dim)
			if err != nil {
				continue
			}
			if res, err := dec.Decode(bits, hints); err == nil {
				return res.GetText(), true
			}
		}
		if len(ver.GetAlignmentPatternCenters()) < 3 {
			continue // one alignment pattern at most: tried above
		}
		for _, t := range guesses { // a corner found may be an inner pattern
			model := func(x, y float64) (float64, float64) {
				p := []float64{x, y}
				t.TransformPoints(p)
				return p[0], p[1]
			}
			if bits, ok := alignedGrid(bm, point{tl.GetX(), tl.GetY()}, point{tr.GetX(), tr.GetY()}, point{bl.GetX(), bl.GetY()}, model, ms, dim); ok {
				if res, err := dec.Decode(bits, hints); err == nil {
					return res.GetText(), true
				}
			}
		}
	}
	return "", false
}

// findAlignment looks for the alignment pattern where a code of dimension
// dim would have it, widening the search as ZXing does.
func findAlignment(bm *gozxing.BitMatrix, tl, tr, bl gozxing.ResultPoint, ms float64, dim int) *detector.AlignmentPattern {
	brX := tr.GetX() - tl.GetX() + bl.GetX()
	brY := tr.GetY() - tl.GetY() + bl.GetY()
	corr := 1.0 - 3.0/float64(dim-7)
	ex := int(tl.GetX() + corr*(brX-tl.GetX()))
	ey := int(tl.GetY() + corr*(brY-tl.GetY()))
	for f := 4; f <= 32; f <<= 1 {
		a := int(float64(f) * ms)
		x0, x1 := max(0, ex-a), min(bm.GetWidth()-1, ex+a)
		y0, y1 := max(0, ey-a), min(bm.GetHeight()-1, ey+a)
		if float64(x1-x0) < ms*3 || float64(y1-y0) < ms*3 {
			return nil
		}
		if ap, err := detector.NewAlignmentPatternFinder(bm, x0, y0, x1-x0, y1-y0, ms, nil).Find(); err == nil {
			return ap
		}
	}
	return nil
}

// sharpened returns a copy of g with its edges steepened (a Laplacian
// unsharp mask): a slightly blurred phone photo binarizes cleaner.
func sharpened(g *image.Gray, dst *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if dst == nil || dst.Rect.Dx() != w || dst.Rect.Dy() != h {
		dst = image.NewGray(image.Rect(0, 0, w, h))
	}
	copy(dst.Pix, g.Pix)
	for y := 1; y < h-1; y++ {
		row, up, down := g.Pix[y*g.Stride:], g.Pix[(y-1)*g.Stride:], g.Pix[(y+1)*g.Stride:]
		out := dst.Pix[y*dst.Stride:]
		for x := 1; x < w-1; x++ {
			c := int(row[x])
			v := c + (4*c-int(up[x])-int(down[x])-int(row[x-1])-int(row[x+1]))/2
			out[x] = uint8(min(max(v, 0), 255))
		}
	}
	return dst
}

// smoothed returns a copy of g with each pixel the mean of the 3x3 around
// it (clamped at the edges): sensor noise (a dim shop, a cheap camera)
// breaks a finder pattern's runs into pieces, and the mean of nine pixels
// has a third of the noise while a module of 3 px or more keeps its
// contrast.
func smoothed(g *image.Gray, dst *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if dst == nil || dst.Rect.Dx() != w || dst.Rect.Dy() != h {
		dst = image.NewGray(image.Rect(0, 0, w, h))
	}
	if w < 2 || h < 2 {
		for y := 0; y < h; y++ {
			copy(dst.Pix[y*dst.Stride:y*dst.Stride+w], g.Pix[y*g.Stride:])
		}
		return dst
	}
	// Three rows' horizontal sums, rolling down the image.
	sums := make([]int, 3*w)
	rowSum := func(y int, out []int) {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		out[0] = 2*int(row[0]) + int(row[1])
		for x := 1; x < w-1; x++ {
			out[x] = int(row[x-1]) + int(row[x]) + int(row[x+1])
		}
		out[w-1] = int(row[w-2]) + 2*int(row[w-1])
	}
	at := func(y int) []int { return sums[(y%3)*w : (y%3+1)*w] }
	rowSum(0, at(0))
	rowSum(1, at(1))
	for y := 0; y < h; y++ {
		up, mid := at(max(y-1, 0)), at(y)
		if y == 0 {
			up = mid
		}
		down := mid
		if y+1 < h {
			if y+1 > 1 {
				rowSum(y+1, at(y+1))
			}
			down = at(y + 1)
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+w]
		for x := range out {
			out[x] = uint8((up[x] + mid[x] + down[x] + 4) / 9)
		}
	}
	return dst
}

// noisyFrame is the noise (noise, in the tests) over which a camera frame
// is smoothed: about σ 8 grey levels of sensor noise.
const noisyFrame = 9

// isNoisy tells whether a frame's sensor noise is at least noisyFrame: the
// median difference between horizontally adjacent pixels on every fourth
// row (edges are too few to move a median; grey noise of σ gives about
// σ·√2·0.67). That median is at least noisyFrame exactly when fewer than
// half the differences are under it, so only those are counted, eight
// pixels at a time (SWAR): the full histogram took 0.18 ms, a third of
// an empty camera frame's median time, on the frames it ran
// (TestIsNoisyIsTheMedianNoise checks the two agree).
func isNoisy(g *image.Gray) bool {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	const t = noisyFrame * 0x0101010101010101
	below, n := 0, 0
	for y := 0; y < h; y += 4 {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		x := 1
		for ; x+8 <= w; x += 8 {
			a, b := binary.LittleEndian.Uint64(row[x:x+8]), binary.LittleEndian.Uint64(row[x-1:x+7])
			// Lane by lane the greater less the smaller: no lane
			// borrows from the next.
			d := maxBytes(a, b) - minBytes(a, b)
			below += 8 - bits.OnesCount64(atLeast(d, t))
		}
		for ; x < w; x++ {
			if d := int(row[x]) - int(row[x-1]); max(d, -d) < noisyFrame {
				below++
			}
		}
		n += max(w-1, 0)
	}
	return 2*below < n
}

// upscaled enlarges a small image k times (Catmull-Rom), for codes whose
// modules are only a few pixels wide.
func upscaled(g *image.Gray, k int) *image.Gray {
	o := image.NewGray(image.Rect(0, 0, k*g.Rect.Dx(), k*g.Rect.Dy()))
	xdraw.CatmullRom.Scale(o, o.Rect, g, g.Rect, xdraw.Src, nil)
	return o
}

// formatReadable tells whether a sampled grid's format bits read, as
// drawn or mirrored.
func formatReadable(bits *gozxing.BitMatrix) bool {
	p, err := decoder.NewBitMatrixParser(bits)
	if err != nil {
		return false
	}
	if _, err := p.ReadFormatInformation(); err == nil {
		return true
	}
	p.Mirror()
	_, err = p.ReadFormatInformation()
	return err == nil
}

// alignedGrid samples a code of dimension dim through every alignment
// pattern it has, one perspective transform per cell between them, as
// zxing-cpp does. A single transform through the finder patterns drifts by
// the far corner when the code is strongly tilted or the paper bends; the
// alignment patterns pin the grid down where the data is.
func alignedGrid(bm *gozxing.BitMatrix, tl, tr, bl point, model func(x, y float64) (float64, float64), ms float64, dim int) (*gozxing.BitMatrix, bool) {
	ver, err := decoder.Version_GetProvisionalVersionForDimension(dim)
	if err != nil {
		return nil, false
	}
	at := ver.GetAlignmentPatternCenters()
	n := len(at)
	if n < 2 {
		return nil, false // version 1 has no alignment pattern to pin
	}
	edge := float64(dim) - 3.5
	anchors := []point{{3.5, 3.5}, {edge, 3.5}, {3.5, edge}}
	seen := []point{tl, tr, bl}
	isFinder := func(i, j int) bool { return (i == 0 || j == 0) && (i+j == 0 || i == n-1 || j == n-1) }
	found := make([][]*point, n)
	for j := range found {
		found[j] = make([]*point, n)
	}
	// Two passes: a wide search around the first guess, then a perspective
	// fitted to all that was found, and a narrow search around that, which
	// drops the false patterns a wide search may pick up in the data.
	for pass, reach := range []float64{4.5, 2} {
		src, dst := append([]point(nil), anchors...), append([]point(nil), seen...)
		for j := 0; j < n; j++ {
			for i := 0; i < n; i++ {
				found[j][i] = nil
				if isFinder(i, j) {
					continue
				}
				mx, my := float64(at[i])+0.5, float64(at[j])+0.5
				gx, gy := model(mx, my)
				// Modules are smaller on the far side of a tilted code.
				ax, ay := model(mx+1, my)
				bx, by := model(mx, my+1)
				local := (math.Hypot(ax-gx, ay-gy) + math.Hypot(bx-gx, by-gy)) / 2
				if local < ms/3 || local > ms*3 {
					local = ms
				}
				if ap := alignmentNear(bm, gx, gy, local, reach); ap != nil {
					found[j][i] = &point{ap.GetX(), ap.GetY()}
					src, dst = append(src, point{mx, my}), append(dst, *found[j][i])
				}
			}
		}
		if pass == 1 || len(src) < 5 {
			break
		}
		hm, ok := fitHomography(src, dst)
		if !ok {
			break
		}
		model = hm.apply
	}
	grid := make([][]point, n)
	for j := range grid {
		grid[j] = make([]point, n)
		for i := range grid[j] {
			if found[j][i] != nil {
				grid[j][i] = *found[j][i]
			} else {
				grid[j][i].x, grid[j][i].y = model(float64(at[i])+0.5, float64(at[j])+0.5)
			}
		}
	}
	bits, _ := gozxing.NewBitMatrix(dim, dim)
	w, h := bm.GetWidth(), bm.GetHeight()
	p := make([]float64, 2)
	for j := 0; j+1 < n; j++ {
		for i := 0; i+1 < n; i++ {
			x0, x1 := float64(at[i])+0.5, float64(at[i+1])+0.5
			y0, y1 := float64(at[j])+0.5, float64(at[j+1])+0.5
			p00, p10, p11, p01 := grid[j][i], grid[j][i+1], grid[j+1][i+1], grid[j+1][i]
			t := common.PerspectiveTransform_QuadrilateralToQuadrilateral(
				x0, y0, x1, y0, x1, y1, x0, y1,
				p00.x, p00.y, p10.x, p10.y, p11.x, p11.y, p01.x, p01.y)
			// The outer cells reach to the code's edges.
			mx0, mx1, my0, my1 := at[i], at[i+1], at[j], at[j+1]
			if i == 0 {
				mx0 = 0
			}
			if i+2 == n {
				mx1 = dim
			}
			if j == 0 {
				my0 = 0
			}
			if j+2 == n {
				my1 = dim
			}
			for my := my0; my < my1; my++ {
				for mx := mx0; mx < mx1; mx++ {
					p[0], p[1] = float64(mx)+0.5, float64(my)+0.5
					t.TransformPoints(p)
					ix, iy := int(p[0]), int(p[1])
					if ix < -1 || iy < -1 || ix > w || iy > h {
						return nil, false
					}
					ix, iy = min(max(ix, 0), w-1), min(max(iy, 0), h-1)
					if bm.Get(ix, iy) {
						bits.Set(mx, my)
					}
				}
			}
		}
	}
	return bits, true
}

// alignmentNear finds an alignment pattern within reach modules of where
// one is expected.
func alignmentNear(bm *gozxing.BitMatrix, x, y, ms, reach float64) *detector.AlignmentPattern {
	a := int(math.Ceil((reach + 2.5) * ms))
	ex, ey := int(x), int(y)
	x0, x1 := max(0, ex-a), min(bm.GetWidth()-1, ex+a)
	y0, y1 := max(0, ey-a), min(bm.GetHeight()-1, ey+a)
	if float64(x1-x0) < ms*3 || float64(y1-y0) < ms*3 {
		return nil
	}
	ap, err := detector.NewAlignmentPatternFinder(bm, x0, y0, x1-x0, y1-y0, ms, nil).Find()
	if err != nil || math.Hypot(ap.GetX()-x, ap.GetY()-y) > reach*ms {
		return nil
	}
	return ap
}
