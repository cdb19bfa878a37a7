package plainlocale

import (
	"os"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ lcAll, lang, wantAll, wantLang string }{
		{"", "C.UTF-8", "", "C"},
		{"", "C.utf8", "", "C"},
		{"", "POSIX", "", "POSIX"},
		{"", "ja_JP.UTF-8", "", "ja_JP.UTF-8"},
		{"C.UTF-8", "ja_JP.UTF-8", "C", "ja_JP.UTF-8"},
		{"en_US.UTF-8", "C.UTF-8", "en_US.UTF-8", "C.UTF-8"}, // LC_ALL wins: LANG is not read
	} {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		Normalize()
		if os.Getenv("LC_ALL") != c.wantAll || os.Getenv("LANG") != c.wantLang {
			t.Errorf("LC_ALL=%q LANG=%q: now %q %q", c.lcAll, c.lang, os.Getenv("LC_ALL"), os.Getenv("LANG"))
		}
	}
}
