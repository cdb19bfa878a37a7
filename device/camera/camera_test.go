package camera

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"codepay/device/codes"
)

func writePNG(t *testing.T, path string, v uint8) {
	g := image.NewGray(image.Rect(0, 0, 64, 48))
	for i := range g.Pix {
		g.Pix[i] = v
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	png.Encode(f, g)
	f.Close()
}

func TestSources(t *testing.T) {
	if _, err := New("webcam", nil); err == nil {
		t.Error("an unknown source was accepted")
	}
	if _, err := New("file:/no/such.png", nil); err == nil {
		t.Error("a missing file was accepted")
	}
	bad := filepath.Join(t.TempDir(), "bad.png")
	os.WriteFile(bad, []byte("not an image"), 0o600)
	if _, err := New("file:"+bad, nil); err == nil {
		t.Error("a corrupt image was accepted")
	}
	if _, err := New("dir:/no/such/dir", nil); err == nil {
		t.Error("a missing folder was accepted")
	}
}

func TestDirShowsTheNewestImageDroppedAfterOpen(t *testing.T) {
	dir := t.TempDir()
	writePNG(t, filepath.Join(dir, "old.png"), 10)
	d, err := NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	time.Sleep(20 * time.Millisecond)
	d.Open(ctx)
	f, err := d.Next(ctx)
	if err != nil || f.Pix[0] != 0 {
		t.Fatalf("before a new image: %v %v", f.Pix[0], err)
	}
	time.Sleep(20 * time.Millisecond)
	writePNG(t, filepath.Join(dir, "new.png"), 200)
	f, err = d.Next(ctx)
	if err != nil || f.At(0, 0) != (color.Gray{200}) {
		t.Fatalf("new image not shown: %v %v", f.At(0, 0), err)
	}
}

func TestDemoShowsTheCodeAfterTheDelay(t *testing.T) {
	code := image.NewGray(image.Rect(0, 0, 100, 100)) // all black
	d := NewDemo(func() image.Image { return code })
	d.Delay, d.FPS = 100*time.Millisecond, 60
	ctx := context.Background()
	d.Open(ctx)
	f, _ := d.Next(ctx)
	if f.Rect.Dx() != 640 || f.Rect.Dy() != 480 || f.Pix[240*640+320] < 40 {
		t.Fatalf("empty scene expected first: %v %d", f.Rect, f.Pix[240*640+320])
	}
	time.Sleep(120 * time.Millisecond)
	f, _ = d.Next(ctx)
	if f.Pix[240*640+320] > 20 {
		t.Fatalf("the code did not appear: %d", f.Pix[240*640+320])
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := d.Next(cctx); err == nil {
		t.Error("Next ignored a cancelled context")
	}
}

// The demo tells the story at frame rate: the phone comes into view from
// below (seen, blurred by its motion, not yet readable), then is held and
// its code is read by the real reader.
func TestDemoPhoneComesIntoViewThenIsRead(t *testing.T) {
	text := "900081818800123456789012"
	img, err := codes.Encode(text, codes.QR, 300)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDemo(func() image.Image { return img })
	d.Open(context.Background())
	r := codes.NewReader()
	frames := int((d.Delay + 500*time.Millisecond) * time.Duration(d.FPS) / time.Second)
	seen, readAt, movingFrames := -1, -1, 0
	for i := 0; i < frames; i++ {
		at := time.Duration(i) * time.Second / time.Duration(d.FPS)
		f := d.frame(at)
		dark := 0
		for _, v := range f.Pix {
			if v < 60 {
				dark++
			}
		}
		if dark > 500 && seen < 0 {
			seen = i // the phone's body is in view
		}
		if res, err := r.Decode(f); err == nil {
			if res.Text != text {
				t.Fatalf("frame %d read %q", i, res.Text)
			}
			if readAt < 0 {
				readAt = i
			}
		} else if seen >= 0 && readAt < 0 {
			movingFrames++
		}
	}
	if seen < 0 || readAt < 0 {
		t.Fatalf("phone seen at frame %d, read at %d", seen, readAt)
	}
	// At 30 fps a viewer needs a few frames to see a phone arrive.
	if movingFrames < 6 || readAt <= seen {
		t.Errorf("the phone is on screen %d frames before its code is read (seen %d, read %d)", movingFrames, seen, readAt)
	}
	if at := time.Duration(readAt) * time.Second / time.Duration(d.FPS); at > d.Delay+100*time.Millisecond {
		t.Errorf("read only at %v, the phone is held from %v", at, d.Delay)
	}
}
