package printer

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.bug.st/serial"
)

// Spec is where the printer is: "none", "demo" (the demo's virtual
// printer), "serial:/dev/ttyUSB1@38400", "usb:/dev/usb/lp0" or
// "tcp:192.168.0.50:9100".
type Spec struct {
	Kind string // none, demo, serial, usb, tcp
	Path string // serial device, USB device, or host:port
	Baud int
}

// ParseSpec reads a [printer] device value; the error names what is wrong.
func ParseSpec(s string) (Spec, error) {
	switch s {
	case "", "none":
		return Spec{Kind: "none"}, nil
	case "demo":
		return Spec{Kind: "demo"}, nil
	}
	kind, rest, ok := strings.Cut(s, ":")
	if !ok || rest == "" {
		return Spec{}, fmt.Errorf("printer %q: serial:DEV@BAUD, usb:DEV, tcp:HOST:PORT, demo or none", s)
	}
	switch kind {
	case "serial":
		path, baud, _ := strings.Cut(rest, "@")
		b := 9600
		if baud != "" {
			n, err := strconv.Atoi(baud)
			if err != nil || (n != 9600 && n != 19200 && n != 38400 && n != 57600 && n != 115200) {
				return Spec{}, fmt.Errorf("printer %q: baud %q: one of 9600, 19200, 38400, 57600, 115200", s, baud)
			}
			b = n
		}
		return Spec{Kind: kind, Path: path, Baud: b}, nil
	case "usb":
		return Spec{Kind: kind, Path: rest}, nil
	case "tcp":
		if _, port, err := net.SplitHostPort(rest); err != nil || port == "" {
			return Spec{}, fmt.Errorf("printer %q: tcp:HOST:PORT (raw printing is port 9100)", s)
		}
		return Spec{Kind: kind, Path: rest}, nil
	}
	return Spec{}, fmt.Errorf("printer %q: serial:DEV@BAUD, usb:DEV, tcp:HOST:PORT, demo or none", s)
}

// String is the spec as written in the config.
func (s Spec) String() string {
	switch s.Kind {
	case "serial":
		return fmt.Sprintf("serial:%s@%d", s.Path, s.Baud)
	case "usb", "tcp":
		return s.Kind + ":" + s.Path
	}
	return s.Kind
}

// Open connects to the printer.
func (s Spec) Open() (io.ReadWriteCloser, error) {
	switch s.Kind {
	case "serial":
		p, err := serial.Open(s.Path, &serial.Mode{BaudRate: s.Baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
		if err != nil {
			return nil, fmt.Errorf("printer %s: %w", s, err)
		}
		// Printers take DTR/DSR flow control; a pseudo-terminal has none.
		if err := p.SetDTR(true); err != nil && !errors.Is(err, syscall.ENOTTY) {
			p.Close()
			return nil, fmt.Errorf("printer %s: %w", s, err)
		}
		return p, nil
	case "usb":
		f, err := os.OpenFile(s.Path, os.O_RDWR, 0)
		if err != nil {
			return nil, fmt.Errorf("printer %s: %w", s, err)
		}
		return f, nil
	case "tcp":
		c, err := net.DialTimeout("tcp", s.Path, 3*time.Second)
		if err != nil {
			return nil, fmt.Errorf("printer %s: %w", s, err)
		}
		return c, nil
	}
	return nil, fmt.Errorf("printer %s: nothing to open", s)
}

// ErrNoAnswer: the printer did not answer the status request in time
// (switched off, unplugged, or not an ESC/POS printer).
var ErrNoAnswer = errors.New("the printer does not answer")

// NotReady is a printer that answered but cannot print now.
type NotReady struct{ Status Status }

func (e *NotReady) Error() string { return "the printer is not ready: " + e.Status.Problem() }

// Printer sends jobs to one printer. It asks the printer's status before
// each job and sends the job only to a printer that is ready; any I/O
// error closes the connection, and the next call opens it again (a printer
// switched off, unplugged or restarted comes back by itself).
type Printer struct {
	open func() (io.ReadWriteCloser, error)
	// Timeout is how long a status answer may take.
	Timeout time.Duration

	mu      sync.Mutex
	conn    io.ReadWriteCloser
	answers chan byte
	readErr chan error
}

// New drives the printer at spec.
func New(spec Spec) *Printer { return NewWith(spec.Open) }

// NewWith drives a printer reached by open (tests, virtual printers).
func NewWith(open func() (io.ReadWriteCloser, error)) *Printer {
	return &Printer{open: open, Timeout: 2 * time.Second}
}

// connect opens the connection and starts reading what the printer says.
func (p *Printer) connect() error {
	if p.conn != nil {
		return nil
	}
	c, err := p.open()
	if err != nil {
		return err
	}
	p.conn, p.answers, p.readErr = c, make(chan byte, 64), make(chan error, 1)
	go func(c io.Reader, answers chan<- byte, errs chan<- error) {
		buf := make([]byte, 64)
		for {
			n, err := c.Read(buf)
			for _, b := range buf[:n] {
				select {
				case answers <- b:
				default: // nobody asked: a stray byte
				}
			}
			if err != nil {
				errs <- err
				return
			}
		}
	}(c, p.answers, p.readErr)
	return nil
}

// drop closes a connection that failed.
func (p *Printer) drop() {
	if p.conn != nil {
		p.conn.Close()
		p.conn = nil
	}
}

// Status asks the printer how it is.
func (p *Printer) Status() (Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status()
}

func (p *Printer) status() (Status, error) {
	if err := p.connect(); err != nil {
		return Status{}, err
	}
	for len(p.answers) > 0 { // what a reset or an earlier time-out left
		<-p.answers
	}
	if _, err := p.conn.Write(StatusRequest); err != nil {
		p.drop()
		return Status{}, fmt.Errorf("printer: %w", err)
	}
	var b [3]byte
	deadline := time.After(p.Timeout)
	for i := 0; i < 3; i++ {
		select {
		case b[i] = <-p.answers:
		case err := <-p.readErr:
			p.drop()
			return Status{}, fmt.Errorf("printer: %w", err)
		case <-deadline:
			p.drop()
			return Status{}, ErrNoAnswer
		}
	}
	return ParseStatus(b), nil
}

// Print sends a job to a printer that says it is ready: a job is never
// sent into a printer with its cover open or out of paper, where half of
// it would be lost.
func (p *Printer) Print(job []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	st, err := p.status()
	if err != nil {
		return err
	}
	if !st.Ready() {
		return &NotReady{Status: st}
	}
	if _, err := p.conn.Write(job); err != nil {
		p.drop()
		return fmt.Errorf("printer: %w", err)
	}
	// Asked again after the job: paper that ran out or a cover opened
	// during it means part of the slip may be missing, so the job counts
	// as not printed and is printed again whole (a slip twice, never none).
	st, err = p.status()
	if err != nil {
		return err
	}
	if !st.Ready() {
		return &NotReady{Status: st}
	}
	return nil
}

// Close closes the connection.
func (p *Printer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drop()
	return nil
}
