package app

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzParseRequest: any body gives a request or a BadRequest naming a
// field, never a panic, and an accepted request survives a round trip.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{
		`{"seq":1,"type":"request","id":"R-1","op":"payment","amount":1980,"merchantTxnId":"00"}`,
		`{"id":"R-2","op":"refund","slipNo":"00012","amount":100,"confirm":false}`,
		`{"id":"R-3","op":"status","queryId":"R-1"}`,
		`{"id":"R-4","op":"payment","amount":-1}`,
		`{"id":"","op":"ping"}`, `[]`, `null`, `{"id":"R-5","op":"abort","target":"R-1"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseRequest(body)
		if err != nil {
			var br *BadRequest
			if !errors.As(err, &br) || br.Code == "" {
				t.Fatalf("error %v is not a BadRequest", err)
			}
			if br.Code == CodeBadRequest && br.Field == "" {
				t.Fatal("BAD_REQUEST without a field")
			}
			return
		}
		if !idPattern.MatchString(r.ID) {
			t.Fatalf("accepted id %q", r.ID)
		}
		if r.Op == OpPayment && (r.Amount < 1 || r.Amount > 9999999) {
			t.Fatalf("accepted amount %d", r.Amount)
		}
		b, _ := json.Marshal(r)
		if r2, err := ParseRequest(b); err != nil || r2.hash() != r.hash() {
			t.Fatalf("round trip of %s: %v", b, err)
		}
	})
}

// FuzzConfigFile: any config file gives settings that validate, or an
// error naming what is wrong; never a panic.
func FuzzConfigFile(f *testing.F) {
	f.Add("[terminal]\nid = \"T0001\"\ncapacity = 1000\n[pos]\nbaud = 9600\n")
	f.Add("[camera]\nsource = \"v4l2:/dev/video0\"\n")
	f.Add("[center]\nurl = \"https://gw.example\"\napi_key = \"k\"\napi_secret = \"s\"\n")
	f.Add("[pos]\nbaud = 12345\n")
	f.Add("garbage = = =")
	// The text is decoded as ParseSettings decodes a file's, without the
	// file: a temp folder per run spent most of the budget in the file
	// system (and minimising an input took the rest of it).
	f.Fuzz(func(t *testing.T, text string) {
		s := DefaultSettings()
		if _, err := s.decode("codepay.toml", []byte(text)); err != nil {
			if !strings.HasPrefix(err.Error(), "config codepay.toml") {
				t.Fatalf("the error does not name the file: %v", err)
			}
			return
		}
		if err := s.Validate(); err != nil && err.Error() == "" {
			t.Fatal("empty error")
		}
	})
}
