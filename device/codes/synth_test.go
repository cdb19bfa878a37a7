package codes

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing/common"
	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	"codepay/device/codes/codestest"
)

// synthFrame makes a camera-like frame: a code about a quarter of the
// frame wide (or none), rotated, blurred and noisy, on an uneven background.
type synthFrame struct {
	w, h   int
	text   string
	format Format
	angle  float64 // degrees
	blur   int     // box blur radius in pixels
	noise  int     // +- grey levels
}

func (s synthFrame) make(rng *rand.Rand) (*image.Gray, error) {
	g := image.NewGray(image.Rect(0, 0, s.w, s.h))
	for y := 0; y < s.h; y++ {
		for x := 0; x < s.w; x++ {
			g.Pix[y*g.Stride+x] = uint8(70 + 80*x/s.w + 40*y/s.h)
		}
	}
	if s.text != "" {
		side := s.w / 4
		if s.format == Code128 {
			side = s.w * 7 / 8 // a barcode is held across the view
		}
		code, err := Encode(s.text, s.format, side)
		if err != nil {
			return nil, err
		}
		cw, ch := float64(code.Rect.Dx()), float64(code.Rect.Dy())
		scale := float64(side) / cw
		a := s.angle * math.Pi / 180
		cx, cy := float64(s.w)/2+float64(rng.IntN(40)-20), float64(s.h)/2+float64(rng.IntN(40)-20)
		cos, sin := math.Cos(a)*scale, math.Sin(a)*scale
		// Affine map from code space to the frame, centred.
		m := f64.Aff3{cos, -sin, cx - cos*cw/2 + sin*ch/2, sin, cos, cy - sin*cw/2 - cos*ch/2}
		draw.BiLinear.Transform(g, m, code, code.Rect, draw.Src, nil)
	}
	if s.blur > 0 {
		g = boxBlur(g, s.blur)
	}
	for i := range g.Pix {
		if s.noise > 0 {
			g.Pix[i] = uint8(min(max(int(g.Pix[i])+rng.IntN(2*s.noise+1)-s.noise, 0), 255))
		}
	}
	return g, nil
}

func boxBlur(g *image.Gray, r int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	tmp := image.NewGray(g.Rect)
	out := image.NewGray(g.Rect)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sum, n := 0, 0
			for d := -r; d <= r; d++ {
				if xx := x + d; xx >= 0 && xx < w {
					sum += int(g.Pix[y*g.Stride+xx])
					n++
				}
			}
			tmp.Pix[y*w+x] = uint8(sum / n)
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sum, n := 0, 0
			for d := -r; d <= r; d++ {
				if yy := y + d; yy >= 0 && yy < h {
					sum += int(tmp.Pix[yy*w+x])
					n++
				}
			}
			out.Pix[y*w+x] = uint8(sum / n)
		}
	}
	return out
}

// synthSet is the frame mix of a kiosk: mostly no code, then codes at
// angles, blurred and noisy.
func synthSet(tb testing.TB, w, h int) ([]*image.Gray, []string) {
	rng := rand.New(rand.NewPCG(7, 11))
	var frames []*image.Gray
	var want []string
	add := func(s synthFrame) {
		s.w, s.h = w, h
		f, err := s.make(rng)
		if err != nil {
			tb.Fatal(err)
		}
		frames, want = append(frames, f), append(want, s.text)
	}
	for i := 0; i < 20; i++ {
		add(synthFrame{noise: 6, blur: i % 2})
	}
	for i, angle := range []float64{0, 8, 15, 30, 45, -20} {
		text := fmt.Sprintf("9000818188%014d", 12345678901234+i)
		add(synthFrame{text: text, format: QR, angle: angle, noise: 6})
		add(synthFrame{text: text, format: QR, angle: angle, blur: 1, noise: 10})
		add(synthFrame{text: text, format: Code128, angle: angle / 4, blur: 1, noise: 6})
	}
	return frames, want
}

func TestSyntheticFramesAreRead(t *testing.T) {
	for _, size := range [][2]int{{640, 480}, {1280, 720}} {
		frames, want := synthSet(t, size[0], size[1])
		r := NewReader()
		read, wrong := 0, 0
		codes := 0
		for i, f := range frames {
			res, err := r.Decode(f)
			switch {
			case want[i] == "" && err == nil:
				t.Errorf("%dx%d frame %d: read %q from a frame with no code", size[0], size[1], i, res.Text)
			case want[i] != "":
				codes++
				if err != nil {
					t.Logf("%dx%d frame %d not read (%s)", size[0], size[1], i, want[i])
				}
				if err == nil && res.Text == want[i] {
					read++
				} else if err == nil {
					wrong++
				}
			}
		}
		t.Logf("%dx%d: %d of %d codes read", size[0], size[1], read, codes)
		codestest.Record(t.Name(), fmt.Sprintf("synthetic %dx%d frames with a QR or Code128", size[0], size[1]), read, codes, codes*9/10)
		if wrong > 0 || read < codes*9/10 {
			t.Errorf("%dx%d: read %d of %d, %d wrong", size[0], size[1], read, codes, wrong)
		}
	}
}

// BenchmarkDecodeSyntheticFrames is the per-frame time on camera-like
// frames, QR and Code128 on; median-ms and p95-ms are over the frame mix.
func BenchmarkDecodeSyntheticFrames(b *testing.B) {
	for _, size := range [][2]int{{640, 480}, {1280, 720}} {
		frames, _ := synthSet(b, size[0], size[1])
		for _, stream := range []bool{false, true} {
			name := fmt.Sprintf("%dx%d", size[0], size[1])
			if stream {
				name += "-stream"
			}
			b.Run(name, func(b *testing.B) {
				r := NewReader()
				r.Stream = stream
				var per []time.Duration
				for b.Loop() {
					for _, f := range frames {
						start := time.Now()
						r.Decode(f)
						per = append(per, time.Since(start))
					}
				}
				sort.Slice(per, func(i, j int) bool { return per[i] < per[j] })
				b.ReportMetric(float64(per[len(per)/2].Microseconds())/1000, "median-ms")
				b.ReportMetric(float64(per[len(per)*95/100].Microseconds())/1000, "p95-ms")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// tiltedFrame draws a code seen at a slant: the square code maps onto the
// quadrilateral quad (clockwise from top-left), through a true perspective
// map, on a grey frame of w x h, then blurred by one pixel. bow bends the
// paper: its middle sags by that many pixels, as a label on a curved lid.
func tiltedFrame(tb testing.TB, text string, w, h int, quad [8]float64, bow float64) *image.Gray {
	tb.Helper()
	code, err := Encode(text, QR, 400)
	if err != nil {
		tb.Fatal(err)
	}
	s := float64(code.Rect.Dx())
	toCode := common.PerspectiveTransform_QuadrilateralToQuadrilateral(
		quad[0], quad[1], quad[2], quad[3], quad[4], quad[5], quad[6], quad[7],
		0, 0, s, 0, s, s, 0, s)
	g := image.NewGray(image.Rect(0, 0, w, h))
	p := make([]float64, 2)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p[0], p[1] = float64(x)+0.5, float64(y)+0.5
			if along := (p[0] - quad[0]) / (quad[2] - quad[0]); along > 0 && along < 1 {
				p[1] -= bow * math.Sin(math.Pi*along)
			}
			toCode.TransformPoints(p)
			v := uint8(90 + 60*x/w) // the wall behind the paper
			if cx, cy := int(p[0]), int(p[1]); cx >= 0 && cy >= 0 && cx < code.Rect.Dx() && cy < code.Rect.Dy() {
				v = uint8(30 + int(code.Pix[cy*code.Stride+cx])*190/255)
			}
			g.Pix[y*g.Stride+x] = v
		}
	}
	return boxBlur(g, 1)
}

// paymentText is a wallet app's code: a 24-digit PayPay number for even
// i, a JPQR payload (version 3) for odd.
func paymentText(rng *rand.Rand, i int) string {
	text := fmt.Sprintf("9000818188%014d", rng.IntN(1e12))
	if i%2 == 1 {
		text = EncodeJPQR("31589921", fmt.Sprintf("31589921%011d", rng.IntN(1e9)))
	}
	return text
}

// readOne reads frame i and tells whether it gave want; a wrong text fails
// the test, a miss is logged with why.
func readOne(t *testing.T, r *Reader, g *image.Gray, want string, i int, why string) bool {
	t.Helper()
	res, err := r.Decode(g)
	switch {
	case err == nil && res.Text == want:
		return true
	case err == nil:
		t.Errorf("frame %d read wrong: %q", i, res.Text)
	default:
		t.Logf("frame %d not read: %s", i, why)
	}
	return false
}

// allRead records read of the images beside zxing-cpp's count (under make
// bench) and fails unless every one was read: today's figure, which only
// goes up.
func allRead(t *testing.T, what string, read int, imgs []image.Image, want []string) {
	t.Helper()
	atLeastRead(t, what, read, len(imgs), imgs, want)
}

// readGenerated reads n generated frames as stills, frame i from gen
// with its text and why it might not read, and checks the count against
// floor with zxing-cpp's beside it (atLeastRead); it returns the frames
// and their texts.
func readGenerated(t *testing.T, what string, n, floor int, gen func(i int) (*image.Gray, string, string)) ([]image.Image, []string) {
	t.Helper()
	r := NewReader()
	read := 0
	var imgs []image.Image
	var want []string
	for i := 0; i < n; i++ {
		g, text, why := gen(i)
		imgs, want = append(imgs, g), append(want, text)
		if readOne(t, r, g, text, i, why) {
			read++
		}
	}
	atLeastRead(t, what, read, floor, imgs, want)
	return imgs, want
}

// atLeastRead is allRead where the reader is known to fall short of every
// image: the floor is what it reads, zxing-cpp's count beside it.
func atLeastRead(t *testing.T, what string, read, floor int, imgs []image.Image, want []string) {
	t.Helper()
	texts, ok := codestest.PeerRead(t, imgs, peerFormats(DefaultFormats))
	peer, wrong := codestest.PeerScore(want, texts, ok)
	n := len(imgs)
	t.Logf("%s: %d of %d read; zxing-cpp %d", what, read, n, peer)
	codestest.RecordVs(t.Name(), what, read, n, floor, peer, wrong)
	if read < floor {
		t.Errorf("%s: read %d of %d, the floor is %d", what, read, n, floor)
	}
}

// Long payloads (version 7 and up) photographed at a slant on a bent
// label: one transform through the finder patterns drifts off the grid by
// the far corner, so the reader pins it to every alignment pattern.
func TestTiltedBentLargeCodesAreRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	text := "https://pay.example.jp/checkout/" + fmt.Sprintf("%0140d", 0) // version 8
	r := NewReader()
	read, n := 0, 0
	for i := 0; i < 24; i++ {
		// The paper, quiet zone included, about 280 px wide in a 640x480
		// frame; each corner moved at random, the far side shortened as a
		// camera at an angle sees it, and the middle sagging.
		side, x0, y0 := 280.0, 180.0, 100.0
		jit := func() float64 { return (rng.Float64()*2 - 1) * 15 }
		near := 1.0 + 0.35*rng.Float64()
		quad := [8]float64{
			x0 + jit(), y0 + jit(),
			x0 + side + jit(), y0 + side*(1-1/near)/2 + jit(),
			x0 + side + jit(), y0 + side - side*(1-1/near)/2 + jit(),
			x0 + jit(), y0 + side + jit(),
		}
		bow := 8 * rng.Float64()
		want := text + fmt.Sprint(i%10)
		n++
		if readOne(t, r, tiltedFrame(t, want, 640, 480, quad, bow), want, i, fmt.Sprintf("near %.2f bow %.1f quad %.0f", near, bow, quad)) {
			read++
		}
	}
	t.Logf("%d of %d tilted, bent frames read", read, n)
	codestest.Record(t.Name(), "version 8 QR under random perspective and bending", read, n, n)
	if read < n { // today's figure: it only goes up
		t.Errorf("tilted, bent large codes: read %d of %d", read, n)
	}
}

// The codes of wallet apps (24 digits: version 1 or 2; JPQR payloads:
// version 3) held at a slight slant, 2.5 to 7 pixels a module, in a small
// frame. Version 1 has no alignment pattern to show where the far corner
// went; the slant stage's grid, fitted to all three finder patterns,
// places it.
func TestSlantedWalletCodesAreRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	r := NewReader()
	read, n := 0, 0
	for i := 0; i < 100; i++ {
		text := paymentText(rng, i)
		side := 110 + rng.Float64()*120
		x0, y0 := 40+rng.Float64()*40, 10+rng.Float64()*20
		jit := func() float64 { return (rng.Float64()*2 - 1) * side * 0.05 }
		quad := [8]float64{x0 + jit(), y0 + jit(), x0 + side + jit(), y0 + jit(), x0 + side + jit(), y0 + side + jit(), x0 + jit(), y0 + side + jit()}
		n++
		if readOne(t, r, tiltedFrame(t, text, 320, 260, quad, 0), text, i, fmt.Sprintf("%q on %.0f px", text, side)) {
			read++
		}
	}
	t.Logf("%d of %d slanted wallet codes read", read, n)
	codestest.Record(t.Name(), "wallet QR (24 digits, JPQR) at a slant, 2.5-7 px a module", read, n, n*97/100)
	if read < n*97/100 { // today's figure: it only goes up
		t.Errorf("slanted wallet codes: read %d of %d", read, n)
	}
}

// codeLikeFrames are 640x480 frames holding what a camera sees and cannot
// read: a QR code whose data modules are scrambled (its finder patterns
// intact), a torn one, one half covered by a thumb.
func codeLikeFrames(tb testing.TB) []*image.Gray {
	rng := rand.New(rand.NewPCG(3, 5))
	var out []*image.Gray
	for i := 0; i < 12; i++ {
		s := synthFrame{w: 640, h: 480, text: fmt.Sprintf("9000818188%014d", 55555000000000+i), format: QR, angle: float64(i * 7 % 40), noise: 6}
		f, err := s.make(rng)
		if err != nil {
			tb.Fatal(err)
		}
		// Scramble the middle of the code: the data goes, the three finder
		// patterns in the corners stay.
		cx, cy, r := 320, 240, 30+i%3*10
		for y := cy - r; y < cy+r; y++ {
			for x := cx - r; x < cx+r; x++ {
				if rng.IntN(2) == 0 {
					f.Pix[y*f.Stride+x] = uint8(40 + rng.IntN(30))
				} else {
					f.Pix[y*f.Stride+x] = uint8(190 + rng.IntN(40))
				}
			}
		}
		out = append(out, f)
	}
	return out
}

type frameKind struct {
	name   string
	frames []*image.Gray
}

// frameKinds are the 640x480 frames of BenchmarkFrameKinds, by kind.
func frameKinds(tb testing.TB) []frameKind {
	frames, want := synthSet(tb, 640, 480)
	var empty, coded []*image.Gray
	for i, f := range frames {
		if want[i] == "" {
			empty = append(empty, f)
		} else {
			coded = append(coded, f)
		}
	}
	return []frameKind{{"empty", empty}, {"code", coded}, {"unreadable", codeLikeFrames(tb)}}
}

// TestPeerFrameTimes times native zxing-cpp (one core, QR and Code128) on
// the frames of BenchmarkFrameKinds, and the stream reader on the same
// frames, round by round in turn, for docs/benchmarks.md to set side by
// side: this machine's speed drifts by half over minutes (a core of a
// shared host), so times taken apart compare the moments, not the
// readers. It runs only with the peer (make bench).
func TestPeerFrameTimes(t *testing.T) {
	if codestest.PeerDir() == "" {
		t.Skip("the peer runs under make bench (CODEPAY_PEER)")
	}
	const rounds, reps = 5, 4
	for _, k := range frameKinds(t) {
		// QR only, as the issue measured it, and QR with Code128, as the
		// reader runs.
		for _, formats := range []string{"QRCode", "QRCode|Code128"} {
			var peer, own []time.Duration
			for range rounds {
				p, _ := codestest.PeerTimes(t, k.frames, formats, reps)
				peer = append(peer, p...)
				own = append(own, streamTimes(k.frames, reps)...)
			}
			pt := codestest.PeerTime{Bench: "BenchmarkFrameKinds/" + k.name, Formats: formats, Frames: len(k.frames), Reps: rounds * reps}
			pt.Median, pt.P95, pt.P99 = codestest.Quantiles(peer)
			pt.OwnMedian, pt.OwnP95, pt.OwnP99 = codestest.Quantiles(own)
			t.Logf("%s, %s: zxing-cpp median %.2f, p95 %.2f, p99 %.2f ms; codepay %.2f, %.2f, %.2f ms", k.name, formats, pt.Median, pt.P95, pt.P99, pt.OwnMedian, pt.OwnP95, pt.OwnP99)
			codestest.RecordPeerTime(pt)
		}
	}
}

// streamTimes is the stream reader's time on each frame, reps passes
// after one untimed pass (as the peer's script times).
func streamTimes(frames []*image.Gray, reps int) []time.Duration {
	r := NewReader()
	r.Stream = true
	for _, f := range frames {
		r.Decode(f)
	}
	var per []time.Duration
	for range reps {
		for _, f := range frames {
			start := time.Now()
			r.Decode(f)
			per = append(per, time.Since(start))
		}
	}
	return per
}

// BenchmarkFrameKinds times single 640x480 camera frames on one core, by
// kind: empty, with a readable code, with a code-like pattern that cannot
// be read. Each frame is the stream reader's work for that frame; p99 is
// what keeps the camera's rate.
func BenchmarkFrameKinds(b *testing.B) {
	for _, kind := range frameKinds(b) {
		b.Run(kind.name, func(b *testing.B) {
			r := NewReader()
			r.Stream = true
			var per []time.Duration
			for b.Loop() {
				for _, f := range kind.frames {
					start := time.Now()
					r.Decode(f)
					per = append(per, time.Since(start))
				}
			}
			sort.Slice(per, func(i, j int) bool { return per[i] < per[j] })
			ms := func(q int) float64 { return float64(per[min(len(per)-1, len(per)*q/100)].Microseconds()) / 1000 }
			b.ReportMetric(ms(50), "median-ms")
			b.ReportMetric(ms(95), "p95-ms")
			b.ReportMetric(ms(99), "p99-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// A code seen from below (a customer's phone tipped back, a camera
// mounted low): the far side 55-75% of the near one, so the far finder
// patterns are narrower across than down. ZXing's finder rejects them,
// and a grid drawn through the three centres as a parallelogram misses the
// far corner; the slant stage fits the grid to the patterns' rings.
func TestCodesSeenFromBelowAreRead(t *testing.T) {
	seenFromBelow(t, 11, 0.55, 0.75, 40, "payment QR seen from below, far side 55-75% of the near", false)
}

// Steeper still: the far side 40-55% of the near one, so the near finder
// pattern's modules are twice the far ones' or more, and each pattern's
// rings are walked at its own module size, and a version 1 code's far
// corner (no alignment pattern to find) is where the ring sides of TR and
// BL cross (edges.go). 20 of 40 read before, 36 without the ring sides;
// zxing-cpp reads 39. The two left had a far finder pattern under 2 px a
// module, squashed, that the slant finder misses: the area beside the two
// near patterns is read enlarged (pair.go), and all 40 read.
func TestCodesSeenSteeplyAreRead(t *testing.T) {
	seenFromBelow(t, 12, 0.40, 0.55, 40, "payment QR seen steeply, far side 40-55% of the near", false)
}

// Steep, and turned so that one finder pattern is on the far side and two
// near: the far corner, where TR's and BL's ring sides cross, is then
// carried furthest, and misses by a far module or so; it is searched
// around (finder.go). Another seed than the test above. Before the
// search: 32 of 40, with it 37; 40 with the area beside the near pair
// enlarged (pair.go, designed on seeds 83-86: 6 missed, all read).
func TestCodesSeenSteeplyOneFinderFarAreRead(t *testing.T) {
	seenFromBelow(t, 77, 0.33, 0.55, 40, "payment QR seen steeply, one finder pattern far, far side 33-55% of the near", true)
}

func seenFromBelow(t *testing.T, seed uint64, farLo, farHi float64, floor int, what string, oneFar bool) {
	rng := rand.New(rand.NewPCG(seed, 4))
	readGenerated(t, what, 40, floor, func(i int) (*image.Gray, string, string) {
		text := fmt.Sprintf("9000818188%014d", rng.IntN(1e12))
		switch i % 3 {
		case 1:
			text = EncodeJPQR("31589921", fmt.Sprintf("31589921%011d", rng.IntN(1e9)))
		case 2:
			text = fmt.Sprintf("https://qr.paypay.ne.jp/28180104%016d", rng.IntN(1e15))
		}
		side := 240 + rng.Float64()*140
		x0, y0 := 320-side/2+(rng.Float64()*2-1)*30, 240-side/2+(rng.Float64()*2-1)*20
		far := farLo + (farHi-farLo)*rng.Float64()
		in := side * (1 - far) / 2
		// Clockwise from the top-left; the far side is the top, turned a
		// quarter for each i%4 so that every side takes its turn.
		c := [4][2]float64{{x0 + in, y0}, {x0 + side - in, y0}, {x0 + side, y0 + side}, {x0, y0 + side}}
		k := i % 4
		if oneFar {
			k = 2 + i%2 // the code upside down, or turned a quarter anticlockwise
		}
		quad := [8]float64{}
		for j := range 4 {
			p := c[(j+k)%4]
			quad[2*j], quad[2*j+1] = p[0], p[1]
		}
		return tiltedFrame(t, text, 640, 480, quad, 0), text, fmt.Sprintf("far side %.2f of the near, %.0f px", far, side)
	})
}

// A code whose quiet zone is cut off on one side, against a dark edge: a
// phone screen's app bar or bezel, a dark table. The finder patterns on
// that side have an outer ring that runs on into the dark, which ZXing's
// finder (and zxing-cpp's) does not take; the slant stage takes it at the
// other four runs' module size (finder.go). 29 of 40 read before that,
// 35 with it, 36 with the still's narrower local-range window, 37 with
// the far corner searched, 39 with the area beside two near patterns read
// enlarged (pair.go); zxing-cpp reads 1.
func TestCodesAgainstADarkEdgeAreRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	readGenerated(t, "payment QR against a dark edge, one side's quiet zone cut off", 40, 39, func(i int) (*image.Gray, string, string) {
		text := paymentText(rng, i)
		return bezelFrame(t, text, i%4, (rng.Float64()*2-1)*0.4), text, fmt.Sprintf("no quiet zone on side %d", i%4)
	})
}

// bezelFrame draws a code on a dark surround, turned by ang, with the
// quiet zone of one side (0 left, 1 top, 2 right, 3 bottom) dark too.
func bezelFrame(t *testing.T, text string, side int, ang float64) *image.Gray {
	t.Helper()
	code, err := Encode(text, QR, 400)
	if err != nil {
		t.Fatal(err)
	}
	s := code.Rect.Dx()
	// The quiet zone's width: the first column with black in it.
	first := -1
	for x := 0; x < s && first < 0; x++ {
		for y := 0; y < s; y++ {
			if code.Pix[y*code.Stride+x] < 128 {
				first = x
				break
			}
		}
	}
	for y := 0; y < s; y++ {
		for x := 0; x < s; x++ {
			var in bool
			switch side {
			case 0:
				in = x < first
			case 1:
				in = y < first
			case 2:
				in = x >= s-first
			case 3:
				in = y >= s-first
			}
			if in {
				code.Pix[y*code.Stride+x] = 25
			}
		}
	}
	w, h := 640, 480
	cx, cy, r := 320.0, 240.0, 150.0
	var quad [8]float64
	for k := 0; k < 4; k++ {
		a := ang + float64(k)*math.Pi/2 - 3*math.Pi/4
		quad[2*k], quad[2*k+1] = cx+r*math.Sqrt2*math.Cos(a), cy+r*math.Sqrt2*math.Sin(a)
	}
	toCode := common.PerspectiveTransform_QuadrilateralToQuadrilateral(
		quad[0], quad[1], quad[2], quad[3], quad[4], quad[5], quad[6], quad[7],
		0, 0, float64(s), 0, float64(s), float64(s), 0, float64(s))
	g := image.NewGray(image.Rect(0, 0, w, h))
	p := make([]float64, 2)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p[0], p[1] = float64(x)+0.5, float64(y)+0.5
			toCode.TransformPoints(p)
			v := uint8(25) // the bezel all round
			if cx, cy := int(p[0]), int(p[1]); cx >= 0 && cy >= 0 && cx < s && cy < s {
				v = uint8(30 + int(code.Pix[cy*code.Stride+cx])*190/255)
			}
			g.Pix[y*g.Stride+x] = v
		}
	}
	return boxBlur(g, 1)
}

// A glare spot (a lamp on the phone's glass) over one finder pattern adds
// light to its black and white alike: its black is lighter than the white
// beside the spot, and a threshold averaged over a wide area calls it
// white. The local-range binarizer compares it with its own few modules.
func TestCodesUnderAGlareSpotAreRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 8))
	readGenerated(t, "payment QR with a glare spot on a finder pattern", 30, 30, func(i int) (*image.Gray, string, string) {
		text := paymentText(rng, i)
		side := 200 + rng.Float64()*160
		x0, y0 := 320-side/2+(rng.Float64()*2-1)*40, 240-side/2+(rng.Float64()*2-1)*30
		g := tiltedFrame(t, text, 640, 480, [8]float64{x0, y0, x0 + side, y0, x0 + side, y0 + side, x0, y0 + side}, 0)
		// The spot on the top-right finder pattern, 70-85% white at its
		// middle, fading over about a third of the code.
		cx, cy := x0+side*0.86, y0+side*0.14
		rad, peak := side*(0.25+0.1*rng.Float64()), 0.7+0.15*rng.Float64()
		for y := 0; y < 480; y++ {
			for x := 0; x < 640; x++ {
				d := (math.Pow(float64(x)-cx, 2) + math.Pow(float64(y)-cy, 2)) / (rad * rad)
				a := peak * math.Exp(-d)
				v := &g.Pix[y*g.Stride+x]
				*v = uint8(float64(*v)*(1-a) + 255*a)
			}
		}
		return g, text, fmt.Sprintf("spot %.2f over %.0f px on a %.0f px code", peak, rad, side)
	})
}

// smallFrame draws a code at px pixels a module, turned by angle degrees,
// somewhere in a 640x480 frame, as a distant camera sees it: resampled,
// softened and noisy.
func smallFrame(tb testing.TB, text string, px, angle float64, rng *rand.Rand) *image.Gray {
	tb.Helper()
	code, err := Encode(text, QR, 1) // a pixel a module, quiet zone included
	if err != nil {
		tb.Fatal(err)
	}
	g := image.NewGray(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			g.Pix[y*g.Stride+x] = uint8(90 + 60*x/640 + 30*y/480)
		}
	}
	cw := float64(code.Rect.Dx())
	a := angle * math.Pi / 180
	cx, cy := 120+rng.Float64()*400, 100+rng.Float64()*280
	cos, sin := math.Cos(a)*px, math.Sin(a)*px
	m := f64.Aff3{cos, -sin, cx - cos*cw/2 + sin*cw/2, sin, cos, cy - sin*cw/2 - cos*cw/2}
	draw.BiLinear.Transform(g, m, code, code.Rect, draw.Src, nil)
	g = gaussian(g, 0.5)
	for i := range g.Pix {
		g.Pix[i] = uint8(min(max(int(g.Pix[i])+rng.IntN(9)-4, 0), 255))
	}
	return g
}

// Issue #11's small code: a wallet code (version 1, 21x21 modules) at
// 2 px a module in a 640x480 camera frame, at any angle up to 20°, drawn
// from one pixel a module (so each module is soft, as a distant camera
// sees it). A camera reads it within eight frames of the same picture
// (the polarities take turns, and a frame where ZXing sees no finder
// pattern looks closer one time in four); a still at once. The same in
// dark mode. zxing-cpp is set beside it under make bench.
func TestSmallCodesAt2PxAModuleAreRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 21))
	still, stream := NewReader(), NewReader()
	stream.Stream = true
	readStill, readStream := 0, 0
	var imgs []image.Image
	var want []string
	for i := 0; i < 40; i++ {
		text := fmt.Sprintf("9000818188%014d", rng.IntN(1e12))
		g := smallFrame(t, text, 2, (rng.Float64()*2-1)*20, rng)
		imgs, want = append(imgs, g), append(want, text)
		if readOne(t, still, g, text, i, "as a still") {
			readStill++
		}
		for range 8 {
			if res, err := stream.Decode(g); err == nil && res.Text == text {
				readStream++
				break
			}
		}
	}
	allRead(t, "wallet QR (21x21) at 2 px a module, 640x480, as a still", readStill, imgs, want)
	allRead(t, "wallet QR (21x21) at 2 px a module, 640x480, camera stream (8 frames)", readStream, imgs, want)

	// The same codes on a phone in dark mode: light modules on dark. A
	// stream looks for them on every other frame, so within sixteen.
	darkStill, darkStream := 0, 0
	var dark []image.Image
	for i, img := range imgs {
		g := inverted(img.(*image.Gray))
		dark = append(dark, g)
		if readOne(t, still, g, want[i], i, "dark mode, as a still") {
			darkStill++
		}
		s := NewReader()
		s.Stream = true
		for range 16 {
			if res, err := s.Decode(g); err == nil && res.Text == want[i] {
				darkStream++
				break
			}
		}
	}
	allRead(t, "wallet QR (21x21) at 2 px a module in dark mode, 640x480, as a still", darkStill, dark, want)
	allRead(t, "wallet QR (21x21) at 2 px a module in dark mode, 640x480, camera stream (16 frames)", darkStream, dark, want)
}

// smoothed is the 3x3 mean, edges clamped.
func TestSmoothedIsTheThreeByThreeMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, size := range [][2]int{{1, 1}, {2, 3}, {3, 2}, {7, 5}, {64, 33}} {
		w, h := size[0], size[1]
		g := image.NewGray(image.Rect(0, 0, w, h))
		for i := range g.Pix {
			g.Pix[i] = uint8(rng.IntN(256))
		}
		got := smoothed(g, nil)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				sum := 0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						xx, yy := min(max(x+dx, 0), w-1), min(max(y+dy, 0), h-1)
						sum += int(g.Pix[yy*w+xx])
					}
				}
				if w < 2 || h < 2 {
					sum = 9 * int(g.Pix[y*w+x]) // too small to smooth: a copy
				}
				if want := uint8((sum + 4) / 9); got.Pix[y*w+x] != want {
					t.Fatalf("%dx%d at %d,%d: %d, want %d", w, h, x, y, got.Pix[y*w+x], want)
				}
			}
		}
	}
}

// A dim shop or a cheap camera: sensor noise (σ 35 grey levels) breaks a
// finder pattern's runs into pieces; the smoothed frame reads (without
// it, 7 of 30).
func TestNoisyCodesAreRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 13))
	readGenerated(t, "payment QR, 4-6 px a module, noise σ 35", 30, 30, func(i int) (*image.Gray, string, string) {
		text := paymentText(rng, i)
		g := smallFrame(t, text, 4+2*rng.Float64(), (rng.Float64()*2-1)*20, rng)
		return noisy(g, 35, rng), text, "noise σ 35"
	})
}

// noise is the median difference between horizontally adjacent pixels
// on every fourth row, in full: the estimate isNoisy compares with
// noisyFrame without computing it.
func noise(g *image.Gray) int {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	var hist [256]int
	n := 0
	for y := 0; y < h; y += 4 {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x := 1; x < w; x++ {
			d := int(row[x]) - int(row[x-1])
			hist[max(d, -d)]++
			n++
		}
	}
	for v, c := 0, 0; v < 256; v++ {
		if c += hist[v]; 2*c >= n {
			return v
		}
	}
	return 0
}

// isNoisy is noise(g) >= noisyFrame on frames of every width round a
// multiple of eight, flat, noisy (σ 2 to 14, either side of the
// threshold) and photographed, at offsets within a bigger image.
func TestIsNoisyIsTheMedianNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 13))
	for i := 0; i < 600; i++ {
		w, h := 1+rng.IntN(70), 1+rng.IntN(40)
		big := image.NewGray(image.Rect(0, 0, w+5, h+5))
		for k := range big.Pix {
			big.Pix[k] = uint8(rng.IntN(256))
		}
		g := big.SubImage(image.Rect(3, 2, 3+w, 2+h)).(*image.Gray)
		base := uint8(rng.IntN(256))
		sigma := 2 + 12*rng.Float64()
		for y := g.Rect.Min.Y; y < g.Rect.Max.Y; y++ {
			for x := g.Rect.Min.X; x < g.Rect.Max.X; x++ {
				v := float64(base) + sigma*rng.NormFloat64()
				if i%5 == 0 {
					v = float64(base) // flat
				}
				g.SetGray(x, y, color.Gray{uint8(min(max(v, 0), 255))})
			}
		}
		if got, want := isNoisy(g), noise(g) >= noisyFrame; got != want {
			t.Fatalf("%dx%d σ %.1f: isNoisy %v, noise %d", w, h, sigma, got, noise(g))
		}
	}
	for _, set := range []string{"qrcode-1", "qrcode-3", "qrcode-5"} {
		imgs, files := loadSet(t, set)
		for i, g := range imgs {
			if got, want := isNoisy(g), noise(g) >= noisyFrame; got != want {
				t.Errorf("%s: isNoisy %v, noise %d", files[i], got, noise(g))
			}
		}
	}
}

// noise reads a frame's sensor noise: about σ·0.95 on a flat grey frame,
// and under the smoothing threshold on the real photos as they are.
func TestNoiseEstimate(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 9))
	flat := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range flat.Pix {
		flat.Pix[i] = 128
	}
	for _, sigma := range []float64{5, 10, 25} {
		got := float64(noise(noisy(flat, sigma, rng)))
		if want := sigma * math.Sqrt2 * 0.674; math.Abs(got-want) > 0.2*want+1 {
			t.Errorf("σ %.0f: noise %.0f, want about %.1f", sigma, got, want)
		}
	}
	for _, set := range []string{"qrcode-1", "qrcode-3", "qrcode-5"} {
		imgs, files := loadSet(t, set)
		for i, g := range imgs {
			if n := noise(g); n >= noisyFrame {
				t.Errorf("%s: noise %d, taken for a noisy frame", files[i], n)
			}
		}
	}
}

// A frame handed over as part of a bigger image (its bounds not at 0,0)
// reads as the same frame on its own: the stages work in the frame's own
// coordinates.
func TestSubImageFrameReads(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 21))
	text := paymentText(rng, 0)
	frame := smallFrame(t, text, 2, 10, rng)
	big := image.NewGray(image.Rect(0, 0, 1300, 1000))
	at := image.Rect(600, 500, 1240, 980)
	draw.Draw(big, at, frame, image.Point{}, draw.Src)
	sub := big.SubImage(at).(*image.Gray)
	for _, g := range []*image.Gray{frame, sub} {
		if res, err := NewReader().Decode(g); err != nil || res.Text != text {
			t.Errorf("frame at %v: %q %v", g.Rect.Min, res.Text, err)
		}
	}
}

// Payment barcodes (Code128, 24 digits) photographed in a dim shop: sensor
// noise σ 25 breaks narrow bars and spaces row by row, and no single row
// reads. A still averages each row with its neighbours along the bars
// (alongBars) and reads again; none of these read before that.
func TestNoisyBarcodesAreRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 7))
	imgs, want := readGenerated(t, "payment Code128 with sensor noise σ 25", 12, 12, func(i int) (*image.Gray, string, string) {
		text := fmt.Sprintf("2818%020d", rng.IntN(1e15))
		code, err := Encode(text, Code128, 620)
		if err != nil {
			t.Fatal(err)
		}
		g := image.NewGray(image.Rect(0, 0, 640, 480))
		for j := range g.Pix {
			g.Pix[j] = 120
		}
		x0, y0 := (640-code.Rect.Dx())/2, 120+rng.IntN(100)
		for y := 0; y < code.Rect.Dy() && y0+y < 480; y++ {
			for x := 0; x < code.Rect.Dx(); x++ {
				g.Pix[(y0+y)*g.Stride+x0+x] = uint8(40 + int(code.Pix[y*code.Stride+x])*170/255)
			}
		}
		return noisy(g, 25, rng), text, "noise σ 25"
	})

	// On a camera stream, within eight frames of each (the noise is
	// measured on some frames and holds for the next ones).
	cam := NewReader()
	cam.Stream = true
	streamed := 0
	for i, g := range imgs {
		for f := 0; f < 8; f++ {
			res, err := cam.Decode(g.(*image.Gray))
			if err == nil {
				if res.Text != want[i] {
					t.Fatalf("barcode %d on a stream read wrong: %q", i, res.Text)
				}
				streamed++
				break
			}
		}
	}
	if streamed < len(imgs) {
		t.Errorf("on a camera stream %d of %d noisy barcodes read within eight frames", streamed, len(imgs))
	}
}
