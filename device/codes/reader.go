// Package codes reads customer payment codes (QR and barcodes) from camera
// frames with gozxing, and tells which brand issued a code.
package codes

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"math"
	"math/bits"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// Format names a symbology, spelled as ZXing spells it.
type Format string

// The symbologies the reader knows. Payment codes are QR and Code128; the
// others are off unless configured.
const (
	QR      Format = "QR_CODE"
	Code128 Format = "CODE_128"
	EAN13   Format = "EAN_13"
	ITF     Format = "ITF"
)

// DefaultFormats are the symbologies of customer payment codes.
var DefaultFormats = []Format{QR, Code128}

// Result is one decoded code.
type Result struct {
	Text   string
	Format Format
}

// ErrNotFound means the frame held no readable code; the next frame gets its turn.
var ErrNotFound = errors.New("no code found")

// Reader decodes frames. It keeps gozxing's readers and hint maps so that a
// frame costs no set-up. A Reader is not safe for concurrent use.
type Reader struct {
	formats map[Format]bool
	qr      gozxing.Reader
	c128    oned.RowDecoder
	ean     oned.RowDecoder
	itf     oned.RowDecoder // itf.go
	c128e   *c128Row        // c128.go
	qrDec   *decoder.Decoder
	qrHints map[gozxing.DecodeHintType]interface{}
	hard    map[gozxing.DecodeHintType]interface{}
	pure    map[gozxing.DecodeHintType]interface{}
	oneD    map[gozxing.DecodeHintType]interface{}
	grey    *image.Gray
	sharp   *image.Gray
	smooth  *image.Gray // the frame smoothed, for noise
	noisy   bool        // the frame's noise is over noisyFrame
	bars    *image.Gray // a noisy camera frame averaged along a barcode's bars
	inv     *image.Gray // the inverted frame, for light-on-dark codes
	stretch *image.Gray // a low-contrast frame stretched to the full range
	sum     []uint32    // the local-mean binarizer's integral image
	lrBuf   []uint8     // the local-range binarizer's scratch
	revBuf  []uint32    // a 1D row reversed (reverseRow)
	// frameBin is a camera frame's binarizer, its buffers reused frame
	// after frame (hybrid.reuse).
	frameBin *hybrid
	runs     []int // a 1D row's runs (code128.go)
	// Stream says the frames come from a camera: dark-on-light and
	// light-on-dark codes are looked for on alternate frames (turn).
	Stream bool
	turn   bool
	// Budget bounds a frame's retries: past it the frame gives up and the
	// next frame is the retry, so a hard frame never stalls the camera (0:
	// StreamBudget on a stream, no bound on a still).
	Budget      time.Duration
	deadline    time.Time
	hardline    time.Time    // past it a stage under way stops
	lm          *localMean   // this frame's local-mean binarizer, made once
	lr          *localRange  // and its local-range one
	cands       []finderCand // and the finder patterns the slant stage's finder saw
	stretchPass bool         // the pass on a stretched frame: the sweep only
	// nextStage is the retry stage a budgeted frame starts with: where the
	// last one of the same polarity ran out of time (the polarities take
	// turns, so one shared counter could leave a stage to the other
	// polarity's frames for ever).
	// Each list of stages (by the finder patterns the fast pass saw: none,
	// one, two, more) keeps its own.
	nextStage [2][4]int
	polarity  int    // 0 as it came, 1 inverted
	quiet     [2]int // frames of each polarity in which ZXing saw no finder pattern
	unread1D  [2]int // frames of each polarity whose 1D fast pass read nothing
	sub       *subpixelRows
	revRuns   []int  // a grey row's runs backwards (scan1D)
	seen      [2]int // the finder patterns ZXing saw in each polarity's last frame
	// finders counts finder-pattern candidates seen in the fast pass: the
	// costly retries run only when a QR code seems to be there.
	finders int
	// moduleSum adds up their module sizes: the local-range binarizer's
	// window is a few modules of the code in view.
	moduleSum float64
	moduleN   int
}

// StreamBudget is a camera frame's time for starting retry stages; one
// under way stops at 2.25 times it. At 4 ms a code-like frame that cannot
// be read took 10.9 ms at p99 on one core, at 3 ms 7.2 (640x480, the same
// process, A/B), so that a frame stays under 10 ms and the next frame is
// the retry.
const StreamBudget = 3 * time.Millisecond

// NewReader makes a reader for the given symbologies (DefaultFormats when none).
func NewReader(formats ...Format) *Reader {
	if len(formats) == 0 {
		formats = DefaultFormats
	}
	r := &Reader{
		formats: map[Format]bool{},
		qr:      qrcode.NewQRCodeReader(),
		c128:    oned.NewCode128Reader().(oned.RowDecoder),
		ean:     newEANRow(),
		itf:     &itfRow{},
		c128e:   newC128Row(),
		qrDec:   decoder.NewDecoder(),
		// No CHARACTER_SET hint: a QR code's bytes are read as its ECI
		// says, and without one the character set is guessed as ZXing
		// does (UTF-8, Shift_JIS, ISO-8859-1). Forcing UTF-8 turned
		// Shift_JIS codes (half-width katakana) into U+FFFD.
		hard: map[gozxing.DecodeHintType]interface{}{
			gozxing.DecodeHintType_TRY_HARDER: true,
		},
		pure: map[gozxing.DecodeHintType]interface{}{
			gozxing.DecodeHintType_PURE_BARCODE: true,
		},
		// 1D codes without TRY_HARDER: 15 rows instead of every row and no
		// rotated retry; a payment barcode fills the frame's width.
		oneD: map[gozxing.DecodeHintType]interface{}{},
	}
	r.qrHints = map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK: gozxing.ResultPointCallback(func(p gozxing.ResultPoint) {
			r.finders++
			if fp, ok := p.(*detector.FinderPattern); ok {
				r.moduleSum += fp.GetEstimatedModuleSize()
				r.moduleN++
			}
		}),
	}
	for _, f := range formats {
		r.formats[f] = true
	}
	return r
}

// ParseFormats reads a comma-separated list such as "qr,code128".
func ParseFormats(s string) ([]Format, error) {
	var fs []Format
	for _, part := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(part)) {
		case "qr", "qr_code":
			fs = append(fs, QR)
		case "code128", "code_128":
			fs = append(fs, Code128)
		case "ean13", "ean_13":
			fs = append(fs, EAN13)
		case "itf":
			fs = append(fs, ITF)
		case "":
		default:
			return nil, errors.New("unknown code format " + strings.TrimSpace(part))
		}
	}
	return fs, nil
}

// DecodeImage decodes any image, converting it to grey first.
func (r *Reader) DecodeImage(img image.Image) (Result, error) {
	if g, ok := img.(*image.Gray); ok {
		return r.Decode(g)
	}
	b := img.Bounds()
	if r.grey == nil || r.grey.Rect.Dx() != b.Dx() || r.grey.Rect.Dy() != b.Dy() {
		r.grey = image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	}
	draw.Draw(r.grey, r.grey.Rect, img, b.Min, draw.Src)
	return r.Decode(r.grey)
}

// Decode reads one grey frame. It returns ErrNotFound when nothing is read.
func (r *Reader) Decode(g *image.Gray) (Result, error) {
	start := time.Now()
	r.deadline, r.hardline = time.Time{}, time.Time{}
	if r.Stream {
		return r.decodeFrame(g, start)
	}
	return r.decodeStill(g, start)
}

// decodeFrame reads a camera frame. The two polarities take turns, frame
// by frame: each frame costs one pass, and a code of either kind is read
// within two frames (the next frame is the retry).
func (r *Reader) decodeFrame(g *image.Gray, start time.Time) (Result, error) {
	budget := r.Budget
	if budget == 0 {
		budget = StreamBudget
	}
	if budget > 0 {
		r.deadline = start.Add(budget)
		r.hardline = start.Add(budget * 9 / 4)
	}
	r.turn = !r.turn
	polarity := 0
	if !r.turn {
		polarity = 1
	}
	p, err := r.newPass(g, polarity)
	if err == nil {
		// The frame before's buffers: its matrix is not kept past it.
		if r.frameBin == nil {
			r.frameBin = &hybrid{}
		}
		r.frameBin.reuse(p.src)
		p.hybrid = r.frameBin
	}
	if err != nil {
		return Result{}, err
	}
	if res, ok := r.fast(p); ok {
		return res, nil
	}
	if res, ok := r.retries(p); ok {
		return res, nil
	}
	return Result{}, ErrNotFound
}

// decodeStill reads a still (codepay scan): both polarities, their fast
// passes first (a dark-mode code is read as soon as an ordinary one),
// then the retries, the polarity that showed more finder patterns first,
// then the stretched low-contrast pass and the 1D codes' every-row scan,
// while the still's budget lasts.
func (r *Reader) decodeStill(g *image.Gray, start time.Time) (Result, error) {
	normal, err := r.newPass(g, 0)
	if err != nil {
		return Result{}, err
	}
	if res, ok := r.fast(normal); ok {
		return res, nil
	}
	// Light on dark (a phone in dark mode): the frame inverted and
	// binarized afresh. Flipping the black matrix is not the same: the
	// binarizer takes flat areas for white, so the dark surround would
	// merge with the finder patterns.
	dark, err := r.newPass(r.inverted(g), 1)
	if err != nil {
		return Result{}, err
	}
	if res, ok := r.fast(dark); ok {
		return res, nil
	}
	if r.Budget > 0 {
		r.deadline, r.hardline = start.Add(r.Budget), start.Add(r.Budget*9/4)
	}
	// A frame of low contrast (a phone screen photographed, a dim code),
	// stretched to the full range: where a block's range is small the
	// hybrid binarizer takes the code for a flat area. After the frame as
	// it came gave nothing, so a frame that reads is read as before.
	stretched := r.stretched(g)
	var sp *pass
	if stretched != g {
		if sp, err = r.newPass(stretched, 0); err == nil {
			if res, ok := r.fast(sp); ok {
				return res, nil
			}
		}
	}
	passes := []*pass{normal, dark}
	if dark.finders > normal.finders {
		passes[0], passes[1] = dark, normal
	}
	for _, p := range passes {
		if r.late() {
			return Result{}, ErrNotFound
		}
		if res, ok := r.retries(p); ok {
			return res, nil
		}
	}
	// The stretched frame's sweep only: stretched noise on an empty scene
	// looks like finder patterns, and all the retries on it took a 640x480
	// still from 31 to 153 ms at the median. Only on a still: on a camera
	// stream the extra pass on empty frames (often of low contrast too)
	// raised their p95 from 4 to 12 ms (BenchmarkFrameKinds/empty).
	if sp != nil && !r.late() {
		r.stretchPass = true
		res, ok := r.retries(sp)
		r.stretchPass = false
		if ok {
			return res, nil
		}
	}
	// A still tries 1D codes as hard as ZXing's TRY_HARDER and zxing-cpp
	// do: every row, and the image turned a quarter (a barcode held
	// upright), which gozxing cannot do on our frames.
	for _, p := range []*pass{normal, dark} {
		if r.late() {
			break
		}
		r.polarity = p.polarity
		if res, ok := r.decode1DHarder(p.g, p.hybrid); ok {
			return res, nil
		}
	}
	// A barcode held at a slant: the every-row scan again on the still
	// turned 45°, whose rows and columns are the still's diagonals.
	if r.formats[Code128] || r.formats[EAN13] || r.formats[ITF] {
		for _, p := range []*pass{normal, dark} {
			if r.late() {
				break
			}
			d := diagonal(p.g)
			src, err := luminance(d)
			if err != nil {
				break
			}
			r.polarity = p.polarity
			if res, ok := r.scan1DAll(d, newHybrid(src), nil); ok {
				return res, nil
			}
		}
	}
	return Result{}, ErrNotFound
}

// pass is one polarity of a frame, binarized, with what its fast pass saw.
type pass struct {
	g         *image.Gray
	src       gozxing.LuminanceSource
	hybrid    gozxing.Binarizer
	polarity  int // 0 as it came, 1 inverted
	finders   int
	moduleSum float64
	moduleN   int
}

func (r *Reader) newPass(g *image.Gray, polarity int) (*pass, error) {
	if polarity == 1 && g != r.inv {
		g = r.inverted(g)
	}
	src, err := luminance(g)
	if err != nil {
		return nil, err
	}
	return &pass{g: g, src: src, hybrid: newHybrid(src), polarity: polarity}, nil
}

// inverted returns g inverted, in a buffer reused from frame to frame.
func (r *Reader) inverted(g *image.Gray) *image.Gray {
	if r.inv == nil || r.inv.Rect != g.Rect {
		r.inv = image.NewGray(g.Rect)
	}
	return invertInto(r.inv, g)
}

// invertInto writes g inverted into dst, which has g's bounds.
func invertInto(dst, g *image.Gray) *image.Gray {
	w := g.Rect.Dx()
	for y := 0; y < g.Rect.Dy(); y++ {
		row, out := g.Pix[y*g.Stride:y*g.Stride+w], dst.Pix[y*dst.Stride:y*dst.Stride+w]
		// 255-v is v with its bits flipped: eight pixels at a time.
		x := 0
		for ; x+8 <= w; x += 8 {
			binary.LittleEndian.PutUint64(out[x:x+8], ^binary.LittleEndian.Uint64(row[x:x+8]))
		}
		for ; x < w; x++ {
			out[x] = ^row[x]
		}
	}
	return dst
}

// stretched returns g with its grey levels stretched so that the darkest
// and lightest 1% reach 0 and 255, when its range between those is under
// two thirds of the scale; g itself otherwise (most frames: no copy).
func (r *Reader) stretched(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if w == 0 || h == 0 {
		return g
	}
	var hist [256]int
	// Every other row and column: a histogram needs no more.
	n := 0
	for y := 0; y < h; y += 2 {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x := 0; x < w; x += 2 {
			hist[row[x]]++
			n++
		}
	}
	lo, hi, c := 0, 255, 0
	for c < n/100 {
		c += hist[lo]
		lo++
	}
	c = 0
	for c < n/100 {
		c += hist[hi]
		hi--
	}
	if hi-lo >= 170 || hi <= lo {
		return g
	}
	var lut [256]uint8
	for v := range lut {
		lut[v] = uint8(min(max((v-lo)*255/(hi-lo), 0), 255))
	}
	if r.stretch == nil || r.stretch.Rect != g.Rect {
		r.stretch = image.NewGray(g.Rect)
	}
	for y := 0; y < h; y++ {
		row, out := g.Pix[y*g.Stride:y*g.Stride+w], r.stretch.Pix[y*r.stretch.Stride:y*r.stretch.Stride+w]
		for x, v := range row {
			out[x] = lut[v]
		}
	}
	return r.stretch
}

// fast is a pass's fast pass: ZXing's QR reader on the hybrid binarizer,
// then the 1D codes' rows.
func (r *Reader) fast(p *pass) (Result, bool) {
	r.polarity = p.polarity
	if r.formats[QR] {
		r.finders, r.moduleSum, r.moduleN = 0, 0, 0
		res, ok := r.tryQR(p.hybrid, r.qrHints)
		p.finders, p.moduleSum, p.moduleN = r.finders, r.moduleSum, r.moduleN
		r.seen[p.polarity] = p.finders
		if ok {
			return res, true
		}
	}
	// The 1D codes' fast pass before the QR retries: a barcode frame is
	// read without them (they took a Code128 frame from about 1 to 3.5 ms
	// one time in four on a camera stream).
	if res, ok := r.decode1D(p.g, p.hybrid); ok {
		return res, true
	}
	if r.Stream && (r.formats[Code128] || r.formats[EAN13]) {
		// The 15 rows again as grey rows with edges between pixels, for a
		// small or distant barcode: one frame in four of each polarity
		// (they cost about 0.45 ms). On an empty scene these are the
		// frames on which the QR stages search for a distant code too
		// (both count the polarity's frames), so that the median frame
		// pays for neither (docs/reader.md).
		r.unread1D[p.polarity]++
		if r.unread1D[p.polarity]%4 == 0 {
			if res, ok := r.decode1DSub(p.g); ok {
				return res, true
			}
		}
	}
	if r.Stream && r.noisy && (r.formats[Code128] || r.formats[EAN13] || r.formats[ITF]) {
		// A camera in dim light: its noise, as last measured (it changes
		// little from frame to frame), breaks a barcode's bars row by
		// row. ZXing's rows again, on the frame averaged along the bars
		// (as a still's, in decode1DHarder).
		r.bars = alongBars(p.g, 2, r.bars)
		if src, err := luminance(r.bars); err == nil {
			if res, ok := r.decode1D(p.g, newHybrid(src)); ok {
				return res, true
			}
		}
	}
	return Result{}, false
}

// retries are a pass's QR retries, chosen by what its fast pass saw.
func (r *Reader) retries(p *pass) (Result, bool) {
	if !r.formats[QR] {
		return Result{}, false
	}
	r.polarity = p.polarity
	r.finders, r.moduleSum, r.moduleN = p.finders, p.moduleSum, p.moduleN
	return r.retryQR(p.g, p.src, p.hybrid)
}

// decode1D is the 1D codes' fast pass: ZXing's 15 rows, both ways.
// Every format needs its text on two of those rows (scan1D), as zxing-cpp
// asks of every 1D read: Code128's checksum passed a wrong text read on
// one row of a generated label at half size (docs/reader.md). Code128 is
// read by gozxing's reader, then by the edge-to-edge decode (c128.go) on
// the global and the local rows. EAN-13 and ITF: ITF has no
// check digit, and a row across a turned barcode's bars reads a shorter
// one (at 15°, 6 of the 14 real ITF photos read wrong so); EAN-13's one
// check digit passes one misread in ten, and one row alone gave a wrong
// number on generated labels compressed or seen at an angle, which two
// rows h/32 apart did not (docs/reader.md). Those two read the global
// rows, then the local ones (localRows): on a camera stream the QR pass
// has made the hybrid matrix already.
func (r *Reader) decode1D(g *image.Gray, hybrid gozxing.Binarizer) (Result, bool) {
	var rows []int
	fifteen := func() []int {
		if rows == nil {
			rows = fifteenRows(g.Rect.Dy())
		}
		return rows
	}
	if r.formats[Code128] {
		if res, ok := r.scan1D(r.c128, Code128, 2, false, hybrid, g, fifteen()); ok {
			return res, true
		}
		for _, bin := range []gozxing.Binarizer{hybrid, localRows{hybrid}} {
			if res, ok := r.scan1D(r.c128e, Code128, 2, false, bin, g, fifteen()); ok {
				return res, true
			}
		}
	}
	for _, one := range []struct {
		f   Format
		dec oned.RowDecoder
	}{{EAN13, r.ean}, {ITF, r.itf}} {
		if !r.formats[one.f] {
			continue
		}
		if res, ok := r.scan1D(one.dec, one.f, 2, false, hybrid, g, fifteen()); ok {
			return res, true
		}
		if res, ok := r.scan1D(one.dec, one.f, 2, false, localRows{hybrid}, g, rows); ok {
			return res, true
		}
	}
	return Result{}, false
}

// fifteenRows are ZXing's 15 rows of an image h high: the middle, then
// out from it h/32 apart, both ways in turn.
func fifteenRows(h int) []int {
	var rows []int
	step, mid := max(1, h>>5), h/2
	for k := 0; k < 15; k++ {
		off := (k + 1) / 2 * step
		if k%2 == 1 {
			off = -off
		}
		if y := mid + off; y >= 0 && y < h {
			rows = append(rows, y)
		}
	}
	return rows
}

// decode1DSub reads a frame's 15 rows as grey rows with edges between
// pixels (subpixel.go): Code128 by the edge-to-edge decode on two, EAN-13
// and ITF on three, as a still's every-row scan does.
func (r *Reader) decode1DSub(g *image.Gray) (Result, bool) {
	rows := fifteenRows(g.Rect.Dy())
	if r.sub == nil {
		r.sub = keptRows(g, nil)
	}
	sub := r.sub
	sub.reset(g) // its buffers kept from frame to frame
	if r.formats[Code128] {
		if res, ok := r.scan1D(r.c128e, Code128, 2, false, sub, g, rows); ok {
			return res, true
		}
	}
	if r.formats[EAN13] {
		if res, ok := r.scan1D(r.ean, EAN13, 3, false, sub, g, rows); ok {
			return res, true
		}
	}
	if r.formats[ITF] {
		if res, ok := r.scan1D(r.itf, ITF, 3, false, sub, g, rows); ok {
			return res, true
		}
	}
	return Result{}, false
}

// decode1DHarder reads 1D codes from every row of a still, as it is and
// turned a quarter, by the rows' vote (scan1D): Code128 read by gozxing's
// reader on three rows (on two, one generated label at half size gave a
// wrong text that passed the checksum), or by the edge-to-edge decode
// (c128.go) on two; EAN-13 and ITF on two. Each reader reads the
// binarizer's rows, then its matrix's (localRows); the edge-to-edge
// decode (on two rows) and EAN-13 (on three) then read the grey rows with
// edges between pixels (subpixel.go). At 1.1 to 1.4 px a module, where
// those rows show detail as fine as the pixels resolve, a row now and
// then reads another number (TestSubpixelRowsReadSmallBarcodes): EAN-13's
// check digit passes one in ten, so it needs a row more, and ITF, which
// has none, as many (its grey rows read no other number there, and no
// random row: TestSubpixelRowsRandomRowsRarelyRead). Not gozxing's
// Code128 reader: on those rows it read a blurred label, every row alike,
// as another number that passed the checksum.
func (r *Reader) decode1DHarder(g *image.Gray, hybrid gozxing.Binarizer) (Result, bool) {
	if res, ok := r.scan1DAll(g, hybrid, nil); ok {
		return res, true
	}
	// Sensor noise breaks a barcode's narrow bars and spaces row by row:
	// each row averaged with the two above and below, along the bars
	// (and across, for the turned scan), which leaves their edges sharp.
	if !isNoisy(g) {
		return Result{}, false
	}
	v := alongBars(g, 2, nil)
	src, err := luminance(v)
	if err != nil {
		return Result{}, false
	}
	return r.scan1DAll(v, newHybrid(src), alongBars(turned(g), 2, nil))
}

// scan1DAll is decode1DHarder's scan of every row, as the image is and
// turned a quarter (sideways, when given, is the turned image to use).
func (r *Reader) scan1DAll(g *image.Gray, hybrid gozxing.Binarizer, sideways *image.Gray) (Result, bool) {
	every := func(h int) []int {
		rows := make([]int, 0, h)
		for y := 0; y < h; y += max(1, h>>8) {
			rows = append(rows, y)
		}
		return rows
	}
	var turnedBin gozxing.Binarizer
	var sub, turnedSub *subpixelRows
	for _, one := range []struct {
		f    Format
		dec  oned.RowDecoder
		need int
		sub  int // the rows it needs with edges between pixels; 0, none read
	}{{Code128, r.c128, 3, 0}, {Code128, r.c128e, 2, 2}, {EAN13, r.ean, 2, 3}, {ITF, r.itf, 2, 3}} {
		if !r.formats[one.f] {
			continue
		}
		dec := one.dec
		if res, ok := r.scan1D(dec, one.f, one.need, true, hybrid, g, every(g.Rect.Dy())); ok {
			return res, true
		}
		if one.need > 1 {
			if res, ok := r.scan1D(dec, one.f, one.need, true, localRows{hybrid}, g, every(g.Rect.Dy())); ok {
				return res, true
			}
		}
		if one.sub > 0 {
			if sub == nil {
				sub = keptRows(g, hybrid)
			}
			if res, ok := r.scan1D(dec, one.f, one.sub, true, sub, g, every(g.Rect.Dy())); ok {
				return res, true
			}
		}
		if turnedBin == nil {
			if sideways == nil {
				sideways = turned(g)
			}
			src, err := luminance(sideways)
			if err != nil {
				return Result{}, false
			}
			turnedBin = newHybrid(src)
		}
		if res, ok := r.scan1D(dec, one.f, one.need, true, turnedBin, sideways, every(g.Rect.Dx())); ok {
			return res, true
		}
		if one.need > 1 {
			if res, ok := r.scan1D(dec, one.f, one.need, true, localRows{turnedBin}, sideways, every(g.Rect.Dx())); ok {
				return res, true
			}
		}
		if one.sub > 0 {
			if turnedSub == nil {
				turnedSub = keptRows(sideways, turnedBin)
			}
			if res, ok := r.scan1D(dec, one.f, one.sub, true, turnedSub, sideways, every(g.Rect.Dx())); ok {
				return res, true
			}
		}
	}
	return Result{}, false
}

// localRows are a binarizer's rows taken from its black matrix: for the
// hybrid binarizer, each pixel against its own neighbourhood's threshold,
// as zxing-cpp reads 1D rows, where its GetBlackRow sets one threshold
// for the whole row (ZXing's global histogram). Under a glare spot, in
// perspective, or after JPEG, one threshold loses a barcode's narrow
// spaces on one side; the local one keeps them. It is a second look,
// after the global rows, as each reads some the other misses
// (docs/reader.md): for EAN-13 and ITF, and for Code128 where it needs
// more than one row (the edge-to-edge decode, a still's every-row scan).
type localRows struct{ gozxing.Binarizer }

func (b localRows) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	m, err := b.GetBlackMatrix()
	if err != nil {
		return nil, err
	}
	return m.GetRow(y, row), nil
}

// alongBars averages each pixel with the half rows above and below it:
// the direction of an upright barcode's bars. dst is reused when it has
// g's size (a camera's frames).
func alongBars(g *image.Gray, half int, dst *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := dst
	if out == nil || out.Rect.Dx() != w || out.Rect.Dy() != h {
		out = image.NewGray(image.Rect(0, 0, w, h))
	}
	sum := make([]int, w)
	add := func(y, sign int) {
		y = min(max(y, 0), h-1) // the edge rows repeated
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x, v := range row {
			sum[x] += sign * int(v)
		}
	}
	for y := -half; y <= half; y++ {
		add(y, 1)
	}
	n := 2*half + 1
	for y := 0; y < h; y++ {
		o := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range o {
			o[x] = uint8((sum[x] + n/2) / n)
		}
		add(y-half, -1)
		add(y+half+1, 1)
	}
	return out
}

// scan1D reads one format on rows of a binarized frame, each row both
// ways. Every row is read, and the text read on the most rows wins when
// it was read on need rows or more and on three times as many as any
// other. With across, its
// rows must also spread over an eighth of the barcode's width, or number
// five or more: a barcode's bars are taller than that, while a row that
// crosses a turned barcode's bars diagonally and leaves by their ends
// reads a shorter one (ITF has no check digit) only near where it leaves
// by the same bar. Five rows in a narrower band are a barcode read only
// where glare or blur leave it readable (docs/reader.md).
func (r *Reader) scan1D(dec oned.RowDecoder, f Format, need int, across bool, bin gozxing.Binarizer, g *image.Gray, rows []int) (Result, bool) {
	type seen struct {
		n, top, bottom int
		width          float64
	}
	texts := map[string]*seen{}
	var row *gozxing.BitArray
	// Grey rows for the edge-to-edge decode: their runs, not the rows
	// drawn (subpixel.go).
	sub, byRuns := bin.(*subpixelRows)
	c128e, _ := dec.(*c128Row)
	byRuns = byRuns && c128e != nil
	for _, y := range rows {
		if across && r.cut() {
			// Past the still's hard line: a scan cut short could miss the
			// row that reads another text, so it reads nothing. A frame's
			// 15 rows are not cut: on a slow machine the fast pass alone
			// can pass the hard line, and its rows are all it reads.
			return Result{}, false
		}
		if !byRuns {
			var err error
			if row, err = bin.GetBlackRow(y, row); err != nil {
				continue
			}
		}
		for dir := 0; dir < 2; dir++ {
			var res *gozxing.Result
			var err error
			if byRuns {
				if dir == 0 {
					r.runs = sub.blackRuns(y, r.runs[:0])
					res, err = c128e.decodeRuns(y, r.runs, r.oneD)
				} else {
					r.revRuns = reverseRuns(r.runs, r.revRuns[:0])
					res, err = c128e.decodeRuns(y, r.revRuns, r.oneD)
				}
			} else {
				if dir == 1 {
					r.revBuf = reverseRow(row, r.revBuf)
				}
				if f == Code128 && c128e == nil {
					var ok bool
					if r.runs, ok = hasCode128Start(row, r.runs); !ok {
						continue // DecodeRow would fail at once (code128.go)
					}
				}
				res, err = dec.DecodeRow(y, row, r.oneD)
			}
			if err != nil || res == nil || Format(res.GetBarcodeFormat().String()) != f {
				continue
			}
			text := validUTF8(res.GetText())
			if !readable(text) {
				continue
			}
			s := texts[text]
			if s == nil {
				s = &seen{top: y}
				texts[text] = s
			}
			s.n, s.bottom = s.n+1, y
			if p := res.GetResultPoints(); len(p) >= 2 {
				wd := math.Abs(p[len(p)-1].GetX() - p[0].GetX())
				if _, sub := bin.(*subpixelRows); sub {
					wd /= subpixelScale
				}
				s.width = max(s.width, wd)
			}
			break // the other way reads the same row
		}
	}
	// The rows' vote. A real EAN-13 photo (ean13-1/35, a barcode on its
	// side) reads a wrong number with a valid check digit on 2 to 4 rows
	// and the right one on 3 to 8; a row that leaves a turned ITF by its
	// bars' ends reads a shorter number on a row or two, beside the
	// right one on dozens.
	var best string
	var most, other int
	for text, s := range texts {
		if s.n > most {
			best, other, most = text, most, s.n
		} else {
			other = max(other, s.n)
		}
	}
	s := texts[best]
	if s == nil || s.n < need || s.n < 3*other {
		return Result{}, false
	}
	if across && float64(s.bottom-s.top) < s.width/8 && s.n < 5 {
		return Result{}, false
	}
	if _, sub := bin.(*subpixelRows); !sub && !r.confirmed(f, g, rows, s.top, s.bottom, best) {
		return Result{}, false
	}
	return Result{Text: best, Format: f}, true
}

// confirmed is whether the grey rows with edges between pixels
// (subpixel.go), over the rows from top to bottom, read no other text on
// more rows than text. A binarized row's widths are whole pixels: at
// around 1.4 px a module, half a module rounded away, every row of a
// generated EAN-13 label read alike as another number with a valid check
// digit, one label in ten, gozxing's reader and ours alike, while its
// grey rows read the right one and no other
// (TestSubpixelRowsReadSmallBarcodes). EAN-13 and ITF by their readers,
// Code128 by the edge-to-edge decode. It costs only a read.
func (r *Reader) confirmed(f Format, g *image.Gray, rows []int, top, bottom int, text string) bool {
	var dec oned.RowDecoder
	switch f {
	case EAN13:
		dec = r.ean
	case Code128:
		dec = r.c128e
	case ITF:
		dec = r.itf
	default:
		return true
	}
	sub := newSubpixelRows(g, nil)
	counts := map[string]int{}
	var row *gozxing.BitArray
	// A frame's rows go out from the middle: top is the first read.
	top, bottom = min(top, bottom), max(top, bottom)
	for _, y := range rows {
		if y < top || y > bottom {
			continue
		}
		var res *gozxing.Result
		if res, row = readRow(dec, sub, y, row, r.oneD); res != nil {
			counts[validUTF8(res.GetText())]++
		}
	}
	for other, n := range counts {
		if other != text && n > counts[text] {
			return false
		}
	}
	return true
}

// readRow reads row y of bin by dec, left to right, then right to left;
// row is reused, and returned for the next call.
func readRow(dec oned.RowDecoder, bin gozxing.Binarizer, y int, row *gozxing.BitArray, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, *gozxing.BitArray) {
	row, err := bin.GetBlackRow(y, row)
	if err != nil {
		return nil, row
	}
	var tmp []uint32
	for dir := 0; dir < 2; dir++ {
		if dir == 1 {
			tmp = reverseRow(row, tmp)
		}
		if res, err := dec.DecodeRow(y, row, hints); err == nil {
			return res, row
		}
	}
	return nil, row
}

// reverseRow is gozxing's BitArray.Reverse in place, through tmp (returned
// for the next call): Reverse makes a new slice each call, and a frame's
// 1D rows are each read both ways, so it was half a frame's allocations.
func reverseRow(row *gozxing.BitArray, tmp []uint32) []uint32 {
	words, size := row.GetBitArray(), row.GetSize()
	if size == 0 {
		return tmp
	}
	n := (size-1)/32 + 1
	if cap(tmp) < n {
		tmp = make([]uint32, n)
	}
	tmp = tmp[:n]
	for i := 0; i < n; i++ {
		tmp[n-1-i] = bits.Reverse32(words[i])
	}
	if shift := uint(n*32 - size); shift != 0 {
		cur := tmp[0] >> shift
		for i := 1; i < n; i++ {
			next := tmp[i]
			tmp[i-1] = cur | next<<(32-shift)
			cur = next >> shift
		}
		tmp[n-1] = cur
	}
	copy(words, tmp)
	return tmp
}

// turned is g turned a quarter clockwise.
func turned(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, h, w))
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x, v := range row {
			out.Pix[x*out.Stride+(h-1-y)] = v
		}
	}
	return out
}

// retryQR follows the fast pass (hybrid binarizer, as ZXing, in
// decodeOnce): the retries that rescue tilted, blurred or small codes,
// chosen by the finder patterns the fast pass saw.
func (r *Reader) retryQR(g *image.Gray, src gozxing.LuminanceSource, hybrid gozxing.Binarizer) (Result, bool) {
	if r.stretchPass {
		if r.finders < 3 {
			return Result{}, false
		}
		if r.hardline.IsZero() { // unbounded: 20 ms for the sweep
			r.hardline = time.Now().Add(20 * time.Millisecond)
			defer func() { r.hardline = time.Time{} }()
		}
		if bm, err := hybrid.GetBlackMatrix(); err == nil {
			if s, ok := sweepQR(bm, r.qrDec, r.hard, r.cut); ok && readable(validUTF8(s)) {
				return Result{Text: validUTF8(s), Format: QR}, true
			}
		}
		return Result{}, false
	}
	if r.finders == 0 && r.Stream {
		if r.seen[1-r.polarity] >= 3 {
			// The other polarity's last frame saw a code's three finder
			// patterns: the code in view is of that kind, and a search
			// here for a distant code of this one was the tail of frames
			// with a code (BenchmarkFrameKinds/code, p99).
			return Result{}, false
		}
		r.quiet[r.polarity]++
		if r.quiet[r.polarity]%4 != 0 {
			return Result{}, false // see below
		}
	}
	r.lm, r.lr, r.cands = nil, nil, nil
	st := r.stages(g, src, hybrid)
	if !r.Stream {
		r.noisy = isNoisy(g)
		order := stillOrder[min(r.finders, 3)]
		if r.noisy {
			// Smoothing first on a noisy frame: the others see the noise's
			// own runs as finder patterns and try their triples.
			order = append([]string{"smooth"}, order...)
		}
		return r.retryStill(st, order)
	}
	stages := st.all
	switch r.finders {
	case 0:
		// Nothing ZXing takes for a finder pattern: the common case at a
		// kiosk. But ZXing asks each run of a pattern to be within half a
		// module of its size, and at 2 px a module, softened by the lens,
		// a distant code's patterns miss that by a pixel. The slant
		// stage's finder allows more, and the zoom stage reads such a
		// code. On a still always; on a camera frame one in four of each
		// polarity, as the finder costs about half the fast pass on an
		// empty frame (above): a distant code is read within eight frames.
		stages = []func() (Result, bool){st.zoom, st.slant}
	case 1:
		// One finder pattern: a code seen at a steep slant, whose far
		// patterns ZXing's finder rejects (narrower across than down),
		// or a small one. The stages with their own finder only.
		stages = []func() (Result, bool){st.slant, st.zoom, st.lmSlant, st.lrSlant}
	case 2:
		// Two finder patterns and the third lost: a dim area beside a
		// bright one, which the hybrid binarizer turns black, swallowed it
		// (a code at a slant on a bright screen edge), or a glare spot
		// hid it. The local-mean and local-range stages only, the ones
		// that can bring it back. Or a steep slant: ZXing's finder rejects
		// a far pattern narrower across than down, so the slant stage
		// last.
		stages = append(st.twoFinders[:len(st.twoFinders):len(st.twoFinders)], st.slant)
	}
	// Smoothing last; first on a noisy frame, as the others see the
	// noise's own runs as finder patterns and try their triples (half a
	// second on a still).
	if r.noisy = isNoisy(g); r.noisy {
		stages = append([]func() (Result, bool){st.smooth}, stages...)
	} else {
		stages = append(stages[:len(stages):len(stages)], st.smooth)
	}
	return r.retry(stages)
}

// moduleSize is the mean module size of the finder patterns ZXing's finder
// saw in the fast pass, 4 px when it saw none.
func (r *Reader) moduleSize() float64 {
	if r.moduleN == 0 {
		return 4
	}
	return r.moduleSum / float64(r.moduleN)
}

// late tells whether the frame's budget for starting a retry stage is spent.
func (r *Reader) late() bool { return !r.deadline.IsZero() && time.Now().After(r.deadline) }

// cut tells whether a stage under way must stop (between two candidate
// grids): the frame is past its hard line.
func (r *Reader) cut() bool { return !r.hardline.IsZero() && time.Now().After(r.hardline) }

// stageSet is a frame's retry stages: all of them in order, and those
// that the fast pass's finder count picks.
type stageSet struct {
	all, twoFinders                       []func() (Result, bool)
	named                                 map[string]func() (Result, bool) // a still's, by name
	slant, zoom, lmSlant, lrSlant, smooth func() (Result, bool)
}

// stages are the retries, split so that each is short: a camera frame's
// in order (all), which it starts only while its budget lasts; a still's
// by name (named, in stillOrder), with sharpening and enlarging, which
// cost a full binarization of a new image each.
func (r *Reader) stages(g *image.Gray, src gozxing.LuminanceSource, hybrid gozxing.Binarizer) stageSet {
	text := func(s string) Result { return Result{Text: validUTF8(s), Format: QR} }
	clean := func(s string) bool { return readable(validUTF8(s)) }
	onMatrix := func(bin func() gozxing.Binarizer, read func(*gozxing.BitMatrix) (string, bool)) func() (Result, bool) {
		return func() (Result, bool) {
			if bm, err := bin().GetBlackMatrix(); err == nil {
				if s, ok := read(bm); ok && clean(s) {
					return text(s), true
				}
			}
			return Result{}, false
		}
	}
	sweep := func(bm *gozxing.BitMatrix) (string, bool) { return sweepQR(bm, r.qrDec, r.hard, r.cut) }
	slant := func(bm *gozxing.BitMatrix) (string, bool) { return slantQR(bm, r.qrDec, r.hard, 2, r.cut) }
	hyb := func() gozxing.Binarizer { return hybrid }
	lm := func() gozxing.Binarizer {
		if r.lm == nil { // once a frame, for the three stages on it
			r.lm = newLocalMean(src, r.sum)
			r.lm.GetBlackMatrix()
			r.sum = r.lm.sum
		}
		return r.lm
	}
	lr := func() gozxing.Binarizer {
		if r.lr == nil {
			// A window three modules wide, of the finder patterns seen;
			// on a camera frame on a half-size image (binarize.go).
			r.lr = newLocalRange(src, int(math.Round(1.5*r.moduleSize())), r.Stream, r.lrBuf)
			r.lr.GetBlackMatrix()
			r.lrBuf = r.lr.buf
		}
		return r.lr
	}
	cands := func() []finderCand {
		if r.cands == nil { // once a frame, for the slant and zoom stages
			r.cands = []finderCand{}
			if bm, err := hybrid.GetBlackMatrix(); err == nil {
				r.cands = topCands(findFinders(bm, 2))
			}
		}
		return r.cands
	}
	var st stageSet
	st.slant = func() (Result, bool) { // finder.go
		if bm, err := hybrid.GetBlackMatrix(); err == nil {
			if s, ok := slantCands(bm, cands(), r.qrDec, r.hard, r.cut); ok && clean(s) {
				return text(s), true
			}
		}
		return Result{}, false
	}
	st.zoom = func() (Result, bool) { // finder.go
		if s, ok := zoomQR(g, cands(), r.qrDec, r.qr, r.hard, r.cut); ok && clean(s) {
			return text(s), true
		}
		return Result{}, false
	}
	pair := func() (Result, bool) { // pair.go
		if s, ok := pairQR(g, cands(), r.qrDec, r.qr, r.hard, r.cut); ok && clean(s) {
			return text(s), true
		}
		return Result{}, false
	}
	// Sensor noise: the fast pass and the slant stage on the frame
	// smoothed (qrsweep.go).
	st.smooth = func() (Result, bool) {
		if r.Stream && !r.noisy {
			// A camera frame smoothed only when it is noisy: on a clean
			// empty frame the pass cost 2.5 ms one time in four, and
			// empty frames' p95 went from 2.9 to 6.4 ms.
			return Result{}, false
		}
		r.smooth = smoothed(g, r.smooth)
		ssrc, err := luminance(r.smooth)
		if err != nil {
			return Result{}, false
		}
		hyb := newHybrid(ssrc)
		if res, ok := r.tryQR(hyb, r.hard); ok {
			return res, true
		}
		return onMatrix(func() gozxing.Binarizer { return hyb }, slant)()
	}
	lmTry := func() (Result, bool) { return r.tryQR(lm(), r.hard) } // binarize.go
	st.lmSlant = onMatrix(lm, slant)
	// A glare spot: the local-range binarizer (binarize.go).
	lrTry := func() (Result, bool) { return r.tryQR(lr(), r.hard) }
	st.lrSlant = func() (Result, bool) {
		if res, ok := onMatrix(lr, slant)(); ok || r.Stream {
			return res, ok
		}
		// A still, again with a window two modules wide: the module size
		// is ZXing's estimate from the patterns it saw (one, at times,
		// and under a glare spot), and a window a module too wide lets
		// the spot's light into the far side's threshold.
		narrow := newLocalRange(src, int(math.Round(r.moduleSize())), false, nil)
		return onMatrix(func() gozxing.Binarizer { return narrow }, slant)()
	}
	st.twoFinders = []func() (Result, bool){lmTry, onMatrix(lm, sweep), st.lmSlant, lrTry, onMatrix(lr, sweep), st.lrSlant}
	global := func() (Result, bool) { return r.tryQR(gozxing.NewGlobalHistgramBinarizer(src), r.hard) }
	// An upright code on a clean background (a screenshot, a generated
	// image): read the grid straight off its bounding box. It fails fast
	// on photos, and it rescues the rare clean code where a run of data
	// modules passes for a finder pattern.
	pure := func() (Result, bool) { return r.try(r.qr, hybrid, r.pure) }
	if r.Stream {
		st.all = append([]func() (Result, bool){onMatrix(hyb, sweep), st.slant, st.zoom}, st.twoFinders...)
		st.all = append(st.all, global, pure)
		return st
	}
	st.named = map[string]func() (Result, bool){
		"sweep": onMatrix(hyb, sweep), "slant": st.slant, "zoom": st.zoom,
		"lm": lmTry, "lm sweep": onMatrix(lm, sweep), "lm slant": st.lmSlant,
		"lr": lrTry, "lr sweep": onMatrix(lr, sweep), "lr slant": st.lrSlant,
		"global": global, "pure": pure, "smooth": st.smooth, "pair": pair,
	}
	st.named["sharpen"] = func() (Result, bool) {
		r.sharp = sharpened(g, r.sharp)
		if ssrc, err := luminance(r.sharp); err == nil {
			return r.tryQR(newHybrid(ssrc), r.hard)
		}
		return Result{}, false
	}
	for _, k := range []int{2, 3} {
		if g.Rect.Dx()*k > 1000 || g.Rect.Dy()*k > 1000 {
			break // only small images: a 640x480 frame's code is big enough
		}
		k := k
		st.named[fmt.Sprintf("up%d", k)] = func() (Result, bool) {
			// Enlarge first, then sharpen: the edges are steepened at the
			// resolution the binarizer sees.
			up := sharpened(upscaled(g, k), nil)
			usrc, err := luminance(up)
			if err != nil {
				return Result{}, false
			}
			for _, bin := range []gozxing.Binarizer{newHybrid(usrc), gozxing.NewGlobalHistgramBinarizer(usrc)} {
				if res, ok := r.tryQR(bin, r.hard); ok {
					return res, true
				}
				if res, ok := onMatrix(func() gozxing.Binarizer { return bin }, sweep)(); ok {
					return res, true
				}
			}
			return Result{}, false
		}
	}
	return st
}

// stillOrder is a still's retry stages by the finder patterns its fast
// pass saw (none, one, two, more): the camera frame's lists (retryQR),
// with the stages only a still can afford, and smoothing last (first on a
// noisy frame). A still runs them all unless Budget is set.
var stillOrder = [4][]string{
	{"zoom", "slant", "pair", "smooth"},
	{"slant", "zoom", "lm slant", "lr slant", "pair", "smooth"},
	{"lm", "lm sweep", "lm slant", "lr", "lr sweep", "lr slant", "slant", "pair", "smooth"},
	{"sweep", "slant", "zoom", "lm", "lm sweep", "lm slant", "lr", "lr sweep", "lr slant", "global", "pure", "sharpen", "up2", "up3", "pair", "smooth"},
}

// retryStill runs a still's stages by name, in order, until one reads
// (while Budget lasts, where it is set; the first always runs).
func (r *Reader) retryStill(st stageSet, order []string) (Result, bool) {
	done := map[string]bool{}
	for i, name := range order {
		run := st.named[name]
		if run == nil || done[name] {
			continue
		}
		done[name] = true
		if i > 0 && r.late() {
			break
		}
		if res, ok := run(); ok {
			return res, true
		}
	}
	return Result{}, false
}

// retry runs a camera frame's retry stages until one reads. It starts
// them while the frame's budget lasts, beginning
// where the last frame of its polarity stopped, and stops a stage under
// way at the hard line; but it always runs one stage whole when the fast
// pass alone spent the budget: on a slow machine (a small board, the race
// detector) a code that needs a retry must still be read within a few
// frames.
func (r *Reader) retry(stages []func() (Result, bool)) (Result, bool) {
	first := r.nextStage[r.polarity][min(r.finders, 3)] % len(stages)
	if r.late() {
		r.hardline = time.Time{}
	}
	for i := 0; i < len(stages); i++ {
		n := (first + i) % len(stages)
		if i > 0 && r.late() {
			r.nextStage[r.polarity][min(r.finders, 3)] = n
			return Result{}, false
		}
		if res, ok := stages[n](); ok {
			return res, true
		}
	}
	r.nextStage[r.polarity][min(r.finders, 3)] = first
	return Result{}, false
}

func (r *Reader) try(rd gozxing.Reader, bin gozxing.Binarizer, hints map[gozxing.DecodeHintType]interface{}) (Result, bool) {
	bmp, err := gozxing.NewBinaryBitmap(bin)
	if err != nil {
		return Result{}, false
	}
	res, err := rd.Decode(bmp, hints)
	rd.Reset()
	if err != nil || res == nil {
		return Result{}, false
	}
	text := validUTF8(res.GetText())
	if !readable(text) {
		// Bytes its character set could not decode: a code's text is
		// never silently replaced; no read, and the next frame is the retry.
		return Result{}, false
	}
	return Result{Text: text, Format: Format(res.GetBarcodeFormat().String())}, true
}

// tryQR is try with ZXing's QR reader (not a pure barcode), its finder
// read a run at a time (findZXing): the same grid and text, sooner.
func (r *Reader) tryQR(bin gozxing.Binarizer, hints map[gozxing.DecodeHintType]interface{}) (Result, bool) {
	bm, err := bin.GetBlackMatrix()
	if err != nil {
		return Result{}, false
	}
	res, err := decodeQRZXing(bm, r.qrDec, hints)
	if err != nil || res == nil {
		return Result{}, false
	}
	text := validUTF8(res.GetText())
	if !readable(text) {
		return Result{}, false // as in try
	}
	return Result{Text: text, Format: QR}, true
}

// readable tells whether a decoded text may be returned: never empty (a
// grid sampled over a flat area can pass the error correction as a code
// holding nothing) and never with bytes its character set could not
// decode (a code's text is never silently replaced).
func readable(text string) bool {
	return text != "" && !strings.ContainsRune(text, utf8.RuneError)
}

// validUTF8 repairs gozxing's Code128 FNC4 output: extended characters come
// back as single Latin-1 bytes, which is not UTF-8.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

func luminance(g *image.Gray) (gozxing.LuminanceSource, error) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	pix := g.Pix
	if g.Stride != w {
		pix = make([]byte, w*h)
		for y := 0; y < h; y++ {
			copy(pix[y*w:(y+1)*w], g.Pix[y*g.Stride:y*g.Stride+w])
		}
	}
	return gozxing.NewPlanarYUVLuminanceSource(pix, w, h, 0, 0, w, h, false)
}
