//go:build linux && cgo

package camera

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"strings"
	"sync"

	"github.com/vladimirvivien/go4vl/device"
	"github.com/vladimirvivien/go4vl/v4l2"
)

// V4L2 is a USB or built-in camera through Video4Linux (go4vl). It asks for
// YUYV first (the grey plane is every second byte, no decoding) and falls
// back to MJPEG. Tested on hardware only: no camera exists in CI.
type V4L2 struct {
	dev           string
	Width, Height uint32

	mu     sync.Mutex
	d      *device.Device
	cancel context.CancelFunc
	format v4l2.FourCCType
	frame  *image.Gray
}

// newV4L2 reads "DEV" or "DEV@WxH" (640x480 or 1280x720).
func newV4L2(arg string) (Camera, error) {
	dev, size, _ := strings.Cut(arg, "@")
	if dev == "" {
		dev = "/dev/video0"
	}
	c := &V4L2{dev: dev, Width: 640, Height: 480}
	switch size {
	case "", "640x480":
	case "1280x720":
		c.Width, c.Height = 1280, 720
	default:
		return nil, fmt.Errorf("camera v4l2:%s: size must be 640x480 or 1280x720", arg)
	}
	return c, nil
}

// ListDevices lists the V4L2 devices of this machine.
func ListDevices() ([]string, error) { return device.GetAllDevicePaths() }

// Name implements Camera.
func (c *V4L2) Name() string { return "v4l2:" + c.dev }

// Open implements Camera; it is called at every scan, so an unplugged and
// re-plugged camera is found again by the next scan.
func (c *V4L2) Open(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for _, f := range []v4l2.FourCCType{v4l2.PixelFmtYUYV, v4l2.PixelFmtMJPEG} {
		c.d, err = device.Open(c.dev, device.WithPixFormat(v4l2.PixFormat{PixelFormat: f, Width: c.Width, Height: c.Height}), device.WithFPS(15))
		if err == nil {
			c.format = f
			break
		}
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrUnavailable, c.dev, err)
	}
	if pf, err := c.d.GetPixFormat(); err == nil {
		c.format, c.Width, c.Height = pf.PixelFormat, pf.Width, pf.Height
	}
	sctx, cancel := context.WithCancel(context.Background())
	if err := c.d.Start(sctx); err != nil {
		cancel()
		c.d.Close()
		return fmt.Errorf("%w: %s: %v", ErrUnavailable, c.dev, err)
	}
	c.cancel = cancel
	c.frame = image.NewGray(image.Rect(0, 0, int(c.Width), int(c.Height)))
	return nil
}

// Next implements Camera. YUYV frames are converted into one reused grey
// buffer, so streaming allocates nothing per frame.
func (c *V4L2) Next(ctx context.Context) (*image.Gray, error) {
	c.mu.Lock()
	d, frame := c.d, c.frame
	c.mu.Unlock()
	if d == nil {
		return nil, ErrUnavailable
	}
	var buf []byte
	var ok bool
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case buf, ok = <-d.GetOutput():
		if !ok {
			return nil, fmt.Errorf("%w: stream ended (unplugged?)", ErrUnavailable)
		}
	}
	// Drain to the newest frame: the latest frame wins.
	for drained := false; !drained; {
		select {
		case b, ok := <-d.GetOutput():
			if ok {
				buf = b
			} else {
				drained = true
			}
		default:
			drained = true
		}
	}
	switch c.format {
	case v4l2.PixelFmtYUYV:
		n := min(len(frame.Pix), len(buf)/2)
		for i := 0; i < n; i++ {
			frame.Pix[i] = buf[2*i]
		}
		return frame, nil
	default:
		img, err := jpeg.Decode(bytes.NewReader(buf))
		if err != nil {
			return nil, fmt.Errorf("%w: bad MJPEG frame: %v", ErrUnavailable, err)
		}
		return ToGray(img), nil
	}
}

// Close implements Camera.
func (c *V4L2) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.d == nil {
		return nil
	}
	c.cancel()
	c.d.Stop()
	err := c.d.Close()
	c.d = nil
	return err
}
