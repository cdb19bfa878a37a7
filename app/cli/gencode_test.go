package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"codepay/app/center"
	"codepay/device/codes"
)

// Every brand and scenario makes a code image that the terminal's reader
// reads back as the same text and the same brand.
func TestGencodeEveryBrandAndScenarioReadsBack(t *testing.T) {
	dir := t.TempDir()
	for _, b := range codes.Brands {
		for _, sc := range []center.Scenario{center.Scenarios[0], center.Scenarios[3], center.Scenarios[len(center.Scenarios)-1]} {
			for _, format := range []string{"qr", "code128"} {
				out := filepath.Join(dir, "c.png")
				var text bytes.Buffer
				if err := Gencode([]string{"--brand", b.Name, "--scenario", sc.Name, "--format", format, "-o", out}, &text, &bytes.Buffer{}); err != nil {
					t.Fatalf("%s %s %s: %v", b.Name, sc.Name, format, err)
				}
				var scanned bytes.Buffer
				if err := Scan([]string{"--json", out}, &scanned, &bytes.Buffer{}); err != nil {
					t.Fatal(err)
				}
				var l ScanLine
				json.Unmarshal(scanned.Bytes(), &l)
				if !l.OK || l.Text != strings.TrimSpace(text.String()) || l.Brand != b.Name {
					t.Errorf("%s %s %s: scanned %+v, made %q", b.Name, sc.Name, format, l, text.String())
				}
			}
		}
	}
}

func TestGencodeRefusesBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--brand", "NoSuchPay", "-o", "x.png"},
		{"--scenario", "nope", "-o", "x.png"},
		{"--format", "pdf417", "-o", "x.png"},
		{},
	} {
		if err := Gencode(args, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
