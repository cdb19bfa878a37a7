package codes

import (
	"strings"
	"testing"
)

// FuzzIdentify: any text is a brand's code or ErrNotPaymentCode; a brand's
// code has the brand's length and prefix.
func FuzzIdentify(f *testing.F) {
	for _, s := range []string{"900081818800123456789012", EncodeJPQR("90000002", "9000000200123456789012"), "hQVKUFFS", "4901234567894", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		b, digits, err := Identify(text)
		if err != nil {
			return
		}
		if len(digits) != b.Length {
			t.Fatalf("%q: %d digits for %s (length %d)", text, len(digits), b.Name, b.Length)
		}
		ok := false
		for _, p := range b.Prefixes {
			ok = ok || strings.HasPrefix(digits, p)
		}
		if !ok {
			t.Fatalf("%q: %s without its prefix", text, b.Name)
		}
	})
}
