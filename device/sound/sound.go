// Package sound plays the terminal's tones, as every payment terminal
// does: a short beep when a code is read, a rising two-note chime when a
// payment is done, a low double tone for an error. Where the machine has no
// audio device (CI, Xvfb, a kiosk without speakers), or when muted, it is
// silent and never fails: a tone is a courtesy, never part of a payment.
package sound

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/ebitengine/oto/v3"
)

// Tone is what happened.
type Tone int

const (
	Read   Tone = iota // a code was read
	Done               // paid, cancelled, refunded
	Failed             // an error on screen
)

// SampleRate of the tones (mono, signed 16-bit little-endian).
const SampleRate = 44100

// note is one tone of a sound: a frequency for a while, then a pause.
type note struct {
	hz       float64
	on, rest time.Duration
}

var tones = map[Tone][]note{
	Read:   {{hz: 2000, on: 70 * time.Millisecond}},
	Done:   {{hz: 880, on: 110 * time.Millisecond, rest: 30 * time.Millisecond}, {hz: 1320, on: 180 * time.Millisecond}},
	Failed: {{hz: 330, on: 180 * time.Millisecond, rest: 80 * time.Millisecond}, {hz: 330, on: 260 * time.Millisecond}},
}

// Samples is a tone as PCM: each note a sine with a 5 ms fade in and out
// (no click), at a level that is heard without startling.
func Samples(t Tone) []byte {
	var buf bytes.Buffer
	for _, n := range tones[t] {
		on := int(n.on.Seconds() * SampleRate)
		fade := SampleRate / 200 // 5 ms
		for i := 0; i < on; i++ {
			g := 1.0
			if i < fade {
				g = float64(i) / float64(fade)
			} else if on-i < fade {
				g = float64(on-i) / float64(fade)
			}
			v := int16(0.35 * g * math.MaxInt16 * math.Sin(2*math.Pi*n.hz*float64(i)/SampleRate))
			binary.Write(&buf, binary.LittleEndian, v)
		}
		buf.Write(make([]byte, 2*int(n.rest.Seconds()*SampleRate)))
	}
	return buf.Bytes()
}

// Player plays tones, one at a time, without blocking its caller.
type Player struct {
	muted bool
	queue chan Tone

	once sync.Once
	mu   sync.Mutex // guards ctx and err, set by the player's goroutine
	ctx  *oto.Context
	err  error
}

// ErrNoAudio: the machine has no audio device that answers.
var ErrNoAudio = errors.New("no audio device")

// New makes a player; muted plays nothing. The audio device is opened on
// the first tone, in the background.
func New(muted bool) *Player {
	p := &Player{muted: muted, queue: make(chan Tone, 4)}
	if !muted {
		go p.loop()
	}
	return p
}

// Play queues a tone; one that finds the queue full is dropped (a tone
// late is worse than none).
func (p *Player) Play(t Tone) {
	if p == nil || p.muted {
		return
	}
	select {
	case p.queue <- t:
	default:
	}
}

// Err tells why the player is silent (nil while it can play, or muted).
func (p *Player) Err() error {
	if p == nil || p.muted {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *Player) loop() {
	for t := range p.queue {
		p.once.Do(p.open)
		p.mu.Lock()
		ctx := p.ctx
		p.mu.Unlock()
		if ctx == nil {
			continue // silent: no device
		}
		pl := ctx.NewPlayer(bytes.NewReader(Samples(t)))
		pl.Play()
		for pl.IsPlaying() {
			time.Sleep(10 * time.Millisecond)
		}
		pl.Close()
	}
}

// open opens the audio device once; a device that does not answer in a
// second counts as none.
func (p *Player) open() {
	type result struct {
		ctx *oto.Context
		err error
	}
	done := make(chan result, 1)
	go func() {
		ctx, ready, err := oto.NewContext(&oto.NewContextOptions{SampleRate: SampleRate, ChannelCount: 1, Format: oto.FormatSignedInt16LE})
		if err == nil {
			<-ready
			err = ctx.Err()
		}
		done <- result{ctx, err}
	}()
	select {
	case r := <-done:
		p.mu.Lock()
		defer p.mu.Unlock()
		if r.err != nil {
			p.err = errors.Join(ErrNoAudio, r.err)
			return
		}
		p.ctx = r.ctx
	case <-time.After(time.Second):
		p.mu.Lock()
		p.err = ErrNoAudio
		p.mu.Unlock()
	}
}
