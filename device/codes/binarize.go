package codes

import (
	"encoding/binary"

	"github.com/makiuchi-d/gozxing"
)

// binarized is what this package's binarizers share: the source, and the
// black matrix, made once by make on the first call.
type binarized struct {
	src    gozxing.LuminanceSource
	matrix *gozxing.BitMatrix
	make   func(w, h int, lum []byte, m *gozxing.BitMatrix)
}

func (b *binarized) GetLuminanceSource() gozxing.LuminanceSource { return b.src }
func (b *binarized) GetWidth() int                               { return b.src.GetWidth() }
func (b *binarized) GetHeight() int                              { return b.src.GetHeight() }

func (b *binarized) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	m, err := b.GetBlackMatrix()
	if err != nil {
		return nil, err
	}
	return m.GetRow(y, row), nil
}

func (b *binarized) GetBlackMatrix() (*gozxing.BitMatrix, error) {
	if b.matrix != nil {
		return b.matrix, nil
	}
	w, h := b.src.GetWidth(), b.src.GetHeight()
	m, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		return nil, err
	}
	b.make(w, h, b.src.GetMatrix(), m)
	b.matrix = m
	return m, nil
}

// localMean is a binarizer that compares each pixel with the mean of a
// window around it (Bradley's adaptive threshold, with an integral image):
// a pixel is black when it is darker than the window's mean by a share.
// The hybrid binarizer gives a flat block its neighbours' black point, so
// a dim flat area beside a bright one (a photo's background beside a white
// screen edge, a glare spot) turns black and swallows a finder pattern
// next to it; here a flat area is as light as its mean, so it stays white.
type localMean struct {
	binarized
	sum []uint32 // the integral image, reused
}

func newLocalMean(src gozxing.LuminanceSource, sum []uint32) *localMean {
	b := &localMean{sum: sum}
	b.binarized = binarized{src: src, make: b.threshold}
	return b
}

func (b *localMean) CreateBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	return newLocalMean(src, nil)
}

func (b *localMean) threshold(w, h int, lum []byte, m *gozxing.BitMatrix) {
	// The window: an eighth of the image's larger side, a few modules of
	// any code that fills a fair part of it.
	s := max(w, h) / 8
	if s < 8 {
		s = 8
	}
	stride := w + 1
	if cap(b.sum) < stride*(h+1) {
		b.sum = make([]uint32, stride*(h+1))
	}
	sum := b.sum[:stride*(h+1)]
	clear(sum[:stride])
	for y := 0; y < h; y++ {
		var run uint32
		sum[(y+1)*stride] = 0
		for x := 0; x < w; x++ {
			run += uint32(lum[y*w+x])
			sum[(y+1)*stride+x+1] = sum[y*stride+x+1] + run
		}
	}
	share := uint64(lmShare) // percent darker than the mean is black
	half := s / 2
	row := gozxing.NewBitArray(w)
	words := row.GetBitArray()
	for y := 0; y < h; y++ {
		clear(words)
		y0, y1 := max(0, y-half), min(h, y+half+1)
		top, bottom := sum[y0*stride:(y0+1)*stride], sum[y1*stride:(y1+1)*stride]
		for x, v := range lum[y*w : (y+1)*w] {
			x0, x1 := max(0, x-half), min(w, x+half+1)
			area := uint64((x1 - x0) * (y1 - y0))
			// uint32 wraps, but the window's total fits, so the difference is right.
			total := uint64(bottom[x1] - top[x1] - bottom[x0] + top[x0])
			if uint64(v)*area*100 <= total*(100-share) {
				words[x>>5] |= 1 << (x & 31)
			}
		}
		m.SetRow(y, row)
	}
}

var lmShare = 15

// localRange is a binarizer that compares each pixel with the middle of
// the darkest and lightest pixel of a window a few modules wide around it.
// A glare spot adds light to black and white alike: the black of a finder
// pattern under it is lighter than the white beside the spot, so a
// threshold averaged over a wider area (the hybrid binarizer's 40 px, the
// local mean's eighth of the image) calls it white. A window of about
// three modules sees only its own black and white. Where its range is
// small (a flat area) the pixel is white.
type localRange struct {
	binarized
	half   int
	coarse bool    // on a half-size image (camera frames)
	buf    []uint8 // scratch, reused
}

func newLocalRange(src gozxing.LuminanceSource, half int, coarse bool, buf []uint8) *localRange {
	b := &localRange{half: max(half, 2), coarse: coarse, buf: buf}
	b.binarized = binarized{src: src, make: b.threshold}
	return b
}

func (b *localRange) CreateBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	return newLocalRange(src, b.half, b.coarse, nil)
}

// minRange is the smallest spread of grey in a window that is taken for
// black and white, as the hybrid binarizer's.
const minRange = 24

func (b *localRange) threshold(w, h int, lum []byte, m *gozxing.BitMatrix) {
	// A camera frame's (coarse) runs on a half-size image of each 2x2
	// block's darkest and lightest, with a window of half the size: a
	// quarter of the work (a 640x480 frame: about 2x the hybrid
	// binarizer's time against 4.5x), and the window is still a few
	// modules; a still's on every pixel. The lightest are kept inverted,
	// so that one running minimum serves both.
	f := 1
	if b.coarse {
		f = 2
	}
	cw, ch := (w+f-1)/f, (h+f-1)/f
	n := cw * ch
	if cap(b.buf) < 4*n {
		b.buf = make([]uint8, 4*n)
	}
	lo, hi, pre, suf := b.buf[:n], b.buf[n:2*n], b.buf[2*n:3*n], b.buf[3*n:4*n]
	if f == 1 {
		copy(lo, lum)
		for i, v := range lum {
			hi[i] = 255 - v
		}
	} else {
		for cy := 0; cy < ch; cy++ {
			y0, y1 := 2*cy*w, min(2*cy+1, h-1)*w
			for cx := 0; cx < cw; cx++ {
				x0, x1 := 2*cx, min(2*cx+1, w-1)
				// As ints: the compiler makes branch-free min and max of
				// them, and on noise a branch guesses wrong half the time.
				a, b2, c, d := int(lum[y0+x0]), int(lum[y0+x1]), int(lum[y1+x0]), int(lum[y1+x1])
				lo[cy*cw+cx] = uint8(min(a, b2, c, d))
				hi[cy*cw+cx] = uint8(255 - max(a, b2, c, d))
			}
		}
	}
	half := max(1, (b.half+f-1)/f)
	for _, plane := range [][]uint8{lo, hi} {
		for y := 0; y < ch; y++ {
			r := y * cw
			runMin(plane[r:r+cw], pre[r:r+cw], suf[r:r+cw], half)
		}
		colMin(plane, pre, suf, cw, ch, half)
	}
	row := gozxing.NewBitArray(w)
	words := row.GetBitArray()
	for y := 0; y < h; y++ {
		clear(words)
		l, u := lo[(y/f)*cw:], hi[(y/f)*cw:]
		for x, v := range lum[y*w : (y+1)*w] {
			dark, light := int(l[x/f]), 255-int(u[x/f])
			// Black when darker than the middle and the range is wide
			// enough, from the signs, without a branch (noise).
			below := (2*int(v) - dark - light) >> 63
			flat := (light - dark - minRange) >> 63
			words[x>>5] |= uint32(below&^flat&1) << (x & 31)
		}
		m.SetRow(y, row)
	}
}

// runMin replaces each element of a row with the minimum of the window of
// 2·half+1 around it, by van Herk and Gil-Werman: the running minimum from
// each block of the window's length onwards (pre) and back to its start
// (suf), whose smaller at the window's two ends covers it; three
// comparisons an element whatever the window. A window clipped by an edge
// takes in the rest of the edge block.
func runMin(row, pre, suf []uint8, half int) {
	n, k := len(row), 2*half+1
	for start := 0; start < n; start += k {
		end := min(start+k, n)
		pre[start] = row[start]
		for i := start + 1; i < end; i++ {
			pre[i] = uint8(min(int(pre[i-1]), int(row[i])))
		}
		suf[end-1] = row[end-1]
		for i := end - 2; i >= start; i-- {
			suf[i] = uint8(min(int(suf[i+1]), int(row[i])))
		}
	}
	for i := 0; i < n; i++ {
		row[i] = uint8(min(int(suf[max(0, i-half)]), int(pre[min(n-1, i+half)])))
	}
}

// colMin is runMin down the columns of a w×h plane, a row at a time,
// eight columns at once (minBytes): a third of a still's local-range
// binarization was these three passes byte by byte.
func colMin(plane, pre, suf []uint8, w, h, half int) {
	k := 2*half + 1
	at := func(b []uint8, y int) []uint8 { return b[y*w : (y+1)*w] }
	for start := 0; start < h; start += k {
		end := min(start+k, h)
		copy(at(pre, start), at(plane, start))
		for y := start + 1; y < end; y++ {
			minRows(at(pre, y), at(pre, y-1), at(plane, y))
		}
		copy(at(suf, end-1), at(plane, end-1))
		for y := end - 2; y >= start; y-- {
			minRows(at(suf, y), at(suf, y+1), at(plane, y))
		}
	}
	for y := 0; y < h; y++ {
		minRows(at(plane, y), at(suf, max(0, y-half)), at(pre, min(h-1, y+half)))
	}
}

// minRows sets out to the smaller of a and b, element by element; out may
// be a or b.
func minRows(out, a, b []uint8) {
	x := 0
	for ; x+8 <= len(out); x += 8 {
		binary.LittleEndian.PutUint64(out[x:], minBytes(binary.LittleEndian.Uint64(a[x:]), binary.LittleEndian.Uint64(b[x:])))
	}
	for ; x < len(out); x++ {
		out[x] = min(a[x], b[x])
	}
}

// minBytes is the smaller of a's and b's byte in each of the eight lanes,
// unsigned: b where a's is at least b's (atLeast's high bit spread to the
// lane's eight), a elsewhere.
func minBytes(a, b uint64) uint64 {
	mask := (atLeast(a, b) >> 7) * 0xff
	return b&mask | a&^mask
}
