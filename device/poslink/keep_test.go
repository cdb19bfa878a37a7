package poslink

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// A port that cannot be opened (USB adapter unplugged) is tried every
// second; a port that fails while open is closed and opened again.
func TestKeepReopensThePort(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	var mu sync.Mutex
	var events []bool
	tries := 0
	var opened []io.ReadWriteCloser
	open := func() (io.ReadWriteCloser, error) {
		mu.Lock()
		defer mu.Unlock()
		tries++
		if tries <= 2 {
			return nil, errors.New("no such device")
		}
		p, err := OpenSerial(slave.Name(), 9600)
		if err == nil {
			opened = append(opened, p)
		}
		return p, err
	}
	s := NewSession(Options{}, func([]byte) {})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go Keep(ctx, s, open, func(up bool, err error) { mu.Lock(); events = append(events, up); mu.Unlock() })
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(opened) == 1 })
	// The open port fails (the device went away under us).
	mu.Lock()
	opened[0].Close()
	mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(opened)
		mu.Unlock()
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the port was not opened again")
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) < 4 || events[0] || events[1] || !events[2] || events[3] {
		t.Errorf("port states %v, want closed, closed, open, closed, open…", events)
	}
}
