package codes

import (
	"github.com/makiuchi-d/gozxing"
)

// localMean is a binarizer that compares each pixel with the mean of a
// window around it (Bradley's adaptive threshold, with an integral image):
// a pixel is black when it is darker than the window's mean by a share.
// The hybrid binarizer gives a flat block its neighbours' black point, so
// a dim flat area beside a bright one (a photo's background beside a white
// screen edge, a glare spot) turns black and swallows a finder pattern
// next to it; here a flat area is as light as its mean, so it stays white.
type localMean struct {
	src    gozxing.LuminanceSource
	matrix *gozxing.BitMatrix
	sum    []uint32 // the integral image, reused
}

func newLocalMean(src gozxing.LuminanceSource, sum []uint32) *localMean {
	return &localMean{src: src, sum: sum}
}

func (b *localMean) GetLuminanceSource() gozxing.LuminanceSource { return b.src }
func (b *localMean) GetWidth() int                               { return b.src.GetWidth() }
func (b *localMean) GetHeight() int                              { return b.src.GetHeight() }

func (b *localMean) CreateBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	return newLocalMean(src, nil)
}

func (b *localMean) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	m, err := b.GetBlackMatrix()
	if err != nil {
		return nil, err
	}
	return m.GetRow(y, row), nil
}

func (b *localMean) GetBlackMatrix() (*gozxing.BitMatrix, error) {
	if b.matrix != nil {
		return b.matrix, nil
	}
	w, h := b.src.GetWidth(), b.src.GetHeight()
	lum := b.src.GetMatrix()
	m, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		return nil, err
	}
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
	const share = 15 // percent darker than the mean is black
	half := s / 2
	for y := 0; y < h; y++ {
		y0, y1 := max(0, y-half), min(h, y+half+1)
		for x := 0; x < w; x++ {
			x0, x1 := max(0, x-half), min(w, x+half+1)
			area := uint64((x1 - x0) * (y1 - y0))
			// uint32 wraps, but the window's total fits, so the difference is right.
			total := uint64(sum[y1*stride+x1] - sum[y0*stride+x1] - sum[y1*stride+x0] + sum[y0*stride+x0])
			if uint64(lum[y*w+x])*area*100 <= total*(100-share) {
				m.Set(x, y)
			}
		}
	}
	b.matrix = m
	return m, nil
}
