package codes

import (
	"fmt"
	"image"
	"image/draw"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"codepay/device/codes/codestest"
)

func inverted(g *image.Gray) *image.Gray {
	out := image.NewGray(g.Rect)
	for i, v := range g.Pix {
		out.Pix[i] = 255 - v
	}
	return out
}

// A phone in dark mode shows its code light on dark. Every photo that reads
// must read as well inverted, with the same text; the photos without a
// code stay without one.
func TestInvertedCodesReadAsWellAsNormalOnes(t *testing.T) {
	r := NewReader()
	for _, set := range []string{"qrcode-1", "qrcode-2", "qrcode-3", "qrcode-4", "qrcode-5", "qrcode-6", "falsepositives-2"} {
		imgs, files := loadSet(t, set)
		normal, inv := 0, 0
		for i, g := range imgs {
			want, _ := os.ReadFile(strings.TrimSuffix(files[i], ".png") + ".txt")
			a, errA := r.Decode(g)
			b, errB := r.Decode(inverted(g))
			if errA == nil && a.Text == string(want) {
				normal++
			}
			if errB == nil && b.Text == string(want) {
				inv++
			}
			if errB == nil && b.Text != string(want) {
				t.Errorf("%s inverted: wrong text %q", files[i], b.Text)
			}
		}
		t.Logf("%s: %d normal, %d inverted, of %d", set, normal, inv, len(imgs))
		if len(imgs) > 0 && !strings.HasPrefix(set, "falsepositives") {
			codestest.Record(t.Name(), "testdata/codes/"+set+" inverted (light on dark)", inv, len(imgs), normal)
		}
		if inv < normal {
			t.Errorf("%s: inverted %d < normal %d", set, inv, normal)
		}
	}
}

// Generated codes in dark mode: clean, and at 2 px a module.
func TestInvertedGeneratedCodes(t *testing.T) {
	r := NewReader()
	for _, text := range []string{"900081818800123456789012", EncodeJPQR("31589921", "3158992100123456789")} {
		img, err := Encode(text, QR, 300)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := r.Decode(inverted(img)); err != nil || res.Text != text {
			t.Errorf("%q inverted: %v %q", text, err, res.Text)
		}
	}
}

// On a camera stream the polarities take turns: a code of either kind is
// read within two frames, and an empty frame costs one pass.
func TestStreamReadsBothPolaritiesWithinTwoFrames(t *testing.T) {
	frames, want := synthSet(t, 640, 480)
	r := NewReader()
	r.Stream = true
	for i, f := range frames {
		if want[i] == "" {
			continue
		}
		single := NewReader()
		if res, err := single.Decode(f); err != nil || res.Text != want[i] {
			continue // not read as a still either: not this test's business
		}
		for _, img := range []*image.Gray{f, inverted(f)} {
			got := ""
			for n := 0; n < 2 && got == ""; n++ {
				if res, err := r.Decode(img); err == nil {
					got = res.Text
				}
			}
			if got != want[i] {
				t.Errorf("frame %d: %q within two frames, want %q", i, got, want[i])
			}
		}
	}
}

// On a machine so slow that the fast pass alone spends a frame's budget,
// a code that needs a retry is still read within a few frames: each frame
// runs at least one retry stage, starting where the last one stopped.
func TestSlowMachineStillReadsCodesThatNeedRetries(t *testing.T) {
	frames, want := synthSet(t, 640, 480)
	// Wallet codes held up as the demo camera shows them: JPQR payloads,
	// some of which the fast pass misses on a noisy frame.
	rng := rand.New(rand.NewPCG(21, 4))
	for i := 0; i < 24; i++ {
		text := EncodeJPQR("31589921", fmt.Sprintf("3158992100%09d", rng.IntN(1e9)))
		s := synthFrame{w: 640, h: 480, text: text, format: QR, angle: float64(rng.IntN(60) - 30), blur: 1 + i%3, noise: 8 + i%3*6}
		f, err := s.make(rng)
		if err != nil {
			t.Fatal(err)
		}
		frames, want = append(frames, f), append(want, text)
	}
	slow := NewReader()
	slow.Stream = true
	slow.Budget = time.Nanosecond // always late
	checked := 0
	for i, f := range frames {
		if want[i] == "" {
			continue
		}
		still := NewReader()
		if res, err := still.Decode(f); err != nil || res.Text != want[i] {
			continue
		}
		got := ""
		for n := 0; n < 16 && got == ""; n++ {
			if res, err := slow.Decode(f); err == nil {
				got = res.Text
			}
		}
		if got != want[i] {
			t.Errorf("frame %d: not read within 16 frames on a slow machine (read %q)", i, got)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no frame checked")
	}
}

// While one polarity's frames show a code's three finder patterns, the
// other polarity's frames skip the search for a distant code (the tail of
// a camera's frames with a code); once that code is gone the search is
// back: a distant dark-mode wallet code, held up after an ordinary code
// was read, is read within sixteen frames (eight of its polarity, as
// TestSmallCodesAt2PxAModuleAreRead's within eight).
func TestDistantCodeAfterACodeOfTheOtherPolarity(t *testing.T) {
	frames, want := synthSet(t, 640, 480)
	rng := rand.New(rand.NewPCG(8, 13))
	read, checked := 0, 0
	for i, f := range frames {
		if want[i] == "" {
			continue
		}
		r := NewReader()
		r.Stream = true
		for range 4 {
			r.Decode(f) // an ordinary code in view
		}
		if r.seen[0] < 3 {
			continue // its patterns not seen: not this test's business
		}
		text := fmt.Sprintf("9000818188%014d", rng.IntN(1e12))
		small := inverted(smallFrame(t, text, 2, 0, rng))
		within := func(r *Reader) bool {
			for n := 0; n < 16; n++ {
				if res, err := r.Decode(small); err == nil && res.Text == text {
					return true
				}
			}
			return false
		}
		fresh := NewReader()
		fresh.Stream = true
		if !within(fresh) {
			continue // not read on a stream from the start either
		}
		checked++
		if within(r) {
			read++
		} else {
			t.Errorf("frame %d: a dark-mode wallet code at 2 px a module after it: not read within sixteen frames", i)
		}
	}
	if checked == 0 {
		t.Fatal("no frame checked")
	}
	t.Logf("%d of %d read", read, checked)
}

// On a machine so slow that every frame is past its hard line, a
// barcode is still read in the fast pass: its 15 rows are not cut short.
func TestSlowMachineStillReadsBarcodes(t *testing.T) {
	text := "900081818800123456789012"
	bar, err := Encode(text, Code128, 400)
	if err != nil {
		t.Fatal(err)
	}
	frame := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range frame.Pix {
		frame.Pix[i] = 255
	}
	draw.Draw(frame, bar.Rect.Add(image.Pt(100, 150)), bar, image.Point{}, draw.Src)
	slow := NewReader()
	slow.Stream = true
	slow.Budget = time.Nanosecond // always late
	if res, err := slow.Decode(frame); err != nil || res.Text != text {
		t.Fatalf("read %q, %v; want %q", res.Text, err, text)
	}
}
