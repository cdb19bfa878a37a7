package printer

import (
	"errors"
	"fmt"
	"image"
	"strings"

	"golang.org/x/text/encoding/japanese"
)

// Item is one thing printed: a line of text or a raster image.
type Item struct {
	Text  string
	Image *image.Gray
}

// Page is what was printed between two cuts.
type Page struct {
	Items []Item
	Cut   bool // ended by a cut (false: the paper is still in the printer)
}

// Lines is the page's text lines ("" for a fed line), images left out.
func (p Page) Lines() []string {
	var out []string
	for _, it := range p.Items {
		if it.Image == nil {
			out = append(out, it.Text)
		}
	}
	return out
}

// Decoder reads ESC/POS as a printer does, a chunk at a time: text (in
// Kanji mode, Shift_JIS), line feeds, raster images, cuts and status
// requests. It knows the commands this package sends and the common
// harmless ones; anything else is an error, so a test sees what it sent.
type Decoder struct {
	pending []byte
	line    []byte
	kanji   bool
	page    Page
	// OnPage gets each page as it is cut; OnStatus each status request (n).
	OnPage   func(Page)
	OnStatus func(n byte)
}

// ErrUnknown is a command the decoder does not know.
var ErrUnknown = errors.New("unknown ESC/POS command")

// Write feeds bytes; a command cut in two by the transport waits for the rest.
func (d *Decoder) Write(b []byte) (int, error) {
	d.pending = append(d.pending, b...)
	for len(d.pending) > 0 {
		n, err := d.step(d.pending)
		if err != nil {
			d.pending = nil
			return len(b), err
		}
		if n == 0 {
			break // an incomplete command: wait for more
		}
		d.pending = d.pending[n:]
	}
	return len(b), nil
}

// Flush ends the current line and returns what is on the paper and not cut.
func (d *Decoder) Flush() Page {
	d.endLine(false)
	p := d.page
	d.page = Page{}
	return p
}

func (d *Decoder) endLine(force bool) {
	if len(d.line) == 0 && !force {
		return
	}
	text := string(d.line)
	if t, err := japanese.ShiftJIS.NewDecoder().Bytes(d.line); err == nil {
		// A Japanese printer prints 0x5C as the yen sign.
		text = strings.ReplaceAll(string(t), "\\", "¥")
	}
	d.page.Items = append(d.page.Items, Item{Text: text})
	d.line = d.line[:0]
}

// step decodes one command or byte at the start of b; 0 means b is incomplete.
func (d *Decoder) step(b []byte) (int, error) {
	need := func(n int) bool { return len(b) >= n }
	switch b[0] {
	case lf:
		d.endLine(true)
		return 1, nil
	case '\r':
		return 1, nil
	case dle:
		if !need(3) {
			return 0, nil
		}
		if b[1] != eot {
			return 0, fmt.Errorf("%w: DLE %#x", ErrUnknown, b[1])
		}
		if d.OnStatus != nil {
			d.OnStatus(b[2])
		}
		return 3, nil
	case esc:
		if !need(2) {
			return 0, nil
		}
		switch b[1] {
		case '@':
			d.kanji = false
			return 2, nil
		case 'd': // feed n lines
			if !need(3) {
				return 0, nil
			}
			d.endLine(false)
			for i := 0; i < int(b[2]); i++ {
				d.page.Items = append(d.page.Items, Item{})
			}
			return 3, nil
		case '!', 'a', 'E', '-', 'M', 't', 'R': // print mode, justification, emphasis…: no text of their own
			if !need(3) {
				return 0, nil
			}
			return 3, nil
		}
		return 0, fmt.Errorf("%w: ESC %q", ErrUnknown, b[1])
	case fs:
		if !need(2) {
			return 0, nil
		}
		switch b[1] {
		case '&':
			d.kanji = true
			return 2, nil
		case '.':
			d.kanji = false
			return 2, nil
		case 'C':
			if !need(3) {
				return 0, nil
			}
			return 3, nil
		}
		return 0, fmt.Errorf("%w: FS %q", ErrUnknown, b[1])
	case gs:
		if !need(2) {
			return 0, nil
		}
		switch b[1] {
		case 'V':
			if !need(3) {
				return 0, nil
			}
			n := 3
			if b[2] == 65 || b[2] == 66 {
				if !need(4) {
					return 0, nil
				}
				n = 4
			}
			d.endLine(false)
			d.page.Cut = true
			p := d.page
			d.page = Page{}
			if d.OnPage != nil {
				d.OnPage(p)
			}
			return n, nil
		case 'v':
			if !need(8) {
				return 0, nil
			}
			if b[2] != '0' {
				return 0, fmt.Errorf("%w: GS v %q", ErrUnknown, b[2])
			}
			wb, h := int(b[4])|int(b[5])<<8, int(b[6])|int(b[7])<<8
			if wb == 0 || h == 0 || wb > 256 || h > 4096 {
				return 0, fmt.Errorf("GS v 0: a %dx%d image", wb*8, h)
			}
			if !need(8 + wb*h) {
				return 0, nil
			}
			img := image.NewGray(image.Rect(0, 0, wb*8, h))
			data := b[8 : 8+wb*h]
			for y := 0; y < h; y++ {
				for x := 0; x < wb*8; x++ {
					v := uint8(255)
					if data[y*wb+x/8]&(0x80>>(x%8)) != 0 {
						v = 0
					}
					img.Pix[y*img.Stride+x] = v
				}
			}
			d.endLine(false)
			d.page.Items = append(d.page.Items, Item{Image: img})
			return 8 + wb*h, nil
		}
		return 0, fmt.Errorf("%w: GS %q", ErrUnknown, b[1])
	}
	if b[0] < 0x20 {
		return 0, fmt.Errorf("%w: control byte %#x", ErrUnknown, b[0])
	}
	d.line = append(d.line, b[0])
	return 1, nil
}
