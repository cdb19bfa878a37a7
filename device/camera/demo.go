package camera

import (
	"context"
	"image"
	"image/color"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/image/draw"
)

// Demo is the camera of the hardware-free demo: a 640x480 counter scene
// into which, after a scan starts, the customer's phone comes from below
// with the code on its screen, then is held still (with a hand's tremor)
// until the code is read. It is drawn at frame rate, so the preview shows
// what happens; the real reader decodes the pixels, and a phone on the move
// is blurred by its motion, as a real camera sees it, so the code is read
// once it is held.
type Demo struct {
	present func() image.Image
	// Delay is when the phone is held still after Open.
	Delay time.Duration
	// Enter is how long the phone takes to come into view before that
	// (cut short when Delay is shorter).
	Enter time.Duration
	// FPS is the frame rate.
	FPS int

	mu      sync.Mutex
	started time.Time
	code    image.Image
	last    time.Time
	rng     *rand.Rand
}

// NewDemo makes the demo camera.
func NewDemo(present func() image.Image) *Demo {
	return &Demo{present: present, Delay: 1500 * time.Millisecond, Enter: 900 * time.Millisecond, FPS: 30, rng: rand.New(rand.NewPCG(1, 2))}
}

// Name implements Camera.
func (d *Demo) Name() string { return "demo" }

// Open implements Camera: it asks for the code to show this time.
func (d *Demo) Open(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.started = time.Now()
	d.code = nil
	if d.present != nil {
		d.code = d.present()
	}
	return nil
}

// Close implements Camera.
func (d *Demo) Close() error { return nil }

// Next implements Camera.
func (d *Demo) Next(ctx context.Context) (*image.Gray, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	wait := time.Until(d.last.Add(time.Second / time.Duration(d.FPS)))
	d.mu.Unlock()
	if wait > 0 {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.last = time.Now()
	return d.frame(time.Since(d.started)), nil
}

// frame paints the counter and, at time at after Open, the phone.
func (d *Demo) frame(at time.Duration) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+640]
		base := uint8(90 + y/8)
		for x := range row {
			row[x] = base
		}
	}
	enter := min(d.Enter, d.Delay)
	if d.code != nil && at >= d.Delay-enter {
		// Where the phone is: from below the frame to its place, slowing
		// down as a hand does (ease-out), then held.
		p := 1.0
		if enter > 0 && at < d.Delay {
			p = float64(at-(d.Delay-enter)) / float64(enter)
		}
		ease := 1 - (1-p)*(1-p)*(1-p)
		speed := 3 * (1 - p) * (1 - p) // d(ease)/dp: the share of the way covered per Enter
		b := d.code.Bounds()
		w, h := 240, 240*b.Dy()/b.Dx()
		if b.Dx() > 2*b.Dy() { // a barcode: wide and low
			w, h = 400, 400*b.Dy()/b.Dx()
		}
		pw, ph := w+48, h+150 // the phone: its screen round the code, a bezel, a header
		x0 := (640-w)/2 + d.rng.IntN(5) - 2
		yHeld := (480-h)/2 + 10
		y0 := 480 + 90 + int(float64(yHeld-480-90)*ease) + d.rng.IntN(5) - 2
		phone := image.Rect(x0-24-8, y0-90-8, x0-24+pw+8, y0-90+ph+8)
		draw.Draw(g, phone, image.NewUniform(color.Gray{35}), image.Point{}, draw.Src)                                       // body
		draw.Draw(g, image.Rect(x0-24, y0-90, x0+w+24, y0+h+52), image.NewUniform(color.Gray{240}), image.Point{}, draw.Src) // screen
		draw.Draw(g, image.Rect(x0-24, y0-90, x0+w+24, y0-40), image.NewUniform(color.Gray{120}), image.Point{}, draw.Src)   // the app's header
		draw.ApproxBiLinear.Scale(g, image.Rect(x0, y0, x0+w, y0+h), d.code, b, draw.Src, nil)
		if at < d.Delay && enter > 0 {
			// The distance moved in one frame: indoors a camera exposes for
			// about the whole frame.
			travel := float64(480 + 90 - yHeld)
			perFrame := travel * speed / (float64(enter) / float64(time.Second)) / float64(max(1, d.FPS))
			if blur := int(perFrame); blur > 1 {
				smear(g, phone.Intersect(g.Rect), blur)
			}
		}
	}
	for i := range g.Pix {
		n := int(g.Pix[i]) + d.rng.IntN(13) - 6
		g.Pix[i] = uint8(min(max(n, 0), 255))
	}
	return g
}

// smear blurs a region vertically over n pixels: the motion blur of a
// phone moving up during one exposure.
func smear(g *image.Gray, r image.Rectangle, n int) {
	n = min(n, 60)
	col := make([]int, r.Dy())
	for x := r.Min.X; x < r.Max.X; x++ {
		sum := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			col[y-r.Min.Y] = int(g.Pix[y*g.Stride+x])
		}
		for i := range col {
			sum += col[i]
			if i >= n {
				sum -= col[i-n]
			}
			g.Pix[(r.Min.Y+i)*g.Stride+x] = uint8(sum / min(i+1, n))
		}
	}
}
