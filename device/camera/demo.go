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

// Demo is the camera of the hardware-free demo: a 640x480 scene at 15 fps
// in which, a moment after a scan starts, the customer's code appears as a
// slightly noisy picture, so the real reader decodes it from pixels.
type Demo struct {
	present func() image.Image
	// Delay is how long the scene stays empty after Open.
	Delay time.Duration
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
	return &Demo{present: present, Delay: 1200 * time.Millisecond, FPS: 15, rng: rand.New(rand.NewPCG(1, 2))}
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
	return d.frame(time.Since(d.started) >= d.Delay), nil
}

// frame paints a counter top and, when shown, the code held up at a slight offset.
func (d *Demo) frame(show bool) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+640]
		base := uint8(90 + y/8)
		for x := range row {
			row[x] = base
		}
	}
	if show && d.code != nil {
		b := d.code.Bounds()
		side := 240
		w, h := side, side*b.Dy()/b.Dx()
		if b.Dx() > 2*b.Dy() { // a barcode: wide and low
			w, h = 440, 440*b.Dy()/b.Dx()
		}
		x0 := (640-w)/2 + d.rng.IntN(9) - 4
		y0 := (480-h)/2 + d.rng.IntN(9) - 4
		// A white phone screen around the code, as a wallet app shows it.
		draw.Draw(g, image.Rect(x0-24, y0-24, x0+w+24, y0+h+24), image.NewUniform(color.Gray{235}), image.Point{}, draw.Src)
		draw.ApproxBiLinear.Scale(g, image.Rect(x0, y0, x0+w, y0+h), d.code, b, draw.Src, nil)
	}
	for i := range g.Pix {
		n := int(g.Pix[i]) + d.rng.IntN(13) - 6
		g.Pix[i] = uint8(min(max(n, 0), 255))
	}
	return g
}
