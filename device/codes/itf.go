package codes

import (
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
)

// itfRow reads Interleaved 2 of 5 on one row, in place of gozxing's ITF
// reader, which tries only the first start pattern after the row's first
// black pixel and measures the quiet zone in whole pixels a module
// (guard/4 rounded down, so a label with just its 10 modules of margin
// at 2.7 px a module fails). Here every bar after a quiet zone is a
// candidate start, and bars and spaces are told narrow or wide against
// a threshold taken from each digit pair itself, so a barcode seen at an
// angle, its modules narrowing along the row, still reads.
//
// The row's vote (scan1D) still decides: ITF has no check digit.
type itfRow struct {
	runs []int
}

// ITF's digits: the weights of its five elements, two of them wide; a
// sum of 11 is 0.
var itfWeights = [5]int{1, 2, 4, 7, 0}

// itfQuiet is the quiet zone asked for, in narrow modules. The standard
// says 10; printed margins are often cut closer, and a start pattern
// (four narrow elements) then a valid pair then more is rare enough in
// clutter that 6 keeps the wrong reads at none on the sets we have
// (docs/reader.md).
const itfQuiet = 6

func (d *itfRow) DecodeRow(rowNumber int, row *gozxing.BitArray, _ map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	// The row's runs, white first: runs[0] is the white before the first
	// bar (0 when the row starts black), so bars are at odd indices.
	x := row.GetNextSet(0)
	d.runs = barRuns(row, x, append(d.runs[:0], x))
	runs := d.runs
	pos := 0 // the pixel where runs[i] starts
	// A start is a bar at i after a quiet zone at i-1; the row's last run
	// ends at the row's edge, not at a change, and is a quiet zone only.
	for i := 1; i+4+10+3 < len(runs); i += 2 {
		pos += runs[i-1]
		if i > 1 {
			pos += runs[i-2]
		}
		if text, end, ok := itfFrom(runs, i); ok {
			res := gozxing.NewResult(text, nil, []gozxing.ResultPoint{
				gozxing.NewResultPoint(float64(pos), float64(rowNumber)),
				gozxing.NewResultPoint(float64(end), float64(rowNumber)),
			}, gozxing.BarcodeFormat_ITF)
			return res, nil
		}
	}
	return nil, errNoRow
}

// itfFrom reads the barcode whose start pattern is the bar at runs[i],
// and returns its digits and the pixel where its stop pattern ends.
func itfFrom(runs []int, i int) (string, int, bool) {
	guard := runs[i : i+4]
	module := float64(guard[0]+guard[1]+guard[2]+guard[3]) / 4
	// A pixel short of it is rounding.
	if float64(runs[i-1]) < itfQuiet*module-1 {
		return "", 0, false
	}
	bar, space, _, ok := itfThreshold(runs[i+4 : i+14])
	if !ok {
		return "", 0, false
	}
	// The start pattern's four elements are narrow.
	for k, n := range guard {
		if t := pick(k, bar, space); float64(n) > t {
			return "", 0, false
		}
	}
	var text []byte
	j := i + 4
	for j+10 < len(runs) {
		pair := runs[j : j+10]
		// The stop pattern (wide bar, narrow space, narrow bar) and the
		// quiet zone after it: a space far wider than any in a pair.
		if float64(pair[3]) > 3*space {
			break
		}
		// Each pair is told narrow from wide by its own threshold, which
		// follows the row: at an angle, or in perspective, the modules
		// narrow or widen along it. It may not jump from the last pair's
		// by more than a third, and half a pixel of rounding.
		b, s, m, ok := itfThreshold(pair)
		if !ok || math.Abs(b-bar) > 0.35*bar+0.5 || math.Abs(s-space) > 0.35*space+0.5 {
			return "", 0, false
		}
		bar, space, module = b, s, m
		var digits [2]int
		for k, n := range pair {
			if float64(n) > pick(k, bar, space) {
				digits[k%2] += itfWeights[k/2]
			}
		}
		for _, v := range digits {
			if v == 11 {
				v = 0
			}
			text = append(text, byte('0'+v))
		}
		j += 10
	}
	if j+3 >= len(runs) {
		return "", 0, false
	}
	stop := runs[j : j+4]
	if float64(stop[0]) < bar || stop[0] <= stop[2] || float64(stop[1]) > space || float64(stop[2]) > bar {
		return "", 0, false
	}
	// The quiet zone after, in the last pair's narrow modules. The row's
	// last run counts: it is white to the row's edge.
	if float64(stop[3]) < itfQuiet*module-1 {
		return "", 0, false
	}
	// gozxing's lengths: 6, 8, 10, 12, 14 or more digits; a pair at a
	// time, text is always even.
	if len(text) < 6 {
		return "", 0, false
	}
	end := 0
	for _, n := range runs[:j+3] {
		end += n
	}
	return string(text), end, true
}

func pick(k int, bar, space float64) float64 {
	if k%2 == 0 {
		return bar
	}
	return space
}

// itfThreshold is the width between narrow and wide for a pair's bars
// and for its spaces: five each, two of them wide, so it lies between
// the third and fourth widest. A pair whose wide and narrow elements are
// not set well apart, whose widest is over four of its narrowest, or
// whose bars and spaces differ more than ink spread or a soft focus
// explain, is no pair.
func itfThreshold(pair []int) (bar, space, module float64, ok bool) {
	var t, narrow [2]float64
	for k := 0; k < 2; k++ {
		var v [5]int
		for e := 0; e < 5; e++ {
			v[e] = pair[2*e+k]
		}
		slices.Sort(v[:])
		n, w := float64(v[0]+v[1]+v[2])/3, float64(v[3]+v[4])/2
		if v[3] <= v[2] || w < 1.4*n || v[4] > 4*(v[0]+1) {
			return 0, 0, 0, false
		}
		t[k], narrow[k] = float64(v[2]+v[3])/2, n
	}
	if narrow[0] > 2*(narrow[1]+1) || narrow[1] > 2*(narrow[0]+1) {
		return 0, 0, 0, false
	}
	return t[0], t[1], (narrow[0] + narrow[1]) / 2, true
}

// errNoRow is our row decoders' "no barcode on this row", made once:
// gozxing's exceptions record the caller's stack, which on a still's
// every-row scan, a failed row after another, was a tenth of its time.
// Only whether the error is nil is asked of it.
var errNoRow = gozxing.NewNotFoundException()
