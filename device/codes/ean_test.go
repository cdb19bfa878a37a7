package codes

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// eanBitRow is an EAN-13 barcode drawn by gozxing's writer at module px
// a module on a row of width px, with quiet modules of white before and
// after it, and before that, from the row's start, what clutter draws.
func eanBitRow(t *testing.T, text string, module, quiet int, clutter []int, width int) *gozxing.BitArray {
	t.Helper()
	m, err := oned.NewEAN13Writer().Encode(text, gozxing.BarcodeFormat_EAN_13, 1, 1, map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	row := gozxing.NewBitArray(width)
	x := 0
	for i, n := range clutter { // bar, space, bar, ... in pixels
		if i%2 == 0 {
			row.SetRange(x, x+n)
		}
		x += n
	}
	x += quiet * module
	for u := 0; u < m.GetWidth(); u++ {
		if m.Get(u, 0) {
			row.SetRange(x+u*module, x+(u+1)*module)
		}
	}
	return row
}

// A row where something before the barcode passes for a start guard (a
// 1:1:1 of bar, space, bar with white before it as wide): gozxing decodes
// from it, fails, and gives up the row; eanRow goes on to the barcode's
// own guard. With nothing before the barcode, both read it.
func TestEANRowReadsPastAGuardBeforeTheBarcode(t *testing.T) {
	gz := oned.NewMultiFormatUPCEANReader(nil).(oned.RowDecoder)
	ours := newEANRow()
	const text = "4901234567894"
	for _, module := range []int{1, 2, 3} {
		clean := eanBitRow(t, text, module, 10, nil, 400)
		for name, d := range map[string]oned.RowDecoder{"gozxing": gz, "eanRow": ours} {
			if res, err := d.DecodeRow(0, clean, nil); err != nil || res.GetText() != text {
				t.Errorf("%d px a module, nothing before it: %s read %v %v", module, name, res, err)
			}
		}
		// White, then a table line's edge that looks like a guard: bar,
		// space, bar of 3 px each after 20 px of white.
		clutter := []int{0, 20, 3, 3, 3, 8, 6}
		row := eanBitRow(t, text, module, 10, clutter, 400)
		if res, err := gz.DecodeRow(0, row, nil); err == nil {
			t.Errorf("%d px a module: gozxing read %q past the clutter, so this row proves nothing", module, res.GetText())
		}
		if res, err := ours.DecodeRow(0, row, nil); err != nil || res.GetText() != text {
			t.Errorf("%d px a module, a guard before it: eanRow read %v %v, not %q", module, res, err, text)
		}
	}
}

// Wherever gozxing's EAN-13 reader reads a row, eanRow reads the same
// number: its first candidate is gozxing's guard. Every row of the real
// EAN-13 photos, both ways, both row sources.
func TestEANRowReadsWhatGozxingReads(t *testing.T) {
	gz := oned.NewMultiFormatUPCEANReader(nil).(oned.RowDecoder)
	ours := newEANRow()
	imgs, _ := loadSet(t, "ean13-1")
	both, more := 0, 0
	for i, g := range imgs {
		src, err := luminance(g)
		if err != nil {
			t.Fatal(err)
		}
		h := newHybrid(src)
		for _, bin := range []gozxing.Binarizer{h, localRows{h}} {
			var row *gozxing.BitArray
			for y := 0; y < g.Rect.Dy(); y++ {
				if row, err = bin.GetBlackRow(y, row); err != nil {
					continue // a flat row: no black point
				}
				for dir := 0; dir < 2; dir++ {
					if dir == 1 {
						row.Reverse()
					}
					want, werr := gz.DecodeRow(y, row, nil)
					got, gerr := ours.DecodeRow(y, row, nil)
					switch {
					case werr == nil && want.GetBarcodeFormat() == gozxing.BarcodeFormat_EAN_13:
						if gerr != nil || got.GetText() != want.GetText() {
							t.Errorf("photo %d, row %d: gozxing read %q, eanRow %v %v", i, y, want.GetText(), got, gerr)
						}
						both++
					case gerr == nil:
						more++
					}
				}
			}
		}
	}
	t.Logf("rows read by both: %d; by eanRow alone: %d", both, more)
	if both == 0 {
		t.Fatal("no row read: the comparison proves nothing")
	}
}

// Random rows of bars: a row alone passes for an EAN-13 about as rarely
// as with gozxing's reader (its check digit passes one in ten of what
// decodes), at most one in 10,000; a read then needs the same number on
// a second row (scan1D), which random rows do not give.
func TestEANRowRandomRowsRarelyRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	ours := newEANRow()
	gz := oned.NewMultiFormatUPCEANReader(nil).(oned.RowDecoder)
	const rows = 200000
	n, ngz := 0, 0
	for i := 0; i < rows; i++ {
		row := randomBarRow(rng)
		if _, err := ours.DecodeRow(0, row, nil); err == nil {
			n++
		}
		if res, err := gz.DecodeRow(0, row, nil); err == nil && res.GetBarcodeFormat() == gozxing.BarcodeFormat_EAN_13 {
			ngz++
		}
	}
	t.Logf("random rows read as EAN-13: eanRow %d, gozxing %d, of %d", n, ngz, rows)
	if n > rows/10000 {
		t.Errorf("eanRow read %d of %d random rows", n, rows)
	}
}

// randomBarRow is a 640 px row of bars and spaces 1 to 12 px wide, most
// of them narrow.
func randomBarRow(rng *rand.Rand) *gozxing.BitArray {
	row := gozxing.NewBitArray(640)
	x := rng.IntN(40)
	for black := true; x < 640; black = !black {
		w := 1 + rng.IntN(1+rng.IntN(12))
		if black {
			row.SetRange(x, min(x+w, 640))
		}
		x += w
	}
	return row
}
