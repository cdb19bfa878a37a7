package codes

import (
	"image"
	"math"
)

// diagonal is g turned 45° clockwise, sampled bilinearly, on a square
// big enough to hold all of it; where no pixel of g falls, the mean grey
// of g, so the corners make no edge a row could take for a bar. Its rows
// are g's lines at 45°, its columns g's lines at 135°: the every-row scan
// of a still reads a barcode held at a slant on one or the other, where
// rows and columns of g cross its bars too far from square (ZXing and
// zxing-cpp read 1D codes on rows and columns only).
func diagonal(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	n := int(math.Ceil(float64(w+h) / math.Sqrt2))
	out := image.NewGray(image.Rect(0, 0, n, n))
	if w < 2 || h < 2 {
		return out
	}
	var sum int
	for y := 0; y < h; y++ {
		for _, v := range g.Pix[y*g.Stride : y*g.Stride+w] {
			sum += int(v)
		}
	}
	fill := uint8(sum / (w * h))
	// Fixed point, 16 bits of fraction: a step along a row of out moves
	// (c, -c) in g, one down (c, c), c = cos 45°.
	const one = 1 << 16
	c := int64(math.Round(one / math.Sqrt2))
	cx, cy := int64(w)*one/2, int64(h)*one/2
	half := int64(n) * one / 2
	for y := 0; y < n; y++ {
		dy := int64(y)*one + one/2 - half
		// out's pixel centre (x+0.5, y+0.5) from its centre, turned back
		// by 45°, then from g's pixel centres (a half pixel in).
		dx := one/2 - half
		sx := cx + (dx*c+dy*c)>>16 - one/2
		sy := cy + (-dx*c+dy*c)>>16 - one/2
		o := out.Pix[y*out.Stride : y*out.Stride+n]
		for x := range o {
			x0, y0 := sx>>16, sy>>16
			if x0 < 0 || y0 < 0 || x0+1 >= int64(w) || y0+1 >= int64(h) {
				o[x] = fill
			} else {
				fx, fy := sx&(one-1), sy&(one-1)
				i := int(y0)*g.Stride + int(x0)
				a, b := int64(g.Pix[i]), int64(g.Pix[i+1])
				cc, d := int64(g.Pix[i+g.Stride]), int64(g.Pix[i+g.Stride+1])
				top := a*one + (b-a)*fx
				bot := cc*one + (d-cc)*fx
				o[x] = uint8((top*one + (bot-top)*fy + one*one/2) >> 32)
			}
			sx += c
			sy -= c
		}
	}
	return out
}
