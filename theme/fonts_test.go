package theme

import (
	"testing"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"codepay/i18n"
)

// Every character of every message must be in the bundled font that draws
// its language: no machine's fonts are used, so a missing glyph would show
// as a replacement box.
func TestBundledFontsCoverEveryMessage(t *testing.T) {
	fonts := map[string][][]byte{
		"ja": {regular, bold, mono},
		"en": {regular, bold, mono},
		"zh": {cjk},
		"ko": {cjk},
	}
	for lang, faces := range fonts {
		keys, err := i18n.Keys(lang)
		if err != nil {
			t.Fatal(err)
		}
		l := i18n.New(lang)
		for fi, data := range faces {
			f, err := sfnt.Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			var buf sfnt.Buffer
			missing := map[rune]string{}
			for _, k := range keys {
				for _, r := range l.T(k, "Field", "x", "Code", "Q1ET0006", "N", 1, "S", 9, "Op", "x", "Brand", "x", "Amount", "x", "Slip", "x", "Message", "x") {
					if unicode.IsSpace(r) || unicode.IsControl(r) {
						continue
					}
					if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
						missing[r] = k
					}
				}
			}
			for r, k := range missing {
				t.Errorf("%s font %d has no glyph for %q (%U) used by %s", lang, fi, r, r, k)
			}
		}
	}
}
