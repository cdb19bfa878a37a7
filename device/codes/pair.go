package codes

import (
	"image"
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// A code seen steeply with one finder pattern far: the far pattern's
// modules are under 2 px across and squashed to a pixel or so down, its
// white ring closes up in the binarized frame, and the finder sees the two
// near patterns only. zxing-cpp reads such codes. Here, for a pair of
// candidates of one module size, the code lies to one side of them: the
// area each side (as deep as the pair is long, and a little more) is cut
// out, enlarged and read there, as zoomQR reads a small code's box.

// pairBoxes are the areas in which the third pattern of a pair of
// candidates could lie, with the pair, at most max of them.
func pairBoxes(cands []finderCand, w, h, max int) []image.Rectangle {
	var out []image.Rectangle
	for i := 0; i < len(cands); i++ {
		for j := i + 1; j < len(cands); j++ {
			a, b := cands[i], cands[j]
			if a.bled || b.bled || a.ms > 1.5*b.ms || b.ms > 1.5*a.ms {
				continue
			}
			ms := (a.ms + b.ms) / 2
			dx, dy := b.x-a.x, b.y-a.y
			d := math.Hypot(dx, dy)
			if d < 13*ms || d > 180*ms {
				continue // not a code's two patterns, version 1 to 40
			}
			nx, ny := -dy/d*1.2*d, dx/d*1.2*d
			for _, s := range [2]float64{1, -1} {
				m := 5 * ms // the near pattern's half and its quiet zone
				x0 := math.Min(math.Min(a.x, b.x), math.Min(a.x+s*nx, b.x+s*nx)) - m
				x1 := math.Max(math.Max(a.x, b.x), math.Max(a.x+s*nx, b.x+s*nx)) + m
				y0 := math.Min(math.Min(a.y, b.y), math.Min(a.y+s*ny, b.y+s*ny)) - m
				y1 := math.Max(math.Max(a.y, b.y), math.Max(a.y+s*ny, b.y+s*ny)) + m
				box := image.Rect(int(x0), int(y0), int(x1)+1, int(y1)+1).Intersect(image.Rect(0, 0, w, h))
				if box.Empty() {
					continue
				}
				out = append(out, box)
				if len(out) == max {
					return out
				}
			}
		}
	}
	return out
}

// pairQR reads a code from the areas beside pairs of candidates, each
// enlarged up to 720 px a side (at most three times).
func pairQR(g *image.Gray, cands []finderCand, dec *decoder.Decoder, qr gozxing.Reader, hints map[gozxing.DecodeHintType]interface{}, cut func() bool) (string, bool) {
	for _, box := range pairBoxes(cands, g.Rect.Dx(), g.Rect.Dy(), 4) {
		if cut() {
			return "", false
		}
		f := 3
		for f > 1 && max(box.Dx(), box.Dy())*f > 720 {
			f--
		}
		if f == 1 {
			continue // a code this big has its far pattern at 2 px a module
		}
		if s, ok := readBox(g, box, f, 2, dec, qr, hints, cut); ok {
			return s, true
		}
	}
	return "", false
}
