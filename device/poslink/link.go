package poslink

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Timing of the link rules (pos-link.md section 3).
const (
	DefaultT1      = 1000 * time.Millisecond // wait for ACK/NAK
	DefaultT2      = 500 * time.Millisecond  // largest gap inside a frame
	DefaultResends = 3                       // 4 sendings in all
)

// ErrGivenUp means a frame was sent 4 times without an ACK.
var ErrGivenUp = errors.New("poslink: frame given up after 4 sendings")

// Options tune a link; the zero value means the protocol's values.
type Options struct {
	T1, T2  time.Duration
	Resends int
	// OnState is told when the link goes up (a frame or ENQ was ACKed)
	// or down (a frame was given up, or the line was lost).
	OnState func(up bool)
	// OnDrop is told of a queued body that cannot be sent at all (over
	// MaxBody): it is never dropped without a word.
	OnDrop func(body []byte, err error)
}

// Session is one side of the protocol. It outlives the port: when the
// line is lost and re-opened, queued messages and sequence numbers carry on.
type Session struct {
	opt     Options
	deliver func([]byte)

	qmu   sync.Mutex
	queue [][]byte
	qcond chan struct{}

	outSeq int64
	// lastIn is the last frame delivered from the peer: a frame is a resend
	// of it only when its seq and its body are the same and it comes within
	// the time a resend can take (dupWindow). A POS that restarts numbers
	// from 1 again, so an equal seq alone proves nothing.
	inMu   sync.Mutex
	lastIn lastFrame
	up     atomic.Bool
}

type lastFrame struct {
	seq  int64
	sum  [sha256.Size]byte
	at   time.Time
	have bool
}

// dupWindow is how long after a delivered frame an identical one counts as
// its resend: the four sendings of rule 3, each waiting T1 and stretched by
// T2 while the other side's frame is arriving, with a margin.
func (s *Session) dupWindow() time.Duration {
	return time.Duration(s.opt.Resends+1) * (s.opt.T1 + s.opt.T2) * 2
}

// isResend tells whether body (with seq) repeats the frame delivered last,
// and if not, remembers it as the last one.
func (s *Session) isResend(seq int64, body []byte, now time.Time) bool {
	sum := sha256.Sum256(body)
	s.inMu.Lock()
	defer s.inMu.Unlock()
	l := s.lastIn
	if l.have && l.seq == seq && l.sum == sum && now.Sub(l.at) < s.dupWindow() {
		return true
	}
	s.lastIn = lastFrame{seq: seq, sum: sum, at: now, have: true}
	return false
}

// forgetPeer starts the peer's session afresh: an ENQ is how a POS that
// has just started (or lost track) announces itself.
func (s *Session) forgetPeer() {
	s.inMu.Lock()
	s.lastIn = lastFrame{}
	s.inMu.Unlock()
}

// NewSession makes a session; deliver gets every new frame's body once, in
// order, on one goroutine.
func NewSession(opt Options, deliver func(body []byte)) *Session {
	if opt.T1 == 0 {
		opt.T1 = DefaultT1
	}
	if opt.T2 == 0 {
		opt.T2 = DefaultT2
	}
	if opt.Resends == 0 {
		opt.Resends = DefaultResends
	}
	return &Session{opt: opt, deliver: deliver, qcond: make(chan struct{}, 1)}
}

// Send queues a JSON object for the peer; the session puts its seq in.
// It never blocks.
func (s *Session) Send(body []byte) {
	s.qmu.Lock()
	s.queue = append(s.queue, body)
	s.qmu.Unlock()
	select {
	case s.qcond <- struct{}{}:
	default:
	}
}

// Up tells whether the last frame sent was ACKed.
func (s *Session) Up() bool { return s.up.Load() }

func (s *Session) setUp(up bool) {
	if s.up.Swap(up) != up && s.opt.OnState != nil {
		s.opt.OnState(up)
	}
}

func (s *Session) next(ctx context.Context) ([]byte, bool) {
	for {
		s.qmu.Lock()
		if len(s.queue) > 0 {
			b := s.queue[0]
			s.queue = s.queue[1:]
			s.qmu.Unlock()
			return b, true
		}
		s.qmu.Unlock()
		select {
		case <-ctx.Done():
			return nil, false
		case <-s.qcond:
		}
	}
}

// withSeq puts "seq":n first in a JSON object.
func withSeq(body []byte, seq int64) []byte {
	body = bytes.TrimSpace(body)
	var b bytes.Buffer
	b.WriteString(`{"seq":`)
	b.WriteString(itoa(seq))
	if len(body) > 2 {
		b.WriteByte(',')
	}
	b.Write(body[1:])
	return b.Bytes()
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// Run speaks the protocol over rw until ctx ends or rw fails (the port was
// lost); then it returns, and a new Run may start on a re-opened port.
func (s *Session) Run(ctx context.Context, rw io.ReadWriter) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c := &conn{s: s, w: rw, ctrl: make(chan token, 8), bodies: make(chan []byte, 64)}
	errc := make(chan error, 2)
	go func() { errc <- c.readLoop(ctx, rw) }()
	go c.sendLoop(ctx)
	go c.deliverLoop(ctx)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case err := <-errc:
		s.setUp(false)
		return err
	}
}

// conn is one Run: one opened port.
type conn struct {
	s      *Session
	w      io.Writer
	wmu    sync.Mutex
	ctrl   chan token // ACK and NAK for the sender
	bodies chan []byte
	// lastByte is when the last byte of a partial frame arrived (0: none).
	lastByte atomic.Int64
}

// write sends whole frames or single control bytes, so that a control byte
// never lands inside a frame.
func (c *conn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.w.Write(b)
	return err
}

// receiving tells whether a frame from the peer is arriving now (T1 pauses).
func (c *conn) receiving() bool {
	t := c.lastByte.Load()
	return t != 0 && time.Since(time.Unix(0, t)) < c.s.opt.T2
}

func (c *conn) readLoop(ctx context.Context, r io.Reader) error {
	var p parser
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		now := time.Now()
		for _, b := range buf[:n] {
			// T2: a frame that stalled is dropped without an answer.
			if p.inFrame() && now.Sub(time.Unix(0, c.lastByte.Load())) > c.s.opt.T2 {
				p.reset()
			}
			tok := p.feed(b)
			if p.inFrame() {
				c.lastByte.Store(now.UnixNano())
			} else {
				c.lastByte.Store(0)
			}
			switch tok {
			case tokFrame:
				c.write([]byte{ACK})
				body := append([]byte(nil), p.body()...)
				var hdr struct {
					Seq *int64 `json:"seq"`
				}
				json.Unmarshal(body, &hdr)
				if hdr.Seq != nil && c.s.isResend(*hdr.Seq, body, now) {
					continue // a resend of a frame already delivered
				}
				select {
				case c.bodies <- body:
				case <-ctx.Done():
					return ctx.Err()
				}
			case tokBad:
				c.write([]byte{NAK})
			case tokENQ:
				c.s.forgetPeer()
				c.write([]byte{ACK})
			case tokACK, tokNAK:
				select {
				case c.ctrl <- tok:
				default:
				}
			}
		}
		if err != nil {
			return err
		}
	}
}

func (c *conn) deliverLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-c.bodies:
			c.s.deliver(b)
		}
	}
}

func (c *conn) sendLoop(ctx context.Context) {
	for {
		body, ok := c.s.next(ctx)
		if !ok {
			return
		}
		c.s.outSeq = c.s.outSeq%999999 + 1
		frame, err := Encode(withSeq(body, c.s.outSeq))
		if err != nil {
			if c.s.opt.OnDrop != nil {
				c.s.opt.OnDrop(body, err)
			}
			continue
		}
		if err := c.sendFrame(ctx, frame); err != nil && ctx.Err() != nil {
			return
		}
	}
}

// sendFrame is stop-and-wait: send, wait for ACK, resend on NAK or T1.
func (c *conn) sendFrame(ctx context.Context, frame []byte) error {
	for {
		select {
		case <-c.ctrl: // a stale ACK/NAK must not answer this frame
		default:
			goto drained
		}
	}
drained:
	for sending := 0; sending <= c.s.opt.Resends; sending++ {
		if err := c.write(frame); err != nil {
			return err
		}
		timer := time.NewTimer(c.s.opt.T1)
	wait:
		for {
			select {
			case <-ctx.Done():
				timer.Stop()
				return ctx.Err()
			case tok := <-c.ctrl:
				if tok == tokACK {
					timer.Stop()
					c.s.setUp(true)
					return nil
				}
				timer.Stop()
				break wait // NAK: send again
			case <-timer.C:
				if c.receiving() {
					timer.Reset(c.s.opt.T2)
					continue
				}
				break wait
			}
		}
	}
	c.s.setUp(false)
	return ErrGivenUp
}
