package printer

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Renderer draws receipt lines with the receipt font, at the printer's dot
// width: what a printer without Kanji mode prints (GS v 0), and what the
// virtual printers show.
type Renderer struct {
	face    font.Face
	Dots    int // the paper's printable width in dots
	lineH   int
	ascent  int
	columns int
}

// DotsFor is the printable width of a paper for the columns of a line:
// 32 columns on 58 mm paper (384 dots), 42 or 48 on 80 mm (576 dots).
func DotsFor(columns int) int {
	if columns <= 32 {
		return 384
	}
	return 576
}

// NewRenderer parses the font (TrueType or OpenType) and sizes it so that
// a line of columns half-width characters fills the paper.
func NewRenderer(fontData []byte, columns int) (*Renderer, error) {
	f, err := opentype.Parse(fontData)
	if err != nil {
		return nil, fmt.Errorf("receipt font: %w", err)
	}
	dots := DotsFor(columns)
	size := float64(dots) / float64(columns) * 2 // a full-width character is two columns
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("receipt font: %w", err)
	}
	m := face.Metrics()
	return &Renderer{face: face, Dots: dots, columns: columns, lineH: (m.Height.Ceil() * 5) / 4, ascent: m.Ascent.Ceil()}, nil
}

// Lines draws text lines, black on white, as a printer would print them.
func (r *Renderer) Lines(lines []string) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, r.Dots, max(1, len(lines))*r.lineH))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	cell := float64(r.Dots) / float64(r.columns)
	for i, l := range lines {
		// Each character at its column, so full-width ones take exactly two,
		// as on the printer, whatever the font's own advances.
		col := 0
		for _, c := range l {
			d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: r.face,
				Dot: fixed.P(int(float64(col)*cell), i*r.lineH+r.ascent)}
			d.DrawString(string(c))
			col += runeColumns(c)
		}
	}
	return img
}

// Page draws a decoded page: its text lines and images, one under another.
func (r *Renderer) Page(p Page) *image.Gray {
	var parts []*image.Gray
	h := 0
	for _, it := range p.Items {
		img := it.Image
		if img == nil {
			img = r.Lines([]string{it.Text})
		}
		parts = append(parts, img)
		h += img.Bounds().Dy()
	}
	out := image.NewGray(image.Rect(0, 0, r.Dots, max(h, 1)))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	y := 0
	for _, img := range parts {
		draw.Draw(out, image.Rect(0, y, r.Dots, y+img.Bounds().Dy()), img, img.Bounds().Min, draw.Src)
		y += img.Bounds().Dy()
	}
	return out
}

// runeColumns is how many columns a character takes on a receipt: two for
// full-width (kanji, kana, full-width forms), one otherwise.
func runeColumns(r rune) int {
	switch {
	case r >= 0xff61 && r <= 0xff9f: // half-width katakana
		return 1
	case r >= 0x1100 && (r <= 0x115f || r == 0x2329 || r == 0x232a ||
		(r >= 0x2e80 && r <= 0xa4cf && r != 0x303f) || (r >= 0xac00 && r <= 0xd7a3) ||
		(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe6f) || (r >= 0xff00 && r <= 0xff60) ||
		(r >= 0xffe0 && r <= 0xffe6)):
		return 2
	}
	return 1
}
