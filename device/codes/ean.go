package codes

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// eanRow reads EAN-13 on one row with gozxing's EAN-13 decoder, from
// every start guard on the row in turn. gozxing's own DecodeRow decodes
// from the first start guard with white before it (the guard's width),
// and fails the row when that one does not decode, so a bar, a letter or
// a table line before the barcode, which itself passes for a guard,
// hides the barcode on that row. zxing-cpp tries every guard. Here each
// candidate guard, found by gozxing's own rule (three runs, bar first,
// matched to 1:1:1 with its variances, and white before it at least as
// wide as the guard), is decoded by gozxing's reader on a copy of the
// row whose pixels before the guard are cleared, so that it is the
// first one gozxing finds; the first candidate is the guard gozxing
// itself takes. A guard with fewer than the 59 runs of an EAN-13 after it
// cannot decode and is not tried (each failed decode builds gozxing's
// errors, with their call stacks).
type eanRow struct {
	dec    oned.RowDecoder
	runs   []int
	masked *gozxing.BitArray
}

func newEANRow() *eanRow {
	hints := map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_POSSIBLE_FORMATS: []gozxing.BarcodeFormat{gozxing.BarcodeFormat_EAN_13},
	}
	return &eanRow{dec: oned.NewMultiFormatUPCEANReader(hints).(oned.RowDecoder)}
}

// eanGuard is the start and end guard's pattern, and eanRuns the runs
// from a start guard's first bar to the end guard's last: 3 + 6×4 + 5 +
// 6×4 + 3.
var eanGuard = []int{1, 1, 1}

const eanRuns = 59

func (d *eanRow) DecodeRow(rowNumber int, row *gozxing.BitArray, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	x := row.GetNextSet(0)
	d.runs = barRuns(row, x, d.runs[:0])
	runs := d.runs
	pos := x // where runs[k] starts
	// The end guard's last bar must be followed by a change of colour
	// (the row's last run ends at the row's end): k+eanRuns a run too.
	for k := 0; k+eanRuns < len(runs); k += 2 {
		if k > 0 {
			pos += runs[k-2] + runs[k-1]
		}
		if oned.PatternMatchVariance(runs[k:k+3], eanGuard, 0.7) >= 0.48 {
			continue
		}
		guard := runs[k] + runs[k+1] + runs[k+2]
		white := x // before the row's first bar, all white
		if k > 0 {
			white = runs[k-1]
		}
		if pos-guard < 0 || white < guard {
			continue
		}
		if res, err := d.dec.DecodeRow(rowNumber, d.from(row, pos), hints); err == nil {
			return res, nil
		}
	}
	return nil, errNoRow
}

// from is row with its pixels before x cleared (white), in a buffer of
// the reader's.
func (d *eanRow) from(row *gozxing.BitArray, x int) *gozxing.BitArray {
	if d.masked == nil || d.masked.GetSize() != row.GetSize() {
		d.masked = gozxing.NewBitArray(row.GetSize())
	}
	dst, src := d.masked.GetBitArray(), row.GetBitArray()
	copy(dst, src)
	for i := 0; i < x>>5; i++ {
		dst[i] = 0
	}
	if x&31 != 0 {
		dst[x>>5] &^= 1<<(x&31) - 1
	}
	return d.masked
}
