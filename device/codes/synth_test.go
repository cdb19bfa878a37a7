package codes

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
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
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			r := NewReader()
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
