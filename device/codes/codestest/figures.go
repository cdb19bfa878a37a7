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
}

var mu sync.Mutex

// Record appends f to the file named by CODEPAY_FIGURES (nothing when it
// is unset: a plain test run writes no file).
func Record(test, name string, read, of, floor int) error {
	path := os.Getenv("CODEPAY_FIGURES")
	if path == "" {
		return nil
	}
	b, err := json.Marshal(Figure{Name: name, Test: test, Read: read, Of: of, Floor: floor})
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
