package codes

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// The edge-to-edge widths tell every character apart, so a lookup by them
// is a decode.
func TestCode128EdgesAreUnique(t *testing.T) {
	seen := map[int]int{}
	for c, p := range code128Patterns {
		k := edgeIndex(p[0]+p[1], p[1]+p[2], p[2]+p[3], p[3]+p[4])
		if o, ok := seen[k]; ok {
			t.Errorf("characters %d and %d have the same edges", o, c)
		}
		seen[k] = c
		if got := c128Char(p[:6]); got != c {
			t.Errorf("character %d decodes as %d", c, got)
		}
	}
}

// decodeRuns skips a position whose first two edge-to-edge widths are not
// 3 and 2 modules before telling its character: every start character's
// are, and modules rounds as the float formula it replaced.
func TestC128StartsBeginTwoOneOne(t *testing.T) {
	for c := 103; c <= 105; c++ {
		p := code128Patterns[c]
		if p[0]+p[1] != 3 || p[1]+p[2] != 2 {
			t.Errorf("start character %d begins %v", c, p[:3])
		}
	}
	for p := 11; p < 700; p++ {
		for x := 0; x <= p; x++ {
			if want := int(math.Floor(float64(x)*11/float64(p) + 0.5)); modules(x, p) != want {
				t.Fatalf("modules(%d, %d) = %d, want %d", x, p, modules(x, p), want)
			}
		}
	}
}

// code128BoldRow draws text as Code128 at module px a module, every bar
// grown by bleed px into the spaces on each side (ink spread, a soft
// lens, a binarizer's threshold low on a small code), from x = 30.
func code128BoldRow(t *testing.T, text string, module, bleed float64) *gozxing.BitArray {
	t.Helper()
	m, err := oned.NewCode128Writer().Encode(text, gozxing.BarcodeFormat_CODE_128, 1, 1, map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	row := gozxing.NewBitArray(int(float64(m.GetWidth())*module) + 80)
	for u := 0; u < m.GetWidth(); u++ {
		if !m.Get(u, 0) {
			continue
		}
		from, to := 30+float64(u)*module-bleed, 30+float64(u+1)*module+bleed
		row.SetRange(int(from+0.5), int(to+0.5))
	}
	return row
}

// Bars made bolder by a fraction of a module: gozxing's widths-based
// match fails on many such rows and the edge-to-edge decode reads them;
// a clean row reads by one or the other, and neither reads a wrong text.
func TestC128RowReadsBolderBars(t *testing.T) {
	gz := oned.NewCode128Reader().(oned.RowDecoder)
	ours := newC128Row()
	rng := rand.New(rand.NewPCG(4, 4))
	read, gzRead, n := 0, 0, 0
	for _, module := range []float64{1.5, 2, 2.5, 3} {
		for _, bleed := range []float64{0, 0.3, 0.5, 0.7} {
			for range 5 {
				text := ""
				for range 16 + rng.IntN(9) {
					text += string(rune('0' + rng.IntN(10)))
				}
				row := code128BoldRow(t, text, module, bleed*module/2)
				n++
				res, err := ours.DecodeRow(0, row, nil)
				oursOK := err == nil && res.GetText() == text
				if oursOK {
					read++
				} else if err == nil {
					t.Errorf("%.1f px a module, bleed %.1f: read %q, not %q", module, bleed, res.GetText(), text)
				}
				gres, gerr := gz.DecodeRow(0, row, nil)
				gzOK := gerr == nil && gres.GetText() == text
				if gzOK {
					gzRead++
				}
				// A clean row reads, by one or the other (at 1.5 px a
				// module, whole pixels move an edge-to-edge width by up
				// to two thirds of a module: gozxing reads those).
				if bleed == 0 && !oursOK && !gzOK {
					t.Errorf("%.1f px a module, clean: not read", module)
				}
			}
		}
	}
	t.Logf("edge-to-edge %d of %d, gozxing %d", read, n, gzRead)
	if read <= gzRead {
		t.Errorf("edge-to-edge read %d of %d rows, gozxing %d", read, n, gzRead)
	}
}

// Random rows: the edge-to-edge decode asks for a start pattern, every
// character's edges, each character as wide as the last within a
// quarter, the stop pattern and the checksum; a row alone passes about
// as rarely as with gozxing's reader, at most one in 10,000.
func TestC128RowRandomRowsRarelyRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	ours := newC128Row()
	gz := oned.NewCode128Reader().(oned.RowDecoder)
	const rows = 200000
	n, ngz := 0, 0
	for i := 0; i < rows; i++ {
		row := randomBarRow(rng)
		if _, err := ours.DecodeRow(0, row, nil); err == nil {
			n++
		}
		if _, err := gz.DecodeRow(0, row, nil); err == nil {
			ngz++
		}
	}
	t.Logf("random rows read as Code128: edge-to-edge %d, gozxing %d, of %d", n, ngz, rows)
	if n > rows/10000 {
		t.Errorf("edge-to-edge read %d of %d random rows", n, rows)
	}
}
