package cli

import (
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"

	"codepay/device/printer"
)

// Printersim is `codepay printersim`: a network receipt printer in
// software. It takes raw ESC/POS on a TCP port (as a LAN printer does on
// 9100), answers status requests, and saves each cut page as a PNG drawn
// from the bytes it got, so what it saves is what a printer would print.
// fontData is the receipt font (the caller's: the terminal's theme).
func Printersim(args []string, stdout, stderr io.Writer, fontData []byte) error {
	fs := flag.NewFlagSet("printersim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:9100", "address to take print jobs on")
	out := fs.String("out", "", "folder for the printed pages (PNG)")
	width := fs.Int("width", 32, "columns of a line: 32 (58 mm paper), 42 or 48 (80 mm)")
	status := fs.String("status", "ready", "what the printer answers: ready, paper_out, cover_open, offline")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("printersim: --out DIR is required")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("printersim: %w", err)
	}
	render, err := printer.NewRenderer(fontData, *width)
	if err != nil {
		return err
	}
	v := &printer.Virtual{}
	switch *status {
	case "ready":
	case "paper_out":
		v.SetStatus(printer.Status{PaperOut: true})
	case "cover_open":
		v.SetStatus(printer.Status{CoverOpen: true})
	case "offline":
		v.SetStatus(printer.Status{Offline: true})
	default:
		return fmt.Errorf("printersim: --status %q: ready, paper_out, cover_open or offline", *status)
	}
	var mu sync.Mutex
	n := 0
	v.OnPage = func(p printer.Page) {
		mu.Lock()
		n++
		name := filepath.Join(*out, fmt.Sprintf("page-%04d.png", n))
		mu.Unlock()
		f, err := os.Create(name)
		if err == nil {
			err = png.Encode(f, render.Page(p))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(stderr, "printersim:", err)
			return
		}
		fmt.Fprintln(stdout, name)
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("printersim: %w", err)
	}
	fmt.Fprintf(stderr, "printersim: taking ESC/POS on %s, pages into %s\n", l.Addr(), *out)
	return ServePrinter(l, v, stderr)
}

// ServePrinter takes connections on l for the virtual printer until l closes.
func ServePrinter(l net.Listener, v *printer.Virtual, stderr io.Writer) error {
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go func() {
			defer c.Close()
			if err := v.Serve(c); err != nil {
				fmt.Fprintln(stderr, "printersim:", err)
			}
		}()
	}
}
