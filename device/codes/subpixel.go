package codes

import (
	"image"
	"math"

	"github.com/makiuchi-d/gozxing"
)

// subpixelRows are a grey image's rows with each edge placed between
// pixels. A binarizer decides pixel by pixel, so at under two pixels a
// module a bar or space that falls across two pixels comes out a pixel
// wide or two, or not at all where its grey stays on the threshold's
// wrong side. Here each edge lies between a light and a dark extreme of
// the row (neighbours that differ by more than the row's noise), where
// the grey crosses their mean, interpolated between the two pixels it
// falls between: a narrow space that only lightens between two bars is
// still a space, as wide as it looks. The row is drawn subpixelScale
// times wider, so gozxing's row readers read it as they read any row.
type subpixelRows struct {
	gozxing.Binarizer // the rest of the interface (scan1D asks only for rows); may be nil
	g                 *image.Gray
	p                 []uint8   // the row's grey levels
	ext               []int     // the row's extremes, maxima and minima in turn
	edges             []float64 // where the grey crosses between them
	// done holds the rows of g drawn so far, by row, in slab, when keepRows
	// is set: a still's every-row scan, and a frame's 15 rows, read the
	// same rows for Code128, EAN-13 and ITF. A read's check (confirmed)
	// reads each row once, and keeps none.
	keepRows bool
	done     map[int]int
	slab     [][]uint32
}

// reset points s at another image (a camera's next frame, often in the
// same buffer), forgetting the rows drawn, keeping its buffers.
func (s *subpixelRows) reset(g *image.Gray) {
	s.g = g
	clear(s.done)
}

const subpixelScale = 4

func newSubpixelRows(g *image.Gray, b gozxing.Binarizer) *subpixelRows {
	return &subpixelRows{Binarizer: b, g: g}
}

// keptRows is newSubpixelRows keeping each row it draws for the next
// reader.
func keptRows(g *image.Gray, b gozxing.Binarizer) *subpixelRows {
	return &subpixelRows{Binarizer: b, g: g, keepRows: true}
}

func (s *subpixelRows) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	w := s.g.Rect.Dx()
	n := w * subpixelScale
	if row == nil || row.GetSize() != n {
		row = gozxing.NewBitArray(n)
	} else {
		row.Clear()
	}
	if y < 0 || y >= s.g.Rect.Dy() || w < 3 {
		return row, nil
	}
	if i, ok := s.done[y]; ok {
		copy(row.GetBitArray(), s.slab[i])
		return row, nil
	}
	if s.keepRows {
		defer s.keep(y, row)
	}
	s.draw(row, s.find(y))
	return row, nil
}

// draw sets row's bars, by s.ext and s.edges.
func (s *subpixelRows) draw(row *gozxing.BitArray, lightFirst bool) {
	for k := range s.ext {
		if bar := (k%2 == 0) != lightFirst; bar {
			a, b := s.span(k, row.GetSize())
			if b > a {
				row.SetRange(a, b)
			}
		}
	}
}

// blackRuns appends to runs what barRuns gives for row y as GetBlackRow
// draws it (the white before the first bar, then the runs in turn, the
// last to the row's end), from its edges without drawing it: Code128's
// edge-to-edge decode reads the runs, and drawing the row and finding its
// runs again was half the grey rows' time (BenchmarkSubpixelRows: 0.23 ->
// 0.12 ms a frame).
func (s *subpixelRows) blackRuns(y int, runs []int) []int {
	w := s.g.Rect.Dx()
	n := w * subpixelScale
	if y < 0 || y >= s.g.Rect.Dy() || w < 3 {
		return append(runs, n)
	}
	return s.runsOf(s.find(y), n, runs)
}

// runsOf is blackRuns by s.ext and s.edges, n subpixels in all.
func (s *subpixelRows) runsOf(lightFirst bool, n int, runs []int) []int {
	from := len(runs)
	runs = append(runs, 0)
	end := 0 // where the last bar drawn ends
	for k := range s.ext {
		if bar := (k%2 == 0) != lightFirst; !bar {
			continue
		}
		a, b := s.span(k, n)
		if b <= a {
			continue // drawn as nothing
		}
		switch {
		case len(runs) == from+1:
			runs[from] = a
			runs = append(runs, b-a)
		case a == end: // a space rounded to nothing: one bar
			runs[len(runs)-1] += b - a
		default:
			runs = append(runs, a-end, b-a)
		}
		end = b
	}
	if len(runs) == from+1 {
		runs[from] = n
		return runs
	}
	if end < n {
		runs = append(runs, n-end)
	}
	return runs
}

// reverseRuns appends to dst the runs of the row that runs are of,
// reversed (reverseRow): the bars' runs in reverse, between the white
// that ended the row (none where a bar did) and the white that began it.
func reverseRuns(runs, dst []int) []int {
	if len(runs) < 2 {
		return append(dst, runs...)
	}
	w0, lead, body := runs[0], 0, runs[1:]
	if len(runs)%2 == 1 {
		lead, body = runs[len(runs)-1], runs[1:len(runs)-1]
	}
	dst = append(dst, lead)
	for i := len(body) - 1; i >= 0; i-- {
		dst = append(dst, body[i])
	}
	if w0 > 0 {
		dst = append(dst, w0)
	}
	return dst
}

// span is element k's subpixels, [a, b), n in all: halves to even, so
// that a row read backwards, mirrored, rounds the same.
func (s *subpixelRows) span(k, n int) (int, int) {
	from, to := 0.0, float64(s.g.Rect.Dx())
	if k > 0 {
		from = s.edges[k-1]
	}
	if k < len(s.edges) {
		to = s.edges[k]
	}
	return int(math.RoundToEven(from * subpixelScale)), min(int(math.RoundToEven(to*subpixelScale)), n)
}

// find sets s.ext and s.edges for row y, and returns whether s.ext[0] is
// a maximum (element 0 light). Element k runs from edge k-1 to edge k, a
// bar where its extreme is a minimum.
func (s *subpixelRows) find(y int) bool {
	w := s.g.Rect.Dx()
	p := s.g.Pix[y*s.g.Stride : y*s.g.Stride+w]
	s.p = p
	// The noise: extremes closer than delta are one. A tenth of the row's
	// range between its 2nd and 98th percentiles, at least 8 grey levels.
	var hist [256]int32
	for _, v := range p {
		hist[v]++
	}
	cut := int32(w / 50)
	lo, hi := 0, 255
	for n := hist[0]; n <= cut; n += hist[lo] {
		lo++
	}
	for n := hist[255]; n <= cut; n += hist[hi] {
		hi--
	}
	delta := max(8, (hi-lo)/10)

	// Extremes, alternating: a maximum once the grey has fallen delta
	// below it, a minimum once it has risen delta above.
	s.ext = s.ext[:0]
	lightFirst := false // whether s.ext[0] is a maximum
	hiX, loX := 0, 0
	hiV, loV := int(p[0]), int(p[0])
	state := 0 // 0 undecided, 1 rising after a minimum, -1 falling after a maximum
	for x := 1; x < w; x++ {
		v := int(p[x])
		if v > hiV {
			hiX, hiV = x, v
		}
		if v < loV {
			loX, loV = x, v
		}
		switch {
		case state >= 0 && hiV-v > delta:
			if state == 0 {
				lightFirst = true
			}
			s.ext = append(s.ext, hiX)
			state, loX, loV = -1, x, v
		case state <= 0 && v-loV > delta:
			s.ext = append(s.ext, loX)
			state, hiX, hiV = 1, x, v
		}
	}
	// The last run's extreme too: the row may end past a bar, as it may
	// begin before one.
	switch state {
	case 1:
		s.ext = append(s.ext, hiX)
	case -1:
		s.ext = append(s.ext, loX)
	}
	s.edges = s.edges[:0]
	for i := 0; i+1 < len(s.ext); i++ {
		s.edges = append(s.edges, s.edge(s.ext[i], s.ext[i+1]))
	}
	return lightFirst
}

func (s *subpixelRows) keep(y int, row *gozxing.BitArray) {
	if s.done == nil {
		s.done = map[int]int{}
	}
	i := len(s.done)
	if i == len(s.slab) {
		s.slab = append(s.slab, nil)
	}
	s.slab[i] = append(s.slab[i][:0], row.GetBitArray()...)
	s.done[y] = i
}

// edge is where the grey crosses the mean of p[a] and p[b] between
// pixels a and b, interpolated: the first crossing from a and the first
// from b, averaged, so that a row read backwards has the same edges.
func (s *subpixelRows) edge(a, b int) float64 {
	p := s.p
	m := int(p[a]) + int(p[b])
	at := func(x int) float64 { // the crossing between x and x+1
		v0, v1 := 2*int(p[x]), 2*int(p[x+1])
		return float64(x) + float64(m-v0)/float64(v1-v0) + 0.5
	}
	crosses := func(x int) bool {
		v0, v1 := 2*int(p[x]), 2*int(p[x+1])
		return (v0-m)*(v1-m) <= 0 && v0 != v1
	}
	first, last := -1, -1
	for x := a; x < b; x++ {
		if crosses(x) {
			first = x
			break
		}
	}
	for x := b - 1; x >= a; x-- {
		if crosses(x) {
			last = x
			break
		}
	}
	if first < 0 {
		return float64(a+b)/2 + 0.5
	}
	return (at(first) + at(last)) / 2
}
