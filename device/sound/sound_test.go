package sound

import (
	"encoding/binary"
	"testing"
	"time"
)

// Each tone is as long as its notes and rests, and each note is at its
// frequency (counted by zero crossings).
func TestTonesHaveTheirLengthAndPitch(t *testing.T) {
	for tone, notes := range tones {
		b := Samples(tone)
		var want time.Duration
		for _, n := range notes {
			want += n.on + n.rest
		}
		if got := time.Duration(len(b)/2) * time.Second / SampleRate; got < want-time.Millisecond || got > want+time.Millisecond {
			t.Errorf("tone %d lasts %v, want %v", tone, got, want)
		}
		n := notes[0]
		samples := int(n.on.Seconds() * SampleRate)
		crossings := 0
		prev := int16(0)
		for i := 0; i < samples; i++ {
			v := int16(binary.LittleEndian.Uint16(b[2*i:]))
			if (v >= 0) != (prev >= 0) {
				crossings++
			}
			prev = v
		}
		hz := float64(crossings) / 2 / n.on.Seconds()
		if hz < n.hz*0.95 || hz > n.hz*1.05 {
			t.Errorf("tone %d: %.0f Hz, want %.0f", tone, hz, n.hz)
		}
	}
	if Samples(Read)[0] != 0 || Samples(Read)[1] != 0 {
		t.Error("a tone starts with a click")
	}
}

// Muted, or on a machine with no audio device (CI, Xvfb): playing never
// blocks, never fails, and says why it is silent.
func TestSilentWithoutADevice(t *testing.T) {
	muted := New(true)
	muted.Play(Done)
	if muted.Err() != nil {
		t.Fatal("a muted player reports an error")
	}
	var nilPlayer *Player
	nilPlayer.Play(Read)
	p := New(false)
	start := time.Now()
	for i := 0; i < 10; i++ {
		p.Play(Tone(i % 3))
	}
	if el := time.Since(start); el > 50*time.Millisecond {
		t.Fatalf("Play blocked for %v", el)
	}
	time.Sleep(1500 * time.Millisecond) // the device is opened, or found missing
	t.Logf("audio here: %v", p.Err())
}
