package codes

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// c128Row reads Code128 on one row where gozxing's reader does not. It
// tells a character by the Code128 standard's reference decode: the four
// widths from one bar's leading edge to the next bar's, and from one
// space's to the next space's, each rounded to whole modules of the
// character's 11. Those widths do not change when the binarizer makes
// every bar a pixel bolder (ink spread, blur, a small code), which moves
// a bar's and a space's own widths, by which gozxing matches; at under two
// pixels a module, such a pixel is half a module. Every start pattern
// after white half its width is tried, as gozxing does. The characters
// read, checksum checked, are then drawn again on a clean row and read by
// gozxing's reader, so the text (code sets, shifts, FNC1) is gozxing's.
type c128Row struct {
	dec   oned.RowDecoder
	runs  []int
	clean *gozxing.BitArray
	codes []int
}

func newC128Row() *c128Row {
	return &c128Row{dec: oned.NewCode128Reader().(oned.RowDecoder)}
}

// code128Patterns are Code128's 107 characters, as gozxing's reader has
// them (106, STOP, with its final bar).
var code128Patterns = [107][]int{
	{2, 1, 2, 2, 2, 2}, {2, 2, 2, 1, 2, 2}, {2, 2, 2, 2, 2, 1}, {1, 2, 1, 2, 2, 3}, {1, 2, 1, 3, 2, 2}, {1, 3, 1, 2, 2, 2},
	{1, 2, 2, 2, 1, 3}, {1, 2, 2, 3, 1, 2}, {1, 3, 2, 2, 1, 2}, {2, 2, 1, 2, 1, 3}, {2, 2, 1, 3, 1, 2}, {2, 3, 1, 2, 1, 2},
	{1, 1, 2, 2, 3, 2}, {1, 2, 2, 1, 3, 2}, {1, 2, 2, 2, 3, 1}, {1, 1, 3, 2, 2, 2}, {1, 2, 3, 1, 2, 2}, {1, 2, 3, 2, 2, 1},
	{2, 2, 3, 2, 1, 1}, {2, 2, 1, 1, 3, 2}, {2, 2, 1, 2, 3, 1}, {2, 1, 3, 2, 1, 2}, {2, 2, 3, 1, 1, 2}, {3, 1, 2, 1, 3, 1},
	{3, 1, 1, 2, 2, 2}, {3, 2, 1, 1, 2, 2}, {3, 2, 1, 2, 2, 1}, {3, 1, 2, 2, 1, 2}, {3, 2, 2, 1, 1, 2}, {3, 2, 2, 2, 1, 1},
	{2, 1, 2, 1, 2, 3}, {2, 1, 2, 3, 2, 1}, {2, 3, 2, 1, 2, 1}, {1, 1, 1, 3, 2, 3}, {1, 3, 1, 1, 2, 3}, {1, 3, 1, 3, 2, 1},
	{1, 1, 2, 3, 1, 3}, {1, 3, 2, 1, 1, 3}, {1, 3, 2, 3, 1, 1}, {2, 1, 1, 3, 1, 3}, {2, 3, 1, 1, 1, 3}, {2, 3, 1, 3, 1, 1},
	{1, 1, 2, 1, 3, 3}, {1, 1, 2, 3, 3, 1}, {1, 3, 2, 1, 3, 1}, {1, 1, 3, 1, 2, 3}, {1, 1, 3, 3, 2, 1}, {1, 3, 3, 1, 2, 1},
	{3, 1, 3, 1, 2, 1}, {2, 1, 1, 3, 3, 1}, {2, 3, 1, 1, 3, 1}, {2, 1, 3, 1, 1, 3}, {2, 1, 3, 3, 1, 1}, {2, 1, 3, 1, 3, 1},
	{3, 1, 1, 1, 2, 3}, {3, 1, 1, 3, 2, 1}, {3, 3, 1, 1, 2, 1}, {3, 1, 2, 1, 1, 3}, {3, 1, 2, 3, 1, 1}, {3, 3, 2, 1, 1, 1},
	{3, 1, 4, 1, 1, 1}, {2, 2, 1, 4, 1, 1}, {4, 3, 1, 1, 1, 1}, {1, 1, 1, 2, 2, 4}, {1, 1, 1, 4, 2, 2}, {1, 2, 1, 1, 2, 4},
	{1, 2, 1, 4, 2, 1}, {1, 4, 1, 1, 2, 2}, {1, 4, 1, 2, 2, 1}, {1, 1, 2, 2, 1, 4}, {1, 1, 2, 4, 1, 2}, {1, 2, 2, 1, 1, 4},
	{1, 2, 2, 4, 1, 1}, {1, 4, 2, 1, 1, 2}, {1, 4, 2, 2, 1, 1}, {2, 4, 1, 2, 1, 1}, {2, 2, 1, 1, 1, 4}, {4, 1, 3, 1, 1, 1},
	{2, 4, 1, 1, 1, 2}, {1, 3, 4, 1, 1, 1}, {1, 1, 1, 2, 4, 2}, {1, 2, 1, 1, 4, 2}, {1, 2, 1, 2, 4, 1}, {1, 1, 4, 2, 1, 2},
	{1, 2, 4, 1, 1, 2}, {1, 2, 4, 2, 1, 1}, {4, 1, 1, 2, 1, 2}, {4, 2, 1, 1, 1, 2}, {4, 2, 1, 2, 1, 1}, {2, 1, 2, 1, 4, 1},
	{2, 1, 4, 1, 2, 1}, {4, 1, 2, 1, 2, 1}, {1, 1, 1, 1, 4, 3}, {1, 1, 1, 3, 4, 1}, {1, 3, 1, 1, 4, 1}, {1, 1, 4, 1, 1, 3},
	{1, 1, 4, 3, 1, 1}, {4, 1, 1, 1, 1, 3}, {4, 1, 1, 3, 1, 1}, {1, 1, 3, 1, 4, 1}, {1, 1, 4, 1, 3, 1}, {3, 1, 1, 1, 4, 1},
	{4, 1, 1, 1, 3, 1}, {2, 1, 1, 4, 1, 2}, {2, 1, 1, 2, 1, 4}, {2, 1, 1, 2, 3, 2}, {2, 3, 3, 1, 1, 1, 2},
}

const c128Stop = 106

// code128ByEdges is each character by its four edge-to-edge widths, the
// index e1-2 + 6(e2-2) + 36(e3-2) + 216(e4-2) (each 2 to 7 modules); -1
// where none has them. No two characters share them (TestCode128EdgesAreUnique).
var code128ByEdges = func() [1296]int16 {
	var t [1296]int16
	for i := range t {
		t[i] = -1
	}
	for c, p := range code128Patterns {
		t[edgeIndex(p[0]+p[1], p[1]+p[2], p[2]+p[3], p[3]+p[4])] = int16(c)
	}
	return t
}()

func edgeIndex(e1, e2, e3, e4 int) int {
	return (e1 - 2) + 6*(e2-2) + 36*(e3-2) + 216*(e4-2)
}

// c128Char is the character whose six runs start at w[0], or -1.
func c128Char(w []int) int {
	p := w[0] + w[1] + w[2] + w[3] + w[4] + w[5]
	if p < 11 {
		return -1 // under a pixel a module
	}
	var e [4]int
	for k := range e {
		v := modules(w[k]+w[k+1], p)
		if v < 2 || v > 7 {
			return -1
		}
		e[k] = v
	}
	return int(code128ByEdges[edgeIndex(e[0], e[1], e[2], e[3])])
}

// modules is width x in modules of a character p wide (11 modules),
// rounded halves up: floor(11x/p + 1/2), in integers.
func modules(x, p int) int {
	return (22*x + p) / (2 * p)
}

func (d *c128Row) DecodeRow(rowNumber int, row *gozxing.BitArray, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	// White first: runs[0] is the white before the first bar, so bars are
	// at odd indices.
	x := row.GetNextSet(0)
	d.runs = barRuns(row, x, append(d.runs[:0], x))
	return d.decodeRuns(rowNumber, d.runs, hints)
}

// decodeRuns is DecodeRow on a row's runs, as barRuns gives them after
// the white before the first bar.
func (d *c128Row) decodeRuns(rowNumber int, runs []int, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	pos := 0 // where runs[i] starts
	for i := 1; i+6*3+7 <= len(runs); i += 2 {
		pos += runs[i-1]
		if i > 1 {
			pos += runs[i-2]
		}
		// Every start character begins 2 1 1: its first two edge-to-edge
		// widths are 3 and 2 modules (most positions fail here).
		w := runs[i : i+6]
		if p := w[0] + w[1] + w[2] + w[3] + w[4] + w[5]; p < 11 || modules(w[0]+w[1], p) != 3 || modules(w[1]+w[2], p) != 2 {
			continue
		}
		start := c128Char(w)
		if start < 103 || start > 105 {
			continue
		}
		width := runs[i] + runs[i+1] + runs[i+2] + runs[i+3] + runs[i+4] + runs[i+5]
		if 2*runs[i-1] < width {
			continue // white before it, half its width, as gozxing asks
		}
		if res, ok := d.from(rowNumber, runs, i, pos, width, hints); ok {
			return res, nil
		}
	}
	return nil, errNoRow
}

// from reads the characters after the start pattern at runs[i] (pixel
// pos, width wide), up to the stop pattern and the white after it.
func (d *c128Row) from(rowNumber int, runs []int, i, pos, width int, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, bool) {
	codes := append(d.codes[:0], c128Char(runs[i:i+6]))
	last := width
	end := pos + width
	for j := i + 6; ; j += 6 {
		if j+6 >= len(runs) {
			return nil, false
		}
		w := runs[j : j+6]
		p := w[0] + w[1] + w[2] + w[3] + w[4] + w[5]
		// Each character 11 modules, as the one before within a quarter
		// (a slant or perspective changes the module slowly).
		if 4*p < 3*last || 4*p > 5*last {
			return nil, false
		}
		c := c128Char(w)
		if c < 0 || (c >= 103 && c != c128Stop) {
			return nil, false
		}
		last = p
		end += p
		if c != c128Stop {
			codes = append(codes, c)
			continue
		}
		// The stop pattern's last bar, two modules, and white after it,
		// half a character wide (the row's last run is white to its end).
		bar := runs[j+6]
		if j+7 >= len(runs) || 11*bar < p || 11*bar > 3*p || (2*runs[j+7] < p && j+8 < len(runs)) {
			return nil, false
		}
		end += bar
		break
	}
	d.codes = codes
	// Start, at least one character, and the checksum.
	if len(codes) < 3 {
		return nil, false
	}
	sum := codes[0]
	for k, c := range codes[1 : len(codes)-1] {
		sum += (k + 1) * c
	}
	if sum%103 != codes[len(codes)-1] {
		return nil, false
	}
	res, err := d.dec.DecodeRow(rowNumber, d.draw(codes), hints)
	if err != nil {
		return nil, false
	}
	return gozxing.NewResult(res.GetText(), res.GetRawBytes(), []gozxing.ResultPoint{
		gozxing.NewResultPoint(float64(pos), float64(rowNumber)),
		gozxing.NewResultPoint(float64(end), float64(rowNumber)),
	}, gozxing.BarcodeFormat_CODE_128), true
}

// draw is codes and the stop pattern on a clean row, two pixels a module,
// with ten modules of white each side.
func (d *c128Row) draw(codes []int) *gozxing.BitArray {
	n := 2 * (20 + 11*len(codes) + 13)
	if d.clean == nil || d.clean.GetSize() != n {
		d.clean = gozxing.NewBitArray(n)
	} else {
		d.clean.Clear()
	}
	x := 20
	put := func(widths []int) {
		for k, m := range widths {
			if k%2 == 0 {
				d.clean.SetRange(x, x+2*m)
			}
			x += 2 * m
		}
	}
	for _, c := range codes {
		put(code128Patterns[c][:6])
	}
	put([]int{2, 3, 3, 1, 1, 1, 2})
	return d.clean
}
