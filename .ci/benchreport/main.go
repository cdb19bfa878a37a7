// Command benchreport turns `go test -bench` output (stdin) into
// docs/benchmarks.md: each target of design.md with the measured figure
// beside it, then the raw lines.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

type target struct {
	what, bench, metric string
	limit               float64 // in the metric's unit
	unit                string
}

var targets = []target{
	{"640x480 camera frame, QR + Code128, one core (the polarities take turns): median < 1.5 ms", "BenchmarkDecodeSyntheticFrames/640x480-stream", "median-ms", 1.5, "ms"},
	{"640x480 camera frame, QR + Code128, one core: p95 < 5 ms", "BenchmarkDecodeSyntheticFrames/640x480-stream", "p95-ms", 5, "ms"},
	{"640x480 still (both polarities and the low-contrast retry, as `codepay scan`): median (figure)", "BenchmarkDecodeSyntheticFrames/640x480", "median-ms", 0, "ms"},
	{"1280x720 camera frame (the terminal reads a camera as a stream): well under one frame interval (33 ms), p95", "BenchmarkDecodeSyntheticFrames/1280x720-stream", "p95-ms", 33, "ms"},
	{"1280x720 still, as `codepay scan`: p95 (figure)", "BenchmarkDecodeSyntheticFrames/1280x720", "p95-ms", 0, "ms"},
	{"640x480 camera frame, one core, empty: p99 < 10 ms", "BenchmarkFrameKinds/empty", "p99-ms", 10, "ms"},
	{"640x480 camera frame, one core, with a code: p99 < 10 ms", "BenchmarkFrameKinds/code", "p99-ms", 10, "ms"},
	{"640x480 camera frame, one core, a code-like pattern it cannot read: p99 < 10 ms", "BenchmarkFrameKinds/unreadable", "p99-ms", 10, "ms"},
	{"no-code real photos as stills (both polarities): median (figure)", "BenchmarkDecodeRealPhotos/falsepositives-2", "median-ms", 0, "ms"},
	{"POS payment request to 「QRコードをかざしてください」 < 100 ms", "BenchmarkRequestToPrompt", "ns/op", 100e6, "ns"},
	{"start-up to 決済初期画面 with 1,000,000 transactions < 1 s (after a clean stop; the full check runs behind)", "BenchmarkStartupWithAMillion", "ns/op", 1e9, "ns"},
	{"start-up after a power failure with 1,000,000 transactions: the whole file checked first (figure)", "BenchmarkStartupAfterAPowerFailureWithAMillion", "ns/op", 0, "ns"},
	{"reprint history with 1,000,000 stored < 50 ms", "BenchmarkHistoryAndCountWithAMillion/History", "ns/op", 50e6, "ns"},
	{"capacity count with 1,000,000 stored < 50 ms", "BenchmarkHistoryAndCountWithAMillion/CountOpen", "ns/op", 50e6, "ns"},
	{"memory at idle (heap)", "BenchmarkIdleMemory", "idle-heap-MB", 0, "MB"},
	{"memory while the camera streams (heap)", "BenchmarkIdleMemory", "streaming-heap-MB", 0, "MB"},
}

func main() {
	out := flag.String("out", "docs/benchmarks.md", "file to write")
	cmd := flag.String("cmd", "", "the command that produced the input")
	figs := flag.String("figures", "", "read rates recorded by the tests (JSON lines; see device/codes/codestest)")
	flag.Parse()
	figures := map[string]map[string]float64{}
	var raw []string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "Benchmark") || strings.HasPrefix(line, "cpu:") || strings.HasPrefix(line, "pkg:") {
			raw = append(raw, line)
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		m := map[string]float64{}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				m[f[i+1]] = v
			}
		}
		// The name as printed, and without a -GOMAXPROCS suffix (a name
		// may end in -N of its own, so both are kept).
		figures[f[0]] = m
		if i := strings.LastIndex(f[0], "-"); i > 0 {
			if _, err := strconv.Atoi(f[0][i+1:]); err == nil {
				if _, taken := figures[f[0][:i]]; !taken {
					figures[f[0][:i]] = m
				}
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\nWritten by `make bench` on %s. Command: `%s`.\n\n", time.Now().UTC().Format("2006-01-02"), *cmd)
	b.WriteString("| target | measured | met |\n|---|---|---|\n")
	for _, t := range targets {
		v, ok := figures[t.bench][t.metric]
		if !ok {
			fmt.Fprintf(&b, "| %s | not run (`%s`) | |\n", t.what, t.bench)
			continue
		}
		shown := fmt.Sprintf("%.3g %s", v, t.unit)
		if t.unit == "ns" {
			shown = (time.Duration(v)).String()
		}
		met := "–"
		if t.limit > 0 {
			met = map[bool]string{true: "yes", false: "**no**"}[v < t.limit]
		}
		fmt.Fprintf(&b, "| %s | %s (`%s`) | %s |\n", t.what, shown, t.bench, met)
	}
	writeFigures(&b, *figs)
	writePeerTimes(&b, *figs, figures)
	b.WriteString("\n## Raw output\n\n```\n")
	for _, l := range raw {
		b.WriteString(l + "\n")
	}
	b.WriteString("```\n")
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// writeFigures puts each read rate a test measured in this run beside the
// floor that test enforces. Nothing here is typed by hand: a figure the
// run did not produce is not shown.
func writeFigures(b *strings.Builder, path string) {
	b.WriteString("\n## Read rates\n\n")
	data, err := os.ReadFile(path)
	if path == "" || err != nil || len(data) == 0 {
		fmt.Fprintf(b, "Not measured in this run (%v).\n", err)
		return
	}
	b.WriteString("Measured by the tests named, in the same `make bench` run (`CODEPAY_FIGURES` set); each test fails below its floor. ")
	b.WriteString("zxing-cpp is the current release (npm zxing-wasm under Node, its defaults: try harder, rotate, invert, downscale) on the same images in the same run; ratio is codepay's read count over its.\n\n")
	b.WriteString("| what | read | floor | met | zxing-cpp | ratio | test |\n|---|---|---|---|---|---|---|\n")
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var f struct {
			Name, Test      string
			Read, Of, Floor int
			Peer            *int
			PeerWrong       int
		}
		if json.Unmarshal([]byte(line), &f) != nil || f.Name == "" {
			continue
		}
		met := map[bool]string{true: "yes", false: "**no**"}[f.Read >= f.Floor]
		peer, ratio := "not run", ""
		if f.Peer != nil {
			peer = fmt.Sprintf("%d of %d", *f.Peer, f.Of)
			if f.PeerWrong > 0 {
				peer += fmt.Sprintf(", %d wrong", f.PeerWrong)
			}
			ratio = "–"
			if *f.Peer > 0 {
				ratio = fmt.Sprintf("%.2f", float64(f.Read)/float64(*f.Peer))
			}
		}
		fmt.Fprintf(b, "| %s | %d of %d | %d | %s | %s | %s | `%s` |\n", f.Name, f.Read, f.Of, f.Floor, met, peer, ratio, f.Test)
	}
}

// writePeerTimes sets native zxing-cpp's time per frame on the frames of
// a benchmark beside the reader's, from the same run.
func writePeerTimes(b *strings.Builder, path string, figures map[string]map[string]float64) {
	data, _ := os.ReadFile(path)
	var rows []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var p struct {
			Bench, Formats   string
			Median, P95, P99 float64
			Frames, Reps     int
			OwnMedian        float64 `json:"own_median"`
			OwnP95           float64 `json:"own_p95"`
			OwnP99           float64 `json:"own_p99"`
		}
		if json.Unmarshal([]byte(line), &p) != nil || p.Bench == "" {
			continue
		}
		ours := figures[p.Bench]
		if p.OwnMedian > 0 {
			// Taken in turn with the peer's, in the same test.
			ours = map[string]float64{"median-ms": p.OwnMedian, "p95-ms": p.OwnP95, "p99-ms": p.OwnP99}
		}
		cell := func(metric string, peer float64) string {
			v, ok := ours[metric]
			if !ok {
				return fmt.Sprintf("– / %.2f", peer)
			}
			return fmt.Sprintf("%.2f / %.2f (%.1fx)", v, peer, v/peer)
		}
		rows = append(rows, fmt.Sprintf("| `%s` | %s | %s | %s | %s |", p.Bench, strings.ReplaceAll(p.Formats, "|", " + "), cell("median-ms", p.Median), cell("p95-ms", p.P95), cell("p99-ms", p.P99)))
	}
	b.WriteString("\n## Time per frame beside zxing-cpp\n\n")
	if len(rows) == 0 {
		b.WriteString("zxing-cpp was not run (`make peer`, then `make bench`).\n")
		return
	}
	b.WriteString("codepay's stream reader / native zxing-cpp (Debian's python3-zxing-cpp, its defaults), both on core 0, on the frames of `BenchmarkFrameKinds` (640x480), ms per frame, timed by `TestPeerFrameTimes` in five rounds, each reader in turn (the speed of this shared machine drifts by half over minutes, so times taken apart would compare the moments); in brackets codepay's time over zxing-cpp's (below 1: codepay is faster). Debian's zxing-cpp is 1.4, older than the release that reads above; it has no inverted pass, and the stream reader does one polarity a frame.\n\n")
	b.WriteString("| frames | zxing-cpp formats | median | p95 | p99 |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		b.WriteString(r + "\n")
	}
}
