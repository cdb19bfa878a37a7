package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codepay/device/codes/codestest"
)

// codesDir is the real photos of codes (ZXing's test images, Apache-2.0).
const codesDir = "../../testdata/codes"

func TestScanRealPhotos(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(codesDir, "*", "*.png"))
	if err != nil || len(files) < 100 {
		t.Fatalf("test images missing: %d %v", len(files), err)
	}
	var out, errOut bytes.Buffer
	if err := Scan(append([]string{"--json"}, files...), &out, &errOut); err != nil {
		t.Fatalf("scan: %v %s", err, errOut.String())
	}
	lines := 0
	read := map[string]int{}
	total := map[string]int{}
	falsePositives := 0
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		lines++
		var l ScanLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		set := filepath.Base(filepath.Dir(l.File))
		total[set]++
		if strings.HasPrefix(set, "falsepositives") {
			if l.OK {
				falsePositives++
				t.Errorf("%s: false positive %q", l.File, l.Text)
			}
			continue
		}
		if !l.OK {
			continue
		}
		read[set]++
		want, err := os.ReadFile(strings.TrimSuffix(l.File, ".png") + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		if l.Text != string(want) {
			t.Errorf("%s: read %q, want %q", l.File, l.Text, want)
		}
		if l.Format == "" || l.MS <= 0 {
			t.Errorf("%s: format %q ms %v", l.File, l.Format, l.MS)
		}
	}
	if lines != len(files) {
		t.Fatalf("%d lines for %d files", lines, len(files))
	}
	for set, n := range total {
		t.Logf("%-18s %3d/%3d read", set, read[set], n)
	}
	// The payment symbologies must be read well: these floors are today's
	// figures and only go up.
	qr := read["qrcode-1"] + read["qrcode-3"] + read["qrcode-5"]
	codestest.Record(t.Name(), "real QR photos (testdata/codes/qrcode-1, -3, -5) via codepay scan", qr, total["qrcode-1"]+total["qrcode-3"]+total["qrcode-5"], 81)
	codestest.Record(t.Name(), "real Code128 photos (testdata/codes/code128-1) via codepay scan", read["code128-1"], total["code128-1"], 7)
	fp := 0
	for set, n := range total {
		if strings.HasPrefix(set, "falsepositives") {
			fp += n
		}
	}
	codestest.Record(t.Name(), "photos with no code left unread (falsepositives)", fp-falsePositives, fp, fp)
	if qr < 81 {
		t.Errorf("QR photos read: %d of 81", qr)
	}
	if read["code128-1"] < 7 {
		t.Errorf("Code128 read: %d of 7", read["code128-1"])
	}
}

func TestScanBadFileIsReportedAndTheRestGoesOn(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "broken.png")
	os.WriteFile(bad, []byte("not a png"), 0o600)
	good := filepath.Join(codesDir, "qrcode-1", "1.png")
	var out bytes.Buffer
	err := Scan([]string{"--json", bad, good}, &out, &bytes.Buffer{})
	if err == nil {
		t.Error("a corrupt image must make scan fail")
	}
	ls := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(ls) != 2 || !strings.Contains(ls[0], `"error"`) || !strings.Contains(ls[1], `"ok":true`) {
		t.Errorf("output:\n%s", out.String())
	}
}
