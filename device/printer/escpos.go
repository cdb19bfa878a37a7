// Package printer drives ESC/POS receipt printers (Epson TM, Star mC-Print,
// Citizen CT-S and the like) on a serial port, a USB printer-class device or
// the network (raw TCP, port 9100), and decodes what it sends, for the
// demo's virtual printer and for tests.
package printer

import (
	"bytes"
	"image"

	"golang.org/x/text/encoding/japanese"
)

// ESC/POS bytes.
const (
	esc = 0x1b
	fs  = 0x1c
	gs  = 0x1d
	dle = 0x10
	eot = 0x04
	lf  = 0x0a
)

// Doc is one print job in ESC/POS: text in Kanji mode, raster images, cuts.
type Doc struct {
	b bytes.Buffer
}

// NewDoc starts a job with ESC @ (the printer's settings as at power-on).
func NewDoc() *Doc {
	d := &Doc{}
	d.b.Write([]byte{esc, '@'})
	return d
}

// KanjiLines prints lines in the printer's Kanji mode (FS C 1: Shift_JIS;
// FS &: Kanji on), as Japanese models print text; FS . turns it off again.
func (d *Doc) KanjiLines(lines []string) {
	d.b.Write([]byte{fs, 'C', 1, fs, '&'})
	for _, l := range lines {
		d.b.Write(toSJIS(l))
		d.b.WriteByte(lf)
	}
	d.b.Write([]byte{fs, '.'})
}

// toSJIS encodes a line for a Japanese printer: ¥ is 0x5C (the yen sign
// of JIS X 0201, as those printers print it), and a character Shift_JIS
// cannot hold is '?' rather than a control byte in the job.
func toSJIS(s string) []byte {
	enc := japanese.ShiftJIS.NewEncoder()
	var out []byte
	for _, r := range s {
		switch {
		case r == '¥':
			out = append(out, 0x5c)
			continue
		case r < 0x20 || r == 0x7f:
			out = append(out, '?')
			continue
		}
		b, err := enc.Bytes([]byte(string(r)))
		if err != nil || len(b) == 0 || b[0] < 0x20 {
			b = []byte{'?'}
		}
		out = append(out, b...)
	}
	return out
}

// Raster prints an image as GS v 0 (any ESC/POS printer has it): a pixel
// darker than mid-grey is a dot.
func (d *Doc) Raster(img *image.Gray) {
	r := img.Bounds()
	wb := (r.Dx() + 7) / 8
	h := r.Dy()
	d.b.Write([]byte{gs, 'v', '0', 0, byte(wb), byte(wb >> 8), byte(h), byte(h >> 8)})
	row := make([]byte, wb)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		clear(row)
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.GrayAt(x, y).Y < 128 {
				i := x - r.Min.X
				row[i/8] |= 0x80 >> (i % 8)
			}
		}
		d.b.Write(row)
	}
}

// Cut feeds the paper past the cutter and cuts it partially (GS V 66 n),
// leaving the slip hanging for the customer to take.
func (d *Doc) Cut() {
	d.b.Write([]byte{gs, 'V', 66, 3})
}

// Bytes is the job as it goes to the printer.
func (d *Doc) Bytes() []byte { return bytes.Clone(d.b.Bytes()) }

// StatusRequest asks for the real-time status (DLE EOT): n=1 the printer,
// n=2 the cause of offline, n=4 the roll paper sensor. Each answers a byte.
var StatusRequest = []byte{dle, eot, 1, dle, eot, 2, dle, eot, 4}

// Status is what the printer said of itself.
type Status struct {
	Offline   bool
	CoverOpen bool
	PaperOut  bool
	NearEnd   bool
	Error     bool
}

// Ready tells whether a job can print now.
func (s Status) Ready() bool { return !s.Offline && !s.CoverOpen && !s.PaperOut && !s.Error }

// Problem names what keeps the printer from printing ("" when ready), as
// the staff message's key: cover_open, paper_out, error, offline.
func (s Status) Problem() string {
	switch {
	case s.CoverOpen:
		return "cover_open"
	case s.PaperOut:
		return "paper_out"
	case s.Error:
		return "error"
	case s.Offline:
		return "offline"
	}
	return ""
}

// ParseStatus reads the three answers to StatusRequest.
func ParseStatus(b [3]byte) Status {
	return Status{
		Offline:   b[0]&0x08 != 0,
		CoverOpen: b[1]&0x04 != 0,
		PaperOut:  b[1]&0x20 != 0 || b[2]&0x60 == 0x60,
		Error:     b[1]&0x40 != 0,
		NearEnd:   b[2]&0x0c == 0x0c,
	}
}

// StatusBytes is how a printer in status s answers StatusRequest (the
// virtual printers answer with it).
func StatusBytes(s Status) [3]byte {
	b := [3]byte{0x12, 0x12, 0x12} // bits 1 and 4 are always set
	if s.Offline || s.CoverOpen || s.PaperOut || s.Error {
		b[0] |= 0x08
	}
	if s.CoverOpen {
		b[1] |= 0x04
	}
	if s.PaperOut {
		b[1] |= 0x20
		b[2] |= 0x60
	}
	if s.Error {
		b[1] |= 0x40
	}
	if s.NearEnd {
		b[2] |= 0x0c
	}
	return b
}
