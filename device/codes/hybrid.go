package codes

import (
	"encoding/binary"

	"github.com/makiuchi-d/gozxing"
)

// hybrid is ZXing's hybrid binarizer, bit for bit (TestHybridMatchesZXings),
// written for speed: gozxing's tests each pixel with a branch and sets it
// with a method call, which made it two thirds of an empty camera frame's
// time (BenchmarkFrameKinds/empty). Here a block's sum, darkest and
// lightest are branch-free, and a row's bits are assembled a word at a
// time. Images under 40 px still go to ZXing's global-histogram
// binarizer, as gozxing's hybrid sends them; rows of 1D codes are its
// rows too, written for speed (GetBlackRow).
type hybrid struct {
	*gozxing.GlobalHistogramBinarizer
	matrix *gozxing.BitMatrix
	spare  *gozxing.BitMatrix // the last frame's matrix, written over (reuse)
	row    *gozxing.BitArray  // the row being thresholded
	bp     []int              // the blocks' black points and thresholds
	thr    []byte             // a row's threshold for each pixel
	rowLum []byte             // a 1D row's grey levels
}

const (
	blockPower = 3
	block      = 1 << blockPower
	minDim     = 5 * block
	minDynamic = 24 // gozxing.MIN_DYNAMIC_RANGE
)

func newHybrid(src gozxing.LuminanceSource) *hybrid {
	return &hybrid{GlobalHistogramBinarizer: gozxing.NewGlobalHistgramBinarizer(src).(*gozxing.GlobalHistogramBinarizer)}
}

// reuse makes b binarize src in the buffers b had for the frame before,
// the matrix too: a camera frame's matrix is not kept past its frame, and
// a new one each frame (with its block sums) was most of the 2.6 MB an
// empty frame allocated, and the garbage collector's work with it.
func (b *hybrid) reuse(src gozxing.LuminanceSource) {
	b.GlobalHistogramBinarizer = gozxing.NewGlobalHistgramBinarizer(src).(*gozxing.GlobalHistogramBinarizer)
	if b.matrix != nil {
		b.spare = b.matrix
	}
	b.matrix = nil
}

func (b *hybrid) CreateBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	return newHybrid(src)
}

func (b *hybrid) GetBlackMatrix() (*gozxing.BitMatrix, error) {
	if b.matrix != nil {
		return b.matrix, nil
	}
	src := b.GetLuminanceSource()
	w, h := src.GetWidth(), src.GetHeight()
	if w < minDim || h < minDim {
		m, err := b.GlobalHistogramBinarizer.GetBlackMatrix()
		if err != nil {
			return nil, err
		}
		b.matrix = m
		return m, nil
	}
	lum := src.GetMatrix()
	sw, sh := (w+block-1)>>blockPower, (h+block-1)>>blockPower
	if cap(b.bp) < 2*sw*sh {
		b.bp = make([]int, 2*sw*sh)
	}
	bp := b.bp[:sw*sh]
	blackPoints(lum, w, h, sw, sh, bp)
	m := b.spare
	b.spare = nil
	if m == nil || m.GetWidth() != w || m.GetHeight() != h {
		var err error
		if m, err = gozxing.NewBitMatrix(w, h); err != nil {
			return nil, err
		}
	}
	// Each block's threshold is the mean of the 5x5 blocks' black points
	// around it (clamped at the edges), as ZXing's.
	avg := b.bp[sw*sh : 2*sw*sh]
	for y := 0; y < sh; y++ {
		top := min(max(y, 2), sh-3)
		for x := 0; x < sw; x++ {
			left := min(max(x, 2), sw-3)
			sum := 0
			for z := top - 2; z <= top+2; z++ {
				r := bp[z*sw+left-2 : z*sw+left+3]
				sum += r[0] + r[1] + r[2] + r[3] + r[4]
			}
			avg[y*sw+x] = sum / 25
		}
	}
	// ZXing thresholds block by block, the last block of a row or column
	// moved back to end at the edge, so it overlaps the one before; a
	// pixel two blocks cover is black if either calls it black, that is
	// at or below the higher threshold. Here a row at a time, eight pixels
	// to a 64-bit word (thresholds and grey levels are bytes).
	if cap(b.thr) < w {
		b.thr = make([]byte, w)
	}
	thr := b.thr[:w]
	if b.row == nil || b.row.GetSize() != w {
		b.row = gozxing.NewBitArray(w)
	}
	row := b.row
	words := row.GetBitArray()
	last := -1 // the rows' cover last computed
	for y := 0; y < h; y++ {
		by0, by1 := y>>blockPower, y>>blockPower
		if by0 < sh-1 && y >= h-block {
			by1 = sh - 1 // the last block row, moved back, covers it too
		}
		if key := by0*sh + by1; key != last {
			last = key
			rowThresholds(avg, sw, w, by0, by1, thr)
		}
		thresholdRow(lum[y*w:(y+1)*w], thr, words)
		m.SetRow(y, row)
	}
	b.matrix = m
	return m, nil
}

// rowThresholds writes each pixel's threshold for a row covered by block
// rows by0 and by1 (the same when one covers it).
func rowThresholds(avg []int, sw, w, by0, by1 int, thr []byte) {
	for bx := 0; bx < sw; bx++ {
		t := byte(max(avg[by0*sw+bx], avg[by1*sw+bx]))
		x0 := bx << blockPower
		if x0+block <= w {
			binary.LittleEndian.PutUint64(thr[x0:x0+block], uint64(t)*0x0101010101010101)
			continue
		}
		// The last block, moved back to end at the edge: where it
		// overlaps the one before, the higher threshold.
		x0 = w - block
		seg := thr[x0:w]
		for i := range seg {
			if x0+i < bx<<blockPower {
				seg[i] = max(seg[i], t)
			} else {
				seg[i] = t
			}
		}
	}
}

// blackPoints is each block's black point, as ZXing's: the block's mean
// where its range exceeds 24 grey levels; otherwise half its darkest, or
// its neighbours' black point where that is higher than its darkest (a
// flat block inside a dark area is taken for part of it).
func blackPoints(lum []byte, w, h, sw, sh int, bp []int) {
	for y := 0; y < sh; y++ {
		yo := min(y<<blockPower, h-block)
		for x := 0; x < sw; x++ {
			xo := min(x<<blockPower, w-block)
			// A block's eight rows as 64-bit words, a byte to a pixel
			// (SWAR): the sums in four 16-bit lanes (8 rows of two
			// pixels, at most 4080 a lane), the darkest and lightest
			// lane by lane, then across the lanes. Pixel by pixel this
			// was 40% of an empty camera frame's time.
			off := yo*w + xo
			v := binary.LittleEndian.Uint64(lum[off : off+block])
			s := v&evens + v>>8&evens
			lo, hi := v, v
			for r := 1; r < block; r++ {
				off += w
				v = binary.LittleEndian.Uint64(lum[off : off+block])
				s += v&evens + v>>8&evens
				lo, hi = minBytes(lo, v), maxBytes(hi, v)
			}
			for k := 32; k >= 8; k >>= 1 {
				lo, hi = minBytes(lo, lo>>k), maxBytes(hi, hi>>k)
			}
			sum, darkest, lightest := int(s*0x0001000100010001>>48), int(lo&0xff), int(hi&0xff)
			average := sum >> (2 * blockPower)
			if lightest-darkest <= minDynamic {
				average = darkest / 2
				if y > 0 && x > 0 {
					n := (bp[(y-1)*sw+x] + 2*bp[y*sw+x-1] + bp[(y-1)*sw+x-1]) / 4
					if darkest < n {
						average = n
					}
				}
			}
			bp[y*sw+x] = average
		}
	}
}

const evens = 0x00ff00ff00ff00ff

// maxBytes is the greater of a's and b's byte in each lane (minBytes's
// other half).
func maxBytes(a, b uint64) uint64 {
	m := atLeast(a, b) >> 7 * 0xff
	return a&m | b&^m
}

// thresholdRow sets a row's bits: a pixel at or below its threshold is
// black (so 0 is black even at a threshold of 0). Eight pixels at a time
// in a 64-bit word, one byte to a pixel (SWAR): the pixel-by-pixel loop
// was most of an empty camera frame's time.
func thresholdRow(line, thr []byte, words []uint32) {
	w := len(line)
	for i := range words {
		x0 := i << 5
		var word uint32
		if x0+32 <= w {
			for k := 0; k < 4; k++ {
				o := x0 + k<<3
				t := binary.LittleEndian.Uint64(thr[o : o+8])
				v := binary.LittleEndian.Uint64(line[o : o+8])
				word |= uint32(packHigh(atLeast(t, v))) << (k << 3)
			}
		} else {
			for j, v := range line[x0:] {
				if v <= thr[x0+j] {
					word |= 1 << j
				}
			}
		}
		words[i] = word
	}
}

const highs = 0x8080808080808080

// atLeast sets the high bit of each byte lane where a's byte is at least
// b's, unsigned. The low seven bits are compared by a subtraction that
// cannot borrow across lanes ((a|0x80)-(b&0x7f) is 1 to 255); where the
// top bits differ, a's decides.
func atLeast(a, b uint64) uint64 {
	d := (a | highs) - (b &^ highs)
	return ((a &^ b) | (^(a ^ b) & d)) & highs
}

// packHigh gathers the high bits of the eight byte lanes into a byte,
// lane i to bit i (one multiply: the shifted bits land without overlap).
func packHigh(x uint64) byte {
	return byte(((x >> 7) * 0x0102040810204080) >> 56)
}

// GetBlackRow is ZXing's global-histogram row (a 1D code's), bit for bit
// (TestBlackRowIsZXings): gozxing's sets each pixel with a method call and
// was a tenth of a no-code still's time (the every-row 1D scan). The row's
// histogram in 32 bins, ZXing's black point, then a -1 4 -1 sharpening,
// and a pixel is black where that is below the point; bits a word at a
// time, without a branch.
func (b *hybrid) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	src := b.GetLuminanceSource()
	w := src.GetWidth()
	if row == nil || row.GetSize() < w {
		row = gozxing.NewBitArray(w)
	} else {
		row.Clear()
	}
	lum, err := src.GetRow(y, b.rowLum)
	if err != nil {
		return nil, err
	}
	b.rowLum = lum
	lum = lum[:w]
	// Four histograms in turn, added up: one bin raised pixel after pixel
	// makes each increment wait for the last.
	var h4 [4][gozxing.LUMINANCE_BUCKETS]int
	x := 0
	for ; x+4 <= w; x += 4 {
		h4[0][lum[x]>>gozxing.LUMINANCE_SHIFT]++
		h4[1][lum[x+1]>>gozxing.LUMINANCE_SHIFT]++
		h4[2][lum[x+2]>>gozxing.LUMINANCE_SHIFT]++
		h4[3][lum[x+3]>>gozxing.LUMINANCE_SHIFT]++
	}
	for ; x < w; x++ {
		h4[0][lum[x]>>gozxing.LUMINANCE_SHIFT]++
	}
	var buckets [gozxing.LUMINANCE_BUCKETS]int
	for i := range buckets {
		buckets[i] = h4[0][i] + h4[1][i] + h4[2][i] + h4[3][i]
	}
	point, ok := blackPoint(buckets[:])
	if !ok {
		return nil, gozxing.NewNotFoundException()
	}
	words := row.GetBitArray()
	if w < 3 {
		for x, v := range lum {
			if int(v) < point {
				words[x>>5] |= 1 << (x & 31)
			}
		}
		return row, nil
	}
	// ZXing's (4c-l-r)/2 < point, truncated toward zero, is 4c-l-r <
	// 2·point: the point is at least 8 (a valley above the first bin), so
	// a negative sum is black either way.
	// A word's bits are gathered in a register and stored once.
	two := 2 * point
	left, center := int(lum[0]), int(lum[1])
	var word uint32
	for x, v := range lum[2:] {
		right := int(v)
		below := (center*4 - left - right - two) >> 63
		word |= uint32(below&1) << ((x + 1) & 31)
		if (x+1)&31 == 31 {
			words[(x+1)>>5] = word
			word = 0
		}
		left, center = center, right
	}
	if (w-2)&31 != 31 {
		words[(w-2)>>5] = word
	}
	return row, nil
}

// blackPoint is ZXing's global-histogram black point: the valley, nearer
// the white peak, between the tallest bin and the one farthest from it
// for its height; none (false) when the two peaks are too close.
func blackPoint(buckets []int) (int, bool) {
	n := len(buckets)
	maxCount, first, firstSize := 0, 0, 0
	for x, c := range buckets {
		if c > firstSize {
			first, firstSize = x, c
		}
		maxCount = max(maxCount, c)
	}
	second, secondScore := 0, 0
	for x, c := range buckets {
		d := x - first
		if score := c * d * d; score > secondScore {
			second, secondScore = x, score
		}
	}
	if first > second {
		first, second = second, first
	}
	if second-first <= n/16 {
		return 0, false
	}
	valley, valleyScore := second-1, -1
	for x := second - 1; x > first; x-- {
		from := x - first
		if score := from * from * (second - x) * (maxCount - buckets[x]); score > valleyScore {
			valley, valleyScore = x, score
		}
	}
	return valley << gozxing.LUMINANCE_SHIFT, true
}
