package codes

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// code128Starts are Code128's three start patterns (START A, B, C), as
// gozxing's reader matches them.
var code128Starts = [3][]int{{2, 1, 1, 4, 1, 2}, {2, 1, 1, 2, 1, 4}, {2, 1, 1, 2, 3, 2}}

// hasCode128Start tells whether gozxing's Code128 reader would find a
// start pattern on row. Its DecodeRow looks for one first and fails at
// once without it; it does so pixel by pixel, which made a still's scan of
// every row, both ways and turned (decode1DHarder), 28% of a no-code
// photo's time. This is the same search a run at a time: six runs from
// the row's first black pixel, two runs further each time, each window
// ended by a change of colour (not by the row's end), matched with
// gozxing's own variance and its limits (0.25 average, 0.7 a bar), with
// white before it for half its width. A row where it finds none is one
// DecodeRow cannot read, so skipping it changes no result
// (TestCode128StartIsGozxings).
func hasCode128Start(row *gozxing.BitArray, runs []int) ([]int, bool) {
	first := row.GetNextSet(0)
	runs = barRuns(row, first, runs[:0])
	// The last run ends at the row's end, not at a change: it closes no
	// window.
	start := first
	for k := 0; k+6 < len(runs); k += 2 {
		w := runs[k : k+6]
		end := start
		for _, n := range w {
			end += n
		}
		// Every start pattern is 2,1,1 units first, of 11: a window whose
		// first three runs miss that by more than gozxing's 0.7 a bar
		// (with a hundredth to spare for rounding) matches none, and most
		// windows end here, without the variance.
		u := float64(end-start) / 11
		if c := float64(w[0]); c > 2.71*u || c < 1.29*u {
			start += runs[k] + runs[k+1]
			continue
		}
		if c := float64(w[1]); c > 1.71*u || c < 0.29*u {
			start += runs[k] + runs[k+1]
			continue
		}
		if c := float64(w[2]); c > 1.71*u || c < 0.29*u {
			start += runs[k] + runs[k+1]
			continue
		}
		best := -1
		bestVariance := 0.25
		for s, p := range code128Starts {
			if v := oned.PatternMatchVariance(w, p, 0.7); v < bestVariance {
				bestVariance, best = v, s
			}
		}
		if best >= 0 {
			if quiet, _ := row.IsRange(max(0, start-(end-start)/2), start, false); quiet {
				return runs, true
			}
		}
		start += runs[k] + runs[k+1]
	}
	return runs, false
}

// barRuns appends to runs the lengths of row's runs from x, a black pixel
// or the row's end, black first; the last ends at the row's end.
func barRuns(row *gozxing.BitArray, x int, runs []int) []int {
	width := row.GetSize()
	for black := true; x < width; black = !black {
		var next int
		if black {
			next = row.GetNextUnset(x)
		} else {
			next = row.GetNextSet(x)
		}
		runs = append(runs, next-x)
		x = next
	}
	return runs
}
