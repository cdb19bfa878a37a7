package poslink

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"

	"go.bug.st/serial"
)

// OpenSerial opens a serial port 8N1 without flow control. DTR/RTS are
// raised where the device has them; on a pseudo-terminal the modem-line
// calls fail with ENOTTY, which is not an error for us.
func OpenSerial(name string, baud int) (io.ReadWriteCloser, error) {
	p, err := serial.Open(name, &serial.Mode{BaudRate: baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
	if err != nil {
		return nil, fmt.Errorf("serial %s: %w", name, err)
	}
	for _, set := range []func(bool) error{p.SetDTR, p.SetRTS} {
		if err := set(true); err != nil && !errors.Is(err, syscall.ENOTTY) {
			p.Close()
			return nil, fmt.Errorf("serial %s: %w", name, err)
		}
	}
	return p, nil
}

// Keep runs a session on the port, re-opening it every second when it
// cannot be opened or an I/O error ends the session (a USB adapter pulled
// out), until ctx ends. onOpen reports the port's state.
func Keep(ctx context.Context, s *Session, open func() (io.ReadWriteCloser, error), onOpen func(open bool, err error)) {
	for ctx.Err() == nil {
		port, err := open()
		if err != nil {
			onOpen(false, err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
			continue
		}
		onOpen(true, nil)
		runCtx, cancel := context.WithCancel(ctx)
		go func() {
			<-runCtx.Done()
			port.Close() // unblocks the reader
		}()
		err = s.Run(runCtx, port)
		cancel()
		if ctx.Err() != nil {
			return
		}
		onOpen(false, err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}
