// Package codestest lets the reader's read-rate tests hand their figures to
// `make bench`: each figure in docs/benchmarks.md then comes from the run
// that measured it, with the floor the test enforces beside it.
package codestest

import (
	"encoding/json"
	"os"
	"sync"
)

// Figure is one measured read rate.
type Figure struct {
	Name  string `json:"name"`  // what was read
	Test  string `json:"test"`  // the test that measured it
	Read  int    `json:"read"`  // read correctly
	Of    int    `json:"of"`    // tried
	Floor int    `json:"floor"` // the least the test accepts
	// Peer is what zxing-cpp read of the same images in the same run (nil:
	// the peer was not run).
	Peer *int `json:"peer,omitempty"`
	// PeerWrong counts the peer's reads with a wrong text.
	PeerWrong int `json:"peerWrong,omitempty"`
}

// PeerTime is native zxing-cpp's time per frame on the frames of one of
// the reader's benchmarks, in the same run.
type PeerTime struct {
	Bench   string  `json:"bench"`   // the benchmark whose frames these are
	Formats string  `json:"formats"` // what the peer looked for
	Median  float64 `json:"median"`  // ms per frame
	P95     float64 `json:"p95"`
	P99     float64 `json:"p99"`
	Frames  int     `json:"frames"`
	Reps    int     `json:"reps"`
	// The reader's own times on the same frames, taken in turn with the
	// peer's in the same test (a shared machine's speed drifts by half
	// over minutes, which a benchmark run later would not share).
	OwnMedian float64 `json:"own_median"`
	OwnP95    float64 `json:"own_p95"`
	OwnP99    float64 `json:"own_p99"`
}

var mu sync.Mutex

// Record appends f to the file named by CODEPAY_FIGURES (nothing when it
// is unset: a plain test run writes no file).
func Record(test, name string, read, of, floor int) error {
	return write(Figure{Name: name, Test: test, Read: read, Of: of, Floor: floor})
}

// RecordVs is Record with the peer's figures for the same images beside:
// peer read correctly, peerWrong read with a wrong text (peer < 0: the
// peer was not run).
func RecordVs(test, name string, read, of, floor, peer, peerWrong int) error {
	f := Figure{Name: name, Test: test, Read: read, Of: of, Floor: floor, PeerWrong: peerWrong}
	if peer >= 0 {
		f.Peer = &peer
	}
	return write(f)
}

// PeerScore counts the peer's right and wrong texts against want; -1, 0
// when the peer was not run (ok false).
func PeerScore(want, texts []string, ok bool) (read, wrong int) {
	if !ok {
		return -1, 0
	}
	for i, p := range texts {
		switch {
		case p == "":
		case p == want[i]:
			read++
		default:
			wrong++
		}
	}
	return read, wrong
}

// RecordPeerTime records the peer's times on a benchmark's frames.
func RecordPeerTime(t PeerTime) error { return write(t) }

func write(v any) error {
	path := os.Getenv("CODEPAY_FIGURES")
	if path == "" {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
