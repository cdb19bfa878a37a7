// Package cli holds codepay's commands that need no window: the center
// simulator, the code reader and the sample-code maker.
package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"codepay/app/center"
	"codepay/device/camera"
	"codepay/device/codes"
)

// ScanLine is one line of `codepay scan --json`.
type ScanLine struct {
	File   string  `json:"file"`
	OK     bool    `json:"ok"`
	Text   string  `json:"text"`
	Format string  `json:"format"`
	Brand  string  `json:"brand"`
	MS     float64 `json:"ms"`
	Error  string  `json:"error,omitempty"`
}

// Scan decodes image files with the terminal's own reader. It returns an
// error when a file could not be read as an image (after doing the rest).
func Scan(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "one JSON object per image")
	formats := fs.String("formats", "qr,code128", "symbologies to read: qr,code128,ean13,itf")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fl, err := codes.ParseFormats(*formats)
	if err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("scan: name one or more image files")
	}
	r := codes.NewReader(fl...)
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	var bad int
	for _, path := range fs.Args() {
		line := ScanLine{File: path}
		g, err := camera.LoadImage(path)
		if err != nil {
			line.Error = err.Error()
			bad++
		} else {
			start := time.Now()
			res, derr := r.Decode(g)
			line.MS = float64(time.Since(start).Microseconds()) / 1000
			if derr == nil {
				line.OK, line.Text, line.Format = true, res.Text, string(res.Format)
				if b, _, err := codes.Identify(res.Text); err == nil {
					line.Brand = b.Name
				}
			}
		}
		if *asJSON {
			enc.Encode(line)
			continue
		}
		switch {
		case line.Error != "":
			fmt.Fprintf(stdout, "%s: error: %s\n", path, line.Error)
		case !line.OK:
			fmt.Fprintf(stdout, "%s: no code (%.2f ms)\n", path, line.MS)
		default:
			fmt.Fprintf(stdout, "%s: %s %q %s (%.2f ms)\n", path, line.Format, line.Text, line.Brand, line.MS)
		}
	}
	if bad > 0 {
		return fmt.Errorf("scan: %d file(s) could not be read", bad)
	}
	return nil
}

// Gencode writes a sample customer code that the simulator answers with a
// scenario.
func Gencode(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gencode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	brand := fs.String("brand", "PayPay", "brand name (see the README's brand table)")
	scenario := fs.String("scenario", "ok", "simulator scenario")
	format := fs.String("format", "qr", "qr or code128")
	out := fs.String("o", "", "PNG file to write")
	size := fs.Int("size", 300, "size in pixels")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b, ok := codes.BrandByName(*brand)
	if !ok {
		return fmt.Errorf("gencode: unknown brand %q", *brand)
	}
	sc, ok := center.ScenarioByName(*scenario)
	if !ok {
		var names []string
		for _, s := range center.Scenarios {
			names = append(names, s.Name)
		}
		return fmt.Errorf("gencode: unknown scenario %q (one of %s)", *scenario, strings.Join(names, ", "))
	}
	f := codes.QR
	switch *format {
	case "qr":
	case "code128":
		f = codes.Code128
	default:
		return fmt.Errorf("gencode: --format %q: qr or code128", *format)
	}
	if *out == "" {
		return errors.New("gencode: -o FILE.png is required")
	}
	text := center.SampleCode(b, sc, f == codes.QR)
	img, err := codes.Encode(text, f, *size)
	if err != nil {
		return err
	}
	file, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if err := png.Encode(file, img); err != nil {
		file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, text)
	return nil
}

// keyList is --key KEY:SECRET[:MERCHANT]: the merchant the key acts for.
type keyList struct{ secrets, merchants map[string]string }

func (k keyList) String() string { return fmt.Sprint(len(k.secrets)) }
func (k keyList) Set(v string) error {
	p := strings.Split(v, ":")
	if len(p) < 2 || len(p) > 3 || p[0] == "" || p[1] == "" {
		return errors.New("want KEY:SECRET or KEY:SECRET:MERCHANT")
	}
	k.secrets[p[0]] = p[1]
	if len(p) == 3 && p[2] != "" {
		k.merchants[p[0]] = p[2]
	}
	return nil
}

type stringSet map[string]bool

func (s stringSet) String() string     { return fmt.Sprint(len(s)) }
func (s stringSet) Set(v string) error { s[v] = true; return nil }

// Center runs the center simulator until interrupted.
func Center(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("center", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8420", "address to listen on")
	data := fs.String("data", "", "folder for the simulator's SQLite file (empty: memory)")
	keys := keyList{secrets: map[string]string{}, merchants: map[string]string{}}
	fs.Var(keys, "key", "API key, secret and the merchant it acts for, KEY:SECRET[:MERCHANT] (repeatable)")
	latency := fs.Duration("latency", 0, "added to every answer")
	failRate := fs.Float64("failure-rate", 0, "share of payments answered 500 INTERNAL_SERVER_ERROR (0..1)")
	suspended := stringSet{}
	fs.Var(suspended, "suspend", "terminal id that gets OP_OUT_OF_SCOPE (repeatable)")
	window := fs.Int("cancel-window", 0, "cancel window in seconds (0: until 00:14:59 JST next day)")
	slow := fs.Duration("slow-delay", 35*time.Second, "how long the slow scenario waits")
	cert := fs.String("tls-cert", "", "serve TLS with this certificate (PEM)")
	key := fs.String("tls-key", "", "the certificate's key (PEM)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(keys.secrets) == 0 {
		keys.secrets["demo"] = "demo-secret"
	}
	if *failRate < 0 || *failRate > 1 {
		return errors.New("center: --failure-rate must be between 0 and 1")
	}
	if (*cert == "") != (*key == "") {
		return errors.New("center: --tls-cert and --tls-key go together")
	}
	opt := center.SimOptions{Keys: keys.secrets, Merchants: keys.merchants, Latency: *latency, FailureRate: *failRate, Suspended: suspended,
		CancelWindow: time.Duration(*window) * time.Second, SlowDelay: *slow,
		Log: slog.New(slog.NewTextHandler(stderr, nil))}
	if *data != "" {
		if err := os.MkdirAll(*data, 0o700); err != nil {
			return err
		}
		opt.DBPath = filepath.Join(*data, "center-sim.db")
	}
	sim, err := center.NewSim(opt)
	if err != nil {
		return err
	}
	defer sim.Close()
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	scheme := "http"
	if *cert != "" {
		if l, err = center.TLSListener(l, *cert, *key); err != nil {
			return err
		}
		scheme = "https"
	}
	fmt.Fprintf(stdout, "center simulator on %s://%s\n", scheme, l.Addr())
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		l.Close()
	}()
	return sim.Serve(l)
}
