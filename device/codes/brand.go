package codes

import (
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Brand is one payment service whose customer codes the terminal accepts.
// The table is data (brands.json) because brands change their number ranges
// more often than the terminal's software is released.
type Brand struct {
	Name          string   `json:"name"`
	Prefixes      []string `json:"prefixes"`
	Length        int      `json:"length"`
	PartialRefund bool     `json:"partialRefund"`
	// JPQR is the 事業者識別コード carried in tag 4F of a JPQR CPM payload,
	// as decimal digits (packed BCD on the wire).
	JPQR string `json:"jpqr,omitempty"`
	// Langs are the languages the customer display adds for this brand's users.
	Langs []string `json:"langs"`
}

//go:embed brands.json
var brandsJSON []byte

// Brands is the built-in brand table.
var Brands = mustParseBrands(brandsJSON)

func mustParseBrands(b []byte) []Brand {
	bs, err := ParseBrands(b)
	if err != nil {
		panic(err)
	}
	return bs
}

// ParseBrands reads a brand table in the brands.json format.
func ParseBrands(b []byte) ([]Brand, error) {
	var bs []Brand
	if err := json.Unmarshal(b, &bs); err != nil {
		return nil, fmt.Errorf("brand table: %w", err)
	}
	for i, br := range bs {
		if br.Name == "" || br.Length <= 0 || len(br.Prefixes) == 0 {
			return nil, fmt.Errorf("brand table: entry %d needs name, length and prefixes", i)
		}
	}
	return bs, nil
}

// BrandByName finds a brand of the built-in table, ignoring case.
func BrandByName(name string) (Brand, bool) {
	for _, b := range Brands {
		if strings.EqualFold(b.Name, name) {
			return b, true
		}
	}
	return Brand{}, false
}

// ErrNotPaymentCode means the text was read but is no customer payment code
// of a known brand (a product JAN, a URL, ...).
var ErrNotPaymentCode = errors.New("not a payment code")

// jpqrHeader is how every JPQR CPM payload starts once Base64-encoded:
// tag 85, length 5, "JPQR1".
const jpqrHeader = "hQVKUFFS"

// Identify returns the brand of a customer code and its payment number
// (the digits the brand issued). Barcode and plain QR codes carry the digits
// themselves; JPQR QR codes carry them in TLV tag 57.
func Identify(text string) (Brand, string, error) {
	digits, aid := text, ""
	if strings.HasPrefix(text, jpqrHeader) {
		var err error
		aid, digits, err = parseJPQR(text)
		if err != nil {
			return Brand{}, "", fmt.Errorf("%w: %v", ErrNotPaymentCode, err)
		}
	}
	if !allDigits(digits) {
		return Brand{}, "", ErrNotPaymentCode
	}
	best, bestLen := -1, 0
	for i, b := range Brands {
		if b.Length != len(digits) {
			continue
		}
		if aid != "" && b.JPQR != aid {
			continue
		}
		for _, p := range b.Prefixes {
			if strings.HasPrefix(digits, p) && len(p) > bestLen {
				best, bestLen = i, len(p)
			}
		}
	}
	if best < 0 {
		return Brand{}, "", ErrNotPaymentCode
	}
	return Brands[best], digits, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseJPQR reads the brand id (tag 4F) and payment number (tag 57) of a JPQR
// CPM payload: Base64 of BER-TLV, 85 "JPQR1" then template 61.
func parseJPQR(text string) (aid, digits string, err error) {
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return "", "", fmt.Errorf("jpqr base64: %w", err)
	}
	var walk func(b []byte) error
	walk = func(b []byte) error {
		for len(b) > 0 {
			if len(b) < 2 {
				return errors.New("jpqr: short TLV")
			}
			tag, n := b[0], int(b[1])
			b = b[2:]
			if n > len(b) {
				return errors.New("jpqr: TLV overruns payload")
			}
			v := b[:n]
			b = b[n:]
			switch tag {
			case 0x61:
				if err := walk(v); err != nil {
					return err
				}
			case 0x4F:
				aid = strings.TrimRight(strings.ToUpper(hex.EncodeToString(v)), "F")
			case 0x57:
				digits = strings.TrimRight(strings.ToUpper(hex.EncodeToString(v)), "F")
			}
		}
		return nil
	}
	if err := walk(raw); err != nil {
		return "", "", err
	}
	if aid == "" || digits == "" {
		return "", "", errors.New("jpqr: no 4F or 57")
	}
	return aid, digits, nil
}

// EncodeJPQR builds a JPQR CPM payload for a brand id and payment number, as
// a wallet app shows it. The simulator's sample codes use it.
func EncodeJPQR(aid, digits string) string {
	bcd := func(s string) []byte {
		if len(s)%2 == 1 {
			s += "F"
		}
		b, _ := hex.DecodeString(s)
		return b
	}
	a, d := bcd(aid), bcd(digits)
	tmpl := append([]byte{0x4F, byte(len(a))}, a...)
	tmpl = append(tmpl, 0x57, byte(len(d)))
	tmpl = append(tmpl, d...)
	payload := append([]byte{0x85, 5, 'J', 'P', 'Q', 'R', '1', 0x61, byte(len(tmpl))}, tmpl...)
	return base64.StdEncoding.EncodeToString(payload)
}
