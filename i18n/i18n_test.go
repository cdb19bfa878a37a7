package i18n

import (
	"slices"
	"testing"
)

func TestLocalesHaveTheSameKeys(t *testing.T) {
	ja, err := Keys("ja")
	if err != nil {
		t.Fatal(err)
	}
	en, err := Keys("en")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ja, en) {
		t.Fatalf("ja and en differ:\nja only: %v\nen only: %v", minus(ja, en), minus(en, ja))
	}
	for _, l := range []string{"zh", "ko"} {
		ks, _ := Keys(l)
		if extra := minus(ks, ja); len(extra) > 0 {
			t.Errorf("%s has keys ja lacks: %v", l, extra)
		}
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, k := range a {
		if !slices.Contains(b, k) {
			out = append(out, k)
		}
	}
	return out
}

func TestTemplatesAndFallback(t *testing.T) {
	ja, en := New("ja_JP.UTF-8"), New("en_US")
	if got := ja.T("error.code", "Code", "Q1ET0006"); got != "エラーコード Q1ET0006" {
		t.Errorf("ja = %q", got)
	}
	if got := en.T("pay.prompt"); got != "Please hold up your QR code" {
		t.Errorf("en = %q", got)
	}
	if got := New("zh").T("error.title"); got != "エラー" {
		t.Errorf("zh falls back to ja, got %q", got)
	}
	if got := ja.T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
	if Yen(1980) != "¥1,980" || Yen(1234567) != "¥1,234,567" || Yen(0) != "¥0" {
		t.Error(Yen(1980), Yen(1234567))
	}
}
