package poslink

import (
	"bytes"
	"testing"
)

// FuzzParser feeds arbitrary bytes to the frame decoder: it must never
// panic, and every frame it accepts must re-encode to the same bytes.
func FuzzParser(f *testing.F) {
	for _, body := range []string{`{"seq":1,"op":"ping","id":"R1"}`, `{}`, `{"a":"日本語"}`} {
		fr, _ := Encode([]byte(body))
		f.Add(fr)
		f.Add(append([]byte("noise"), fr...))
		bad := bytes.Clone(fr)
		bad[len(bad)-2] ^= 1
		f.Add(bad)
	}
	f.Add([]byte{STX, 'Z', 'Z', 'Z', 'Z'})
	f.Add([]byte{STX, '2', '0', '0', '1'})
	f.Add([]byte{ACK, NAK, ENQ})
	f.Fuzz(func(t *testing.T, data []byte) {
		var p parser
		for _, b := range data {
			if p.feed(b) == tokFrame {
				body := p.body()
				if checkBody(body) != nil {
					t.Fatalf("accepted a bad body %q", body)
				}
				if _, err := Encode(body); err != nil {
					t.Fatalf("accepted body cannot be encoded: %v", err)
				}
			}
		}
	})
}
