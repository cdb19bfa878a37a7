package codes

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// findZXing is ZXing's QR finder-pattern search (FinderPatternFinder.Find),
// step for step, but reading each scanned row a run at a time: ZXing's
// state machine changes only where a row turns from black to white or
// back, and its loop asked BitMatrix.Get for every pixel, a fifth of an
// empty camera frame's time. What it does at a run's end (the checks of
// a candidate, the row skips) is gozxing's own code, called as ZXing calls
// it; TestFindZXingIsZXings compares the two on every kind of image.
func findZXing(bm *gozxing.BitMatrix, cb gozxing.ResultPointCallback, tryHarder bool) (*detector.FinderPatternInfo, error) {
	f := detector.NewFinderPatternFinder(bm, cb)
	maxI, maxJ := bm.GetHeight(), bm.GetWidth()
	iSkip := (3 * maxI) / (4 * detector.FinderPatternFinder_MAX_MODULES)
	if iSkip < detector.FinderPatternFinder_MIN_SKIP || tryHarder {
		iSkip = detector.FinderPatternFinder_MIN_SKIP
	}
	// hasSkipped is the finder's own flag, which FindRowSkip sets when two
	// centres are confirmed (it is not exported).
	hasSkipped := false
	done := false
	state := make([]int, 5)
	var row *gozxing.BitArray
	for i := iSkip - 1; i < maxI && !done; i += iSkip {
		clear(state)
		cur := 0
		if maxJ == 0 {
			break
		}
		row = bm.GetRow(i, row)
		words := row.GetBitArray()
		black := row.Get(0)
		// white is ZXing's step for one white pixel at j; it tells whether
		// the rest of the row is to be skipped.
		white := func(j int) (endRow bool) {
			if cur&1 == 1 {
				state[cur]++
				return false
			}
			if cur != 4 {
				cur++
				state[cur]++
				return false
			}
			if !detector.FinderPatternFinder_foundPatternCross(state) {
				detector.FinderPatternFinder_doShiftCounts2(state)
				cur = 3
				return false
			}
			if !f.HandlePossibleCenter(state, i, j) {
				detector.FinderPatternFinder_doShiftCounts2(state)
				cur = 3
				return false
			}
			iSkip = 2
			if hasSkipped {
				done = f.HaveMultiplyConfirmedCenters()
			} else {
				hasSkipped = confirmedCenters(f) >= 2
				rowSkip := f.FindRowSkip()
				if rowSkip > state[2] {
					i += rowSkip - state[2] - iSkip
					endRow = true
				}
			}
			cur = 0
			clear(state)
			return endRow
		}
		for j := 0; j < maxJ; {
			end := nextChange(words, j, maxJ, black)
			if black {
				if cur&1 == 1 {
					cur++
				}
				state[cur] += end - j
			} else {
				// The run's first pixels one at a time while they can
				// change the state; the rest add to the white count.
				k := j
				for ; k < end && cur&1 == 0; k++ {
					if white(k) {
						k = maxJ
						break
					}
				}
				if k >= maxJ {
					break
				}
				state[cur] += end - k
			}
			j, black = end, !black
		}
		if detector.FinderPatternFinder_foundPatternCross(state) {
			if f.HandlePossibleCenter(state, i, maxJ) {
				iSkip = state[0]
				if hasSkipped {
					done = f.HaveMultiplyConfirmedCenters()
				}
			}
		}
	}
	fps, err := f.SelectBestPatterns()
	if err != nil {
		return nil, err
	}
	bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(fps[0], fps[1], fps[2])
	return detector.NewFinderPatternInfo(bl.(*detector.FinderPattern), tl.(*detector.FinderPattern), tr.(*detector.FinderPattern)), nil
}

// confirmedCenters counts the centres seen on CENTER_QUORUM rows or more.
func confirmedCenters(f *detector.FinderPatternFinder) int {
	n := 0
	for _, c := range f.GetPossibleCenters() {
		if c.GetCount() >= detector.FinderPatternFinder_CENTER_QUORUM {
			n++
		}
	}
	return n
}

// decodeQRZXing is gozxing's QRCodeReader.Decode (not a pure barcode) on
// findZXing: the same grid, the same text.
func decodeQRZXing(bm *gozxing.BitMatrix, dec *decoder.Decoder, hints map[gozxing.DecodeHintType]interface{}) (*common.DecoderResult, error) {
	var cb gozxing.ResultPointCallback
	if c, ok := hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK]; ok {
		cb, _ = c.(gozxing.ResultPointCallback)
	}
	_, harder := hints[gozxing.DecodeHintType_TRY_HARDER]
	info, err := findZXing(bm, cb, harder)
	if err != nil {
		return nil, err
	}
	det, err := detector.NewDetector(bm).ProcessFinderPatternInfo(info)
	if err != nil {
		return nil, err
	}
	return dec.Decode(det.GetBits(), hints)
}
