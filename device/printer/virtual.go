package printer

import (
	"io"
	"net"
	"sync"
)

// Virtual is a printer in software: it decodes the ESC/POS it is sent as a
// printer would, answers status requests with its Status, and hands each
// page to OnPage when it is cut. The demo shows its pages as a paper roll
// and `codepay printersim` saves them: both show what a printer would print
// from the same bytes.
type Virtual struct {
	mu     sync.Mutex
	status Status
	// OnPage gets each cut page (on the goroutine that wrote it).
	OnPage func(Page)
	// Silent makes it answer nothing (a printer switched off).
	silent bool
	// lost counts pages sent while it could not print them.
	lost int
}

// Lost counts the pages sent to it while it could not print them (out of
// paper, cover open): on a real printer those are gone.
func (v *Virtual) Lost() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.lost
}

// SetStatus sets what the printer answers from now on.
func (v *Virtual) SetStatus(s Status) {
	v.mu.Lock()
	v.status = s
	v.mu.Unlock()
}

// SetSilent makes the printer answer nothing (or answer again).
func (v *Virtual) SetSilent(on bool) {
	v.mu.Lock()
	v.silent = on
	v.mu.Unlock()
}

// answer is the status byte for DLE EOT n ("" when silent).
func (v *Virtual) answer(n byte) (byte, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.silent {
		return 0, false
	}
	b := StatusBytes(v.status)
	switch n {
	case 1:
		return b[0], true
	case 2:
		return b[1], true
	case 4:
		return b[2], true
	}
	return 0x12, true
}

// paperOK tells whether what is sent now reaches the paper.
func (v *Virtual) paperOK() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.status.Ready()
}

// Serve is one connection to the printer: what is read from rw is printed,
// and status answers are written back to it, until rw ends.
func (v *Virtual) Serve(rw io.ReadWriter) error {
	var wmu sync.Mutex
	d := &Decoder{
		OnStatus: func(n byte) {
			if b, ok := v.answer(n); ok {
				wmu.Lock()
				rw.Write([]byte{b})
				wmu.Unlock()
			}
		},
		OnPage: func(p Page) {
			if !v.paperOK() {
				v.mu.Lock()
				v.lost++
				v.mu.Unlock()
				return
			}
			if v.OnPage != nil {
				v.OnPage(p)
			}
		},
	}
	buf := make([]byte, 4096)
	for {
		n, err := rw.Read(buf)
		if n > 0 {
			if _, derr := d.Write(buf[:n]); derr != nil {
				return derr
			}
		}
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// Open connects to the printer in memory, as Spec.Open connects to a real
// one.
func (v *Virtual) Open() (io.ReadWriteCloser, error) {
	a, b := net.Pipe()
	go func() {
		v.Serve(b)
		b.Close()
	}()
	return a, nil
}
