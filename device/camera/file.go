package camera

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// File shows one image file as every frame (for tests and kiosk set-up).
type File struct {
	path  string
	frame *image.Gray
	every time.Duration
}

// NewFile reads the image once; a bad file is an error now, not at scan time.
func NewFile(path string) (*File, error) {
	g, err := LoadImage(path)
	if err != nil {
		return nil, fmt.Errorf("camera file: %w", err)
	}
	return &File{path: path, frame: g, every: time.Second / 15}, nil
}

// Name implements Camera.
func (f *File) Name() string { return "file:" + f.path }

// Open implements Camera.
func (f *File) Open(ctx context.Context) error { return nil }

// Close implements Camera.
func (f *File) Close() error { return nil }

// Next implements Camera.
func (f *File) Next(ctx context.Context) (*image.Gray, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(f.every):
	}
	out := *f.frame
	out.Pix = append([]byte(nil), f.frame.Pix...)
	return &out, nil
}

// Dir shows the newest image dropped into a folder: another program (or a
// person) can "hold up" a code by saving a picture there.
type Dir struct {
	dir     string
	every   time.Duration
	newest  string
	modTime time.Time
	frame   *image.Gray
	opened  time.Time
}

// NewDir checks that the folder exists.
func NewDir(dir string) (*Dir, error) {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, fmt.Errorf("camera dir %q: not a folder", dir)
	}
	return &Dir{dir: dir, every: time.Second / 15}, nil
}

// Name implements Camera.
func (d *Dir) Name() string { return "dir:" + d.dir }

// Open implements Camera: only images newer than the scan's start count.
func (d *Dir) Open(ctx context.Context) error {
	d.opened = time.Now()
	d.frame = nil
	return nil
}

// Close implements Camera.
func (d *Dir) Close() error { return nil }

// Next implements Camera.
func (d *Dir) Next(ctx context.Context) (*image.Gray, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(d.every):
	}
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".png" && ext != ".jpg" && ext != ".jpeg") {
			continue
		}
		info, err := e.Info()
		if err != nil || info.ModTime().Before(d.opened) || !info.ModTime().After(d.modTime) {
			continue
		}
		p := filepath.Join(d.dir, e.Name())
		if g, err := LoadImage(p); err == nil {
			d.frame, d.newest, d.modTime = g, p, info.ModTime()
		}
	}
	if d.frame == nil {
		return image.NewGray(image.Rect(0, 0, 640, 480)), nil
	}
	out := *d.frame
	out.Pix = append([]byte(nil), d.frame.Pix...)
	return &out, nil
}
