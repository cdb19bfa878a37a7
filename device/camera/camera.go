// Package camera gives the terminal grey frames from a camera or from one
// of its stand-ins (a demo scene, an image file, a folder of images).
package camera

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // stand-in sources read JPEG and PNG files
	_ "image/png"
	"os"
	"strings"
)

// Camera is a frame source. Next blocks until the next frame; a source
// that produces faster than the reader decodes drops frames, so the newest
// frame always wins and nothing queues up.
type Camera interface {
	// Open starts streaming (a scan begins).
	Open(ctx context.Context) error
	// Next returns the next frame. The frame is the caller's until the
	// next call.
	Next(ctx context.Context) (*image.Gray, error)
	// Close stops streaming (the scan ends).
	Close() error
	// Name describes the source for the status bar and logs.
	Name() string
}

// ErrUnavailable means the camera could not be opened or stopped delivering.
var ErrUnavailable = errors.New("camera unavailable")

// New makes a camera from a source string: v4l2:DEV, dir:PATH, file:PATH or demo.
// The demo source shows what present returns (nil: an empty scene).
func New(source string, present func() image.Image) (Camera, error) {
	kind, arg, _ := strings.Cut(source, ":")
	switch kind {
	case "demo":
		return NewDemo(present), nil
	case "file":
		return NewFile(arg)
	case "dir":
		return NewDir(arg)
	case "v4l2":
		return newV4L2(arg)
	}
	return nil, fmt.Errorf("camera source %q: want v4l2:DEV, dir:PATH, file:PATH or demo", source)
}

// ToGray converts any image to a grey frame with its origin at 0,0.
func ToGray(img image.Image) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Rect, img, b.Min, draw.Src)
	return g
}

// LoadImage reads a PNG or JPEG file as a grey frame.
func LoadImage(path string) (*image.Gray, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ToGray(img), nil
}
