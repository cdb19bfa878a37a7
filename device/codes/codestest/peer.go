package codestest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// The peer is zxing-cpp, the reader the issue tracker measures codepay
// against: for read rates its current release (npm zxing-wasm under Node,
// .ci/peer/read.mjs), for time the native build of Debian's
// python3-zxing-cpp (.ci/peer/time.py). Both are benchmark-only: `make
// bench` installs them (`make peer`) and sets CODEPAY_PEER to .ci/peer.
// Without it the peer is not run and no figure gets a ratio.

// PeerDir is the folder of the peer's scripts ("" when the peer is off).
func PeerDir() string { return os.Getenv("CODEPAY_PEER") }

// PeerFormats names the reader's formats as zxing-wasm spells them.
func PeerFormats(formats ...string) string {
	names := map[string]string{"QR_CODE": "QRCode", "CODE_128": "Code128", "EAN_13": "EAN13", "ITF": "ITF"}
	var out []string
	for _, f := range formats {
		out = append(out, names[f])
	}
	return strings.Join(out, ",")
}

// runPeer runs one of the peer's scripts on in and returns what it wrote;
// any failure fails the test, with what the script said.
func runPeer(tb testing.TB, cmd *exec.Cmd, in *bytes.Buffer, what string) []byte {
	tb.Helper()
	cmd.Stdin = in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("the peer (%s) failed: %v\n%s", what, err, stderr.String())
	}
	return out
}

// PeerRead has zxing-cpp read each image, with formats (zxing-wasm's names,
// comma-separated), and returns the text of each ("" for no read). ok is
// false when the peer is off. Any failure to run it fails the test: a
// figure must not silently lose its peer.
func PeerRead(tb testing.TB, imgs []image.Image, formats string) (texts []string, ok bool) {
	tb.Helper()
	dir := PeerDir()
	if dir == "" {
		return nil, false
	}
	tmp := tb.TempDir()
	var in bytes.Buffer
	for i, img := range imgs {
		p := filepath.Join(tmp, fmt.Sprintf("%05d.png", i))
		f, err := os.Create(p)
		if err != nil {
			tb.Fatal(err)
		}
		err = png.Encode(f, img)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&in, "%s\t%s\n", p, formats)
	}
	out := runPeer(tb, exec.Command("node", filepath.Join(dir, "read.mjs")), &in, "zxing-wasm")
	byPath := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r struct {
			Path string  `json:"path"`
			Text *string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			tb.Fatalf("the peer's answer %q: %v", sc.Text(), err)
		}
		if r.Text != nil {
			byPath[r.Path] = *r.Text
		}
	}
	texts = make([]string, len(imgs))
	for i := range imgs {
		texts[i] = byPath[filepath.Join(tmp, fmt.Sprintf("%05d.png", i))]
	}
	return texts, true
}

// PeerTimes has native zxing-cpp read each grey frame, formats as
// python3-zxing-cpp names them ("QRCode|Code128"), one thread, and
// returns the time of each call, reps passes over the frames after one
// untimed pass. ok is false when the peer is off.
func PeerTimes(tb testing.TB, frames []*image.Gray, formats string, reps int) (per []time.Duration, ok bool) {
	tb.Helper()
	dir := PeerDir()
	if dir == "" {
		return nil, false
	}
	tmp := tb.TempDir()
	var in bytes.Buffer
	for i, g := range frames {
		p := filepath.Join(tmp, fmt.Sprintf("%05d.gray", i))
		w, h := g.Rect.Dx(), g.Rect.Dy()
		pix := make([]byte, 0, w*h)
		for y := 0; y < h; y++ {
			pix = append(pix, g.Pix[y*g.Stride:y*g.Stride+w]...)
		}
		if err := os.WriteFile(p, pix, 0o644); err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&in, "%s\t%d\t%d\n", p, w, h)
	}
	// Debian's python3 (the pyenv one on a developer's PATH has no
	// python3-zxing-cpp), on one core as the reader's benchmarks run.
	cmd := exec.Command("taskset", "-c", "0", "/usr/bin/python3", filepath.Join(dir, "time.py"), formats, fmt.Sprint(reps))
	if _, err := exec.LookPath("taskset"); err != nil {
		cmd = exec.Command("/usr/bin/python3", filepath.Join(dir, "time.py"), formats, fmt.Sprint(reps))
	}
	out := runPeer(tb, cmd, &in, "python3-zxing-cpp")
	for _, f := range strings.Fields(string(out)) {
		var ns int64
		if _, err := fmt.Sscan(f, &ns); err != nil {
			tb.Fatalf("the peer's time %q: %v", f, err)
		}
		per = append(per, time.Duration(ns))
	}
	if len(per) == 0 {
		tb.Fatal("the peer timed nothing")
	}
	return per, true
}

// Quantiles are the median, p95 and p99 of per, in ms (per is sorted).
func Quantiles(per []time.Duration) (median, p95, p99 float64) {
	sort.Slice(per, func(i, j int) bool { return per[i] < per[j] })
	q := func(p int) float64 {
		if len(per) == 0 {
			return 0
		}
		return float64(per[min(len(per)-1, len(per)*p/100)].Microseconds()) / 1000
	}
	return q(50), q(95), q(99)
}
