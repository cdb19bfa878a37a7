package poslink

import (
	"bytes"
	"context"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

func TestCRCCheckValue(t *testing.T) {
	if got := CRC16([]byte("123456789")); got != 0x29B1 {
		t.Fatalf("CRC-16/CCITT-FALSE(123456789) = %04X, want 29B1", got)
	}
}

// line is a pseudo-terminal pair: the terminal's session runs on the slave
// through go.bug.st/serial, the test plays the POS on the master.
type line struct {
	t       *testing.T
	master  *os.File
	sess    *Session
	mu      sync.Mutex
	got     [][]byte
	in      chan byte
	cancel  context.CancelFunc
	stopped chan struct{}
}

func newLine(t *testing.T, opt Options) *line {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	port, err := OpenSerial(slave.Name(), 115200)
	if err != nil {
		t.Fatal(err)
	}
	slave.Close()
	l := &line{t: t, master: master, in: make(chan byte, 1<<16), stopped: make(chan struct{})}
	l.sess = NewSession(opt, func(b []byte) {
		l.mu.Lock()
		l.got = append(l.got, b)
		l.mu.Unlock()
	})
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	go func() {
		defer close(l.stopped)
		go func() { <-ctx.Done(); port.Close() }()
		l.sess.Run(ctx, port)
	}()
	go func() {
		buf := make([]byte, 1024)
		for {
			n, err := master.Read(buf)
			for _, b := range buf[:n] {
				l.in <- b
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-l.stopped; master.Close() })
	return l
}

func (l *line) write(b []byte) {
	if _, err := l.master.Write(b); err != nil {
		l.t.Fatal(err)
	}
}

// next reads the next byte the terminal sent, or fails after d.
func (l *line) next(d time.Duration) (byte, bool) {
	select {
	case b := <-l.in:
		return b, true
	case <-time.After(d):
		return 0, false
	}
}

// expect fails unless the terminal's next byte is want.
func (l *line) expect(want byte) {
	l.t.Helper()
	b, ok := l.next(5 * time.Second)
	if !ok || b != want {
		l.t.Fatalf("terminal sent %#x (ok=%v), want %#x", b, ok, want)
	}
}

// readFrame reads one whole frame the terminal sent.
func (l *line) readFrame(d time.Duration) ([]byte, bool) {
	var p parser
	deadline := time.After(d)
	for {
		select {
		case b := <-l.in:
			if p.feed(b) == tokFrame {
				return append([]byte(nil), p.body()...), true
			}
		case <-deadline:
			return nil, false
		}
	}
}

func (l *line) delivered() [][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([][]byte(nil), l.got...)
}

func frame(t *testing.T, body string) []byte {
	f, err := Encode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestGoodFrameIsAckedAndDelivered(t *testing.T) {
	l := newLine(t, Options{})
	l.write(frame(t, `{"seq":1,"type":"request","id":"R1","op":"ping"}`))
	l.expect(ACK)
	waitFor(t, func() bool { return len(l.delivered()) == 1 })
}

func TestDamagedFrameIsNakedThenResendDelivered(t *testing.T) {
	l := newLine(t, Options{})
	f := frame(t, `{"seq":1,"op":"ping","id":"R1"}`)
	bad := bytes.Clone(f)
	bad[len(bad)-1] ^= 0x01 // CRC digit changed
	if bad[len(bad)-1] == f[len(f)-1] || !isHex(bad[len(bad)-1]) {
		bad[len(bad)-1] = '0' + (f[len(f)-1]-'0'+1)%10
	}
	l.write(bad)
	l.expect(NAK)
	l.write(f)
	l.expect(ACK)
	waitFor(t, func() bool { return len(l.delivered()) == 1 })
	// A frame whose body is not JSON is damaged too.
	l.write(frame(t, `not json`))
	l.expect(NAK)
	// LEN that is not hex: NAK and hunt for the next STX.
	l.write([]byte{STX, 'Z', 'Z'})
	l.expect(NAK)
	l.write(frame(t, `{"seq":2,"op":"ping","id":"R2"}`))
	l.expect(ACK)
	waitFor(t, func() bool { return len(l.delivered()) == 2 })
}

func TestNoiseBetweenFramesIsIgnored(t *testing.T) {
	l := newLine(t, Options{})
	l.write([]byte("garbage\x00\xff\x10 "))
	l.write(frame(t, `{"seq":7,"op":"ping","id":"R1"}`))
	l.expect(ACK)
	waitFor(t, func() bool { return len(l.delivered()) == 1 })
}

func TestRepeatedSeqIsDeliveredOnce(t *testing.T) {
	l := newLine(t, Options{})
	f := frame(t, `{"seq":5,"op":"ping","id":"R1"}`)
	l.write(f)
	l.expect(ACK)
	l.write(f) // the POS missed our ACK and sends again
	l.expect(ACK)
	l.write(frame(t, `{"seq":6,"op":"ping","id":"R2"}`))
	l.expect(ACK)
	waitFor(t, func() bool { return len(l.delivered()) == 2 })
	time.Sleep(100 * time.Millisecond)
	if n := len(l.delivered()); n != 2 {
		t.Fatalf("delivered %d frames, want 2", n)
	}
}

func TestStalledFrameIsDroppedWithoutAnswer(t *testing.T) {
	l := newLine(t, Options{T2: 100 * time.Millisecond})
	f := frame(t, `{"seq":1,"op":"ping","id":"R1"}`)
	l.write(f[:8])
	time.Sleep(300 * time.Millisecond)
	l.write(f[8:]) // the rest arrives too late: it is noise now
	if b, ok := l.next(300 * time.Millisecond); ok {
		t.Fatalf("terminal answered a stalled frame with %#x", b)
	}
	l.write(frame(t, `{"seq":2,"op":"ping","id":"R2"}`))
	l.expect(ACK)
	waitFor(t, func() bool { return len(l.delivered()) == 1 })
}

func TestENQIsAnsweredWithACK(t *testing.T) {
	l := newLine(t, Options{})
	l.write([]byte{ENQ})
	l.expect(ACK)
}

func TestWithheldACKGivesThreeResendsThenGivesUp(t *testing.T) {
	var states []bool
	var mu sync.Mutex
	l := newLine(t, Options{T1: 150 * time.Millisecond, OnState: func(up bool) { mu.Lock(); states = append(states, up); mu.Unlock() }})
	l.sess.Send([]byte(`{"type":"event","id":"R1","event":"accepted"}`))
	var bodies [][]byte
	for {
		b, ok := l.readFrame(time.Second)
		if !ok {
			break
		}
		bodies = append(bodies, b)
	}
	if len(bodies) != 4 {
		t.Fatalf("frame sent %d times, want 4", len(bodies))
	}
	for _, b := range bodies[1:] {
		if !bytes.Equal(b, bodies[0]) {
			t.Fatalf("a resend differs: %s vs %s", b, bodies[0])
		}
	}
	if !bytes.HasPrefix(bodies[0], []byte(`{"seq":1,`)) {
		t.Errorf("body = %s", bodies[0])
	}
	// The next frame is ACKed: the link is up again, with the next seq.
	l.sess.Send([]byte(`{"type":"event","id":"R1","event":"processing"}`))
	b, ok := l.readFrame(5 * time.Second)
	if !ok || !bytes.HasPrefix(b, []byte(`{"seq":2,`)) {
		t.Fatalf("second frame %s %v", b, ok)
	}
	l.write([]byte{ACK})
	waitFor(t, func() bool { return l.sess.Up() })
}

func TestNAKGetsAResend(t *testing.T) {
	l := newLine(t, Options{})
	l.sess.Send([]byte(`{"type":"event","id":"R1","event":"accepted"}`))
	first, ok := l.readFrame(5 * time.Second)
	if !ok {
		t.Fatal("no frame")
	}
	l.write([]byte{NAK})
	again, ok := l.readFrame(5 * time.Second)
	if !ok || !bytes.Equal(first, again) {
		t.Fatalf("resend %s, want %s", again, first)
	}
	l.write([]byte{ACK})
	waitFor(t, func() bool { return l.sess.Up() })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var _ io.ReadWriter = (*os.File)(nil)

// A POS that restarts numbers its frames from 1 again: its first request
// must not be taken for a resend of the last session's frame 1.
func TestRestartedPOSFirstFrameIsDelivered(t *testing.T) {
	l := newLine(t, Options{})
	l.write(frame(t, `{"seq":1,"type":"request","id":"A1","op":"ping"}`))
	l.expect(ACK)
	// The POS restarts and sends seq 1 again, with another request.
	l.write(frame(t, `{"seq":1,"type":"request","id":"B1","op":"ping"}`))
	l.expect(ACK)
	waitFor(t, func() bool { return len(l.delivered()) == 2 })
}

// ENQ starts the POS's session afresh: even the very same frame that
// follows it is new.
func TestENQStartsThePeerAfresh(t *testing.T) {
	l := newLine(t, Options{})
	f := frame(t, `{"seq":1,"type":"request","id":"A1","op":"ping"}`)
	l.write(f)
	l.expect(ACK)
	l.write([]byte{ENQ})
	l.expect(ACK)
	l.write(f)
	l.expect(ACK)
	waitFor(t, func() bool { return len(l.delivered()) == 2 })
}

// An identical frame long after the resend window is a new sending (a POS
// restarted and replaying its journal), not a resend.
func TestSameFrameAfterTheResendWindowIsDelivered(t *testing.T) {
	l := newLine(t, Options{T1: 20 * time.Millisecond, T2: 10 * time.Millisecond})
	f := frame(t, `{"seq":3,"type":"request","id":"A1","op":"ping"}`)
	l.write(f)
	l.expect(ACK)
	l.write(f) // at once: a resend
	l.expect(ACK)
	time.Sleep(l.sess.dupWindow() + 50*time.Millisecond)
	l.write(f)
	l.expect(ACK)
	waitFor(t, func() bool { return len(l.delivered()) == 2 })
	time.Sleep(100 * time.Millisecond)
	if n := len(l.delivered()); n != 2 {
		t.Fatalf("delivered %d, want 2", n)
	}
}

// Bodies that are not one JSON object in valid UTF-8 are NAKed and never
// reach the terminal.
func TestNonObjectOrInvalidUTF8BodyIsNaked(t *testing.T) {
	l := newLine(t, Options{})
	for _, body := range []string{`null`, ` null `, `[1,2]`, `"x"`, `3`, "{\"id\":\"\xff\xfe\",\"op\":\"ping\",\"seq\":1}"} {
		l.write(frame(t, body))
		l.expect(NAK)
	}
	l.write(frame(t, `{"seq":9,"type":"request","id":"R9","op":"ping"}`))
	l.expect(ACK)
	waitFor(t, func() bool { return len(l.delivered()) == 1 })
}
