package codes

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Encode draws a code as a wallet app shows it: black on white with a
// quiet zone. size is the QR's side or the barcode's width in pixels.
func Encode(text string, f Format, size int) (*image.Gray, error) {
	var m *gozxing.BitMatrix
	var err error
	switch f {
	case QR:
		hints := map[gozxing.EncodeHintType]interface{}{
			gozxing.EncodeHintType_ERROR_CORRECTION: "M",
			gozxing.EncodeHintType_MARGIN:           4,
		}
		m, err = qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, size, size, hints)
	case Code128:
		// Encode at one pixel per module, then widen by a whole factor:
		// a fractional scale would blur the narrow bars.
		m, err = oned.NewCode128Writer().Encode(text, gozxing.BarcodeFormat_CODE_128, 1, 1, nil)
		if err == nil {
			return widen(m, max(1, size/(m.GetWidth()+20)), size/4), nil
		}
	default:
		return nil, fmt.Errorf("encode: format %s is not supported", f)
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", f, err)
	}
	return matrixImage(m), nil
}

// matrixImage draws a code's matrix black on white, a pixel a cell.
func matrixImage(m *gozxing.BitMatrix) *image.Gray {
	b := m.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			if m.Get(x, y) {
				g.Pix[y*g.Stride+x] = 0
			}
		}
	}
	return g
}

// widen draws a one-row barcode matrix k pixels per module and h high,
// with a quiet zone of ten modules on each side as the symbology asks.
func widen(m *gozxing.BitMatrix, k, h int) *image.Gray {
	w := m.GetWidth()
	quiet := 10 * k
	g := image.NewGray(image.Rect(0, 0, w*k+2*quiet, h))
	draw.Draw(g, g.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	for x := 0; x < w; x++ {
		if !m.Get(x, 0) {
			continue
		}
		for y := 0; y < h; y++ {
			for i := 0; i < k; i++ {
				g.Pix[y*g.Stride+quiet+x*k+i] = 0
			}
		}
	}
	return g
}
