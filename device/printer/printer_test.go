package printer

import (
	"errors"
	"image"
	"net"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

var slip = []string{"      コード決済 【お客様控え】", "伝票番号                   00012", "ブランド                  PayPay", "金額                     ¥1,980", "ｶﾅ Alipay+ d払い"}

func TestKanjiTextRasterAndCutsDecodeAsSent(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 20, 3))
	img.Pix[0], img.Pix[19], img.Pix[2*20+10] = 0, 0, 0
	for i := range img.Pix {
		if i != 0 && i != 19 && i != 50 {
			img.Pix[i] = 255
		}
	}
	d := NewDoc()
	d.KanjiLines(slip)
	d.Cut()
	d.Raster(img)
	d.KanjiLines([]string{"控え"})
	d.Cut()
	var pages []Page
	statuses := 0
	dec := &Decoder{OnPage: func(p Page) { pages = append(pages, p) }, OnStatus: func(byte) { statuses++ }}
	job := append(d.Bytes(), StatusRequest...)
	// A transport may cut the bytes anywhere: feed them one at a time.
	for i := range job {
		if _, err := dec.Write(job[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if len(pages) != 2 || !pages[0].Cut || !slices.Equal(pages[0].Lines(), slip) {
		t.Fatalf("pages %+v", pages)
	}
	if it := pages[1].Items[0]; it.Image == nil || it.Image.Bounds().Dx() != 24 || it.Image.GrayAt(0, 0).Y != 0 || it.Image.GrayAt(19, 0).Y != 0 || it.Image.GrayAt(10, 2).Y != 0 || it.Image.GrayAt(1, 0).Y != 255 {
		t.Fatalf("raster %+v", it)
	}
	if !slices.Equal(pages[1].Lines(), []string{"控え"}) || statuses != 3 {
		t.Fatalf("second page %q, %d status requests", pages[1].Lines(), statuses)
	}
	if _, err := (&Decoder{}).Write([]byte{gs, 'Z', 1}); !errors.Is(err, ErrUnknown) {
		t.Errorf("an unknown command: %v", err)
	}
}

func TestStatusBytesRoundTrip(t *testing.T) {
	for _, s := range []Status{{}, {PaperOut: true}, {CoverOpen: true}, {Error: true}, {NearEnd: true}, {Offline: true}} {
		got := ParseStatus(StatusBytes(s))
		if s.Ready() != got.Ready() || s.Problem() != got.Problem() || s.NearEnd != got.NearEnd {
			t.Errorf("%+v came back %+v", s, got)
		}
	}
}

func TestParseSpec(t *testing.T) {
	for in, want := range map[string]Spec{
		"none": {Kind: "none"}, "": {Kind: "none"}, "demo": {Kind: "demo"},
		"serial:/dev/ttyUSB1@38400": {Kind: "serial", Path: "/dev/ttyUSB1", Baud: 38400},
		"serial:/dev/ttyS0":         {Kind: "serial", Path: "/dev/ttyS0", Baud: 9600},
		"usb:/dev/usb/lp0":          {Kind: "usb", Path: "/dev/usb/lp0"},
		"tcp:192.168.0.50:9100":     {Kind: "tcp", Path: "192.168.0.50:9100"},
	} {
		if got, err := ParseSpec(in); err != nil || got != want {
			t.Errorf("%q: %+v %v", in, got, err)
		}
	}
	for _, bad := range []string{"lp0", "serial:/dev/x@1234", "tcp:host", "ftp:x", "usb:"} {
		if _, err := ParseSpec(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// collect is a virtual printer's pages, safe to read from the test.
type collect struct {
	mu    sync.Mutex
	pages []Page
}

func (c *collect) add(p Page) { c.mu.Lock(); c.pages = append(c.pages, p); c.mu.Unlock() }
func (c *collect) get() []Page {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Page(nil), c.pages...)
}

func waitPages(t *testing.T, c *collect, n int) []Page {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(c.get()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d pages printed, want %d", len(c.get()), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return c.get()
}

// A network printer (raw TCP): jobs print, paper out is refused before a
// byte of the job is sent, a printer that went away is reconnected.
func TestNetworkPrinter(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var got collect
	v := &Virtual{OnPage: got.add}
	conns := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns <- c
			go v.Serve(c)
		}
	}()
	spec, _ := ParseSpec("tcp:" + l.Addr().String())
	p := New(spec)
	defer p.Close()
	job := NewDoc()
	job.KanjiLines(slip)
	job.Cut()
	if err := p.Print(job.Bytes()); err != nil {
		t.Fatal(err)
	}
	if pages := waitPages(t, &got, 1); !slices.Equal(pages[0].Lines(), slip) {
		t.Fatalf("printed %q", pages[0].Lines())
	}
	v.SetStatus(Status{PaperOut: true})
	var nr *NotReady
	if err := p.Print(job.Bytes()); !errors.As(err, &nr) || nr.Status.Problem() != "paper_out" {
		t.Fatalf("paper out: %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if n := v.Lost(); n != 0 {
		t.Fatalf("%d pages were sent into a printer out of paper", n)
	}
	v.SetStatus(Status{})
	(<-conns).Close() // the printer restarts
	if err := p.Print(job.Bytes()); err == nil {
		// The first try may only find the connection gone.
	}
	if err := p.Print(job.Bytes()); err != nil {
		t.Fatalf("after the printer came back: %v", err)
	}
	if n := len(waitPages(t, &got, 2)); n < 2 {
		t.Fatalf("%d pages", n)
	}
}

// A USB printer-class device is a plain character device (/dev/usb/lp0):
// here the slave side of a pseudo-terminal stands in for it.
func TestUSBPrinterIsADeviceFile(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	// A USB device has no line discipline: the pseudo-terminal is made raw
	// (as a serial port is opened) before it is used as a plain file.
	if raw, err := (Spec{Kind: "serial", Path: slave.Name(), Baud: 9600}).Open(); err != nil {
		t.Fatal(err)
	} else {
		raw.Close()
	}
	var got collect
	go (&Virtual{OnPage: got.add}).Serve(master)
	spec, err := ParseSpec("usb:" + slave.Name())
	if err != nil {
		t.Fatal(err)
	}
	p := New(spec)
	defer p.Close()
	job := NewDoc()
	job.KanjiLines([]string{"再印字"})
	job.Cut()
	if err := p.Print(job.Bytes()); err != nil {
		t.Fatal(err)
	}
	if pages := waitPages(t, &got, 1); !slices.Equal(pages[0].Lines(), []string{"再印字"}) {
		t.Fatalf("printed %q", pages[0].Lines())
	}
}

// A serial printer on a pseudo-terminal pair; one that never answers is
// reported within the time-out, and no job is sent to it.
func TestSerialPrinterAndOneThatNeverAnswers(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	var got collect
	v := &Virtual{OnPage: got.add}
	go v.Serve(master)
	spec, _ := ParseSpec("serial:" + slave.Name() + "@38400")
	p := New(spec)
	defer p.Close()
	job := NewDoc()
	job.KanjiLines([]string{"日計表", "合計 3件 ¥4,000"})
	job.Cut()
	if err := p.Print(job.Bytes()); err != nil {
		t.Fatal(err)
	}
	if pages := waitPages(t, &got, 1); !slices.Equal(pages[0].Lines(), []string{"日計表", "合計 3件 ¥4,000"}) {
		t.Fatalf("printed %q", pages[0].Lines())
	}
	v.SetSilent(true)
	p.Timeout = 300 * time.Millisecond
	start := time.Now()
	if err := p.Print(job.Bytes()); !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("a silent printer: %v", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("the time-out took %v", el)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(got.get()); n != 1 {
		t.Errorf("a job went to a printer that did not answer: %d pages", n)
	}
}

// The paper runs out during a job: the job counts as not printed.
func TestPaperOutDuringAJobIsNotPrinted(t *testing.T) {
	v := &Virtual{}
	v.OnPage = func(Page) { v.SetStatus(Status{PaperOut: true}) }
	p := NewWith(v.Open)
	job := NewDoc()
	job.KanjiLines([]string{"a"})
	job.Cut()
	var nr *NotReady
	if err := p.Print(job.Bytes()); !errors.As(err, &nr) {
		t.Fatalf("paper out during the job: %v", err)
	}
}

func TestRendererKeepsColumns(t *testing.T) {
	font, err := os.ReadFile("../../theme/fonts/BIZUDGothic-Regular-subset.ttf")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRenderer(font, 32)
	if err != nil {
		t.Fatal(err)
	}
	img := r.Lines([]string{"コード決済                  1234"})
	if img.Bounds().Dx() != 384 {
		t.Fatalf("width %d", img.Bounds().Dx())
	}
	inked := func(x0, x1 int) bool {
		for y := 0; y < img.Bounds().Dy(); y++ {
			for x := x0; x < x1; x++ {
				if img.GrayAt(x, y).Y < 128 {
					return true
				}
			}
		}
		return false
	}
	// 10 columns of kana, 18 spaces, then 4 digits in columns 28-31.
	if !inked(0, 24) || inked(130, 330) || !inked(340, 384) {
		t.Errorf("the line is not laid out in columns")
	}
}

// Any bytes: the decoder never panics and never holds more than it was
// given (printersim reads what the network sends).
func FuzzDecoder(f *testing.F) {
	d := NewDoc()
	d.KanjiLines(slip)
	d.Cut()
	f.Add(d.Bytes())
	f.Add(StatusRequest)
	f.Add([]byte{gs, 'v', '0', 0, 1, 0, 2, 0, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		dec := &Decoder{OnPage: func(Page) {}, OnStatus: func(byte) {}}
		dec.Write(b)
		if len(dec.pending) > len(b) {
			t.Fatalf("%d bytes pending of %d", len(dec.pending), len(b))
		}
		dec.Flush()
	})
}
