package cli

import (
	"bytes"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"codepay/device/printer"
)

// `codepay printersim` takes a job on TCP, as a LAN printer does, and
// saves the page it printed as a PNG.
func TestPrintersimSavesEachPage(t *testing.T) {
	font, err := os.ReadFile("../../theme/fonts/BIZUDGothic-Regular-subset.ttf")
	if err != nil {
		t.Fatal(err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	go Printersim([]string{"--listen", addr, "--out", dir}, &out, &errb, font)
	spec, _ := printer.ParseSpec("tcp:" + addr)
	p := printer.New(spec)
	defer p.Close()
	job := printer.NewDoc()
	job.KanjiLines([]string{"      コード決済", "金額                     ¥1,980"})
	job.Cut()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := p.Print(job.Bytes())
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("print: %v (%s)", err, errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	page := filepath.Join(dir, "page-0001.png")
	for {
		if f, err := os.Open(page); err == nil {
			img, err := png.Decode(f)
			f.Close()
			if err == nil {
				if img.Bounds().Dx() != 384 || img.Bounds().Dy() < 40 {
					t.Fatalf("page %v", img.Bounds())
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no page saved (%s)", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
