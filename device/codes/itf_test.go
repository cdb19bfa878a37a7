package codes

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// itfElements is text as ITF's elements in modules, bar first: the start
// pattern, the digit pairs, the stop pattern, wide elements ratio wide.
func itfElements(text string, ratio float64) []float64 {
	// The digits' wide elements, by ITF's table: 1 wide, 0 narrow.
	table := [10]string{"00110", "10001", "01001", "11000", "00101", "10100", "01100", "00011", "10010", "01010"}
	el := []float64{1, 1, 1, 1}
	for i := 0; i+1 < len(text); i += 2 {
		a, b := table[text[i]-'0'], table[text[i+1]-'0']
		for k := 0; k < 5; k++ {
			for _, c := range []byte{a[k], b[k]} {
				if c == '1' {
					el = append(el, ratio)
				} else {
					el = append(el, 1)
				}
			}
		}
	}
	return append(el, ratio, 1, 1)
}

// itfBitRow draws elements on a row of width px: 20 px of something dark
// (the label's edge), quiet modules of margin, the code at module px a
// module at its start, narrowing to module·(1-slope) at its end (a label
// seen at an angle), edges rounded to whole pixels, the same margin, and
// dark again.
func itfBitRow(el []float64, quiet, module, slope float64, width int) *gozxing.BitArray {
	const edge = 20
	total := 0.0
	for _, e := range el {
		total += e
	}
	row := gozxing.NewBitArray(width)
	// x(u) is where the code's u-th module lands: its scale falls
	// linearly from module to module·(1-slope) over the code.
	x := func(u float64) float64 {
		return edge + module*quiet + module*u*(1-slope*u/total/2)
	}
	set := func(from, to float64) {
		for px := int(from + 0.5); px < int(to+0.5) && px < width; px++ {
			row.Set(px)
		}
	}
	set(0, edge)
	u := 0.0
	for k, e := range el {
		if k%2 == 0 {
			set(x(u), x(u+e))
		}
		u += e
	}
	end := x(total) + module*(1-slope)*quiet
	set(end, end+edge)
	return row
}

func TestITFRowReadsLabelsGozxingMisses(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	gz := oned.NewITFReader().(oned.RowDecoder)
	ours := &itfRow{}
	var read, gzRead, n int
	for _, ratio := range []float64{2, 2.5, 3} {
		for _, module := range []float64{1.5, 2, 2.7, 3.4, 5} {
			for _, slope := range []float64{0, 0.1, 0.25} {
				for _, quiet := range []float64{6, 10} {
					digits := 6 + 2*rng.IntN(5)
					text := ""
					for range digits {
						text += fmt.Sprint(rng.IntN(10))
					}
					el := itfElements(text, ratio)
					row := itfBitRow(el, quiet, module, slope, 1200)
					n++
					name := fmt.Sprintf("%s ratio %.1f, %.1f px, slope %.2f, quiet %.0f", text, ratio, module, slope, quiet)
					res, err := ours.DecodeRow(0, row, nil)
					if err == nil && res.GetText() != text {
						t.Errorf("%s: read %q", name, res.GetText())
					}
					if err == nil {
						read++
					} else if slope < 0.25 && !(ratio == 2 && module < 2 && slope > 0) {
						// A code narrowing by a quarter is past any
						// threshold's reach; one of wide bars twice the
						// narrow at 1.5 px a module, narrowing, has wide
						// and narrow elements of the same 2 px.
						t.Errorf("%s: no read", name)
					}
					if res, err := gz.DecodeRow(0, row, nil); err == nil && res.GetText() == text {
						gzRead++
					}
					row.Reverse()
					if res, err := ours.DecodeRow(0, row, nil); err == nil {
						t.Errorf("%s reversed: read %q", name, res.GetText())
					}
				}
			}
		}
	}
	t.Logf("itfRow read %d of %d clean rows, gozxing's ITF reader %d", read, n, gzRead)
	if read < gzRead {
		t.Errorf("itfRow read %d, gozxing %d", read, gzRead)
	}
}

// Clutter before a label (a bar, then narrow stripes that pass for a
// start pattern) must not hide the real start after it: gozxing gives up
// on a row's first start pattern.
func TestITFRowFindsTheStartAfterClutter(t *testing.T) {
	text := "12345678901231"
	el := append([]float64{3, 1, 1, 1, 1, 1, 1, 11}, itfElements(text, 2.5)...)
	row := itfBitRow(el, 12, 2, 0, 600)
	res, err := (&itfRow{}).DecodeRow(0, row, nil)
	if err != nil || res.GetText() != text {
		t.Fatalf("read %v %v, want %s", res, err, text)
	}
}

func TestITFRowRandomRowsReadNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	d := &itfRow{}
	for i := 0; i < 20000; i++ {
		row := gozxing.NewBitArray(640)
		black := rng.IntN(2) == 0
		for x := 0; x < 640; {
			n := 1 + rng.IntN(12)
			for ; n > 0 && x < 640; n, x = n-1, x+1 {
				if black {
					row.Set(x)
				}
			}
			black = !black
		}
		if res, err := d.DecodeRow(0, row, nil); err == nil {
			t.Errorf("random row %d read %q", i, res.GetText())
		}
	}
}
