// Package i18n holds every user-visible string, Japanese first (the product
// language) with English beside it, on go-i18n.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var locales embed.FS

// Languages are the bundled languages, the product language first.
var Languages = []string{"ja", "en", "zh", "ko"}

var bundle = func() *goi18n.Bundle {
	b := goi18n.NewBundle(language.Japanese)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, l := range Languages {
		if _, err := b.LoadMessageFileFS(locales, "locales/"+l+".json"); err != nil {
			panic(err)
		}
	}
	return b
}()

// Localizer turns message ids into text in one language, falling back to
// Japanese for a message the language lacks.
type Localizer struct {
	lang     string
	l        *goi18n.Localizer
	fallback *goi18n.Localizer
}

// New makes a localizer; an unknown language gives Japanese.
func New(lang string) *Localizer {
	lang = Normalize(lang)
	return &Localizer{lang: lang, l: goi18n.NewLocalizer(bundle, lang), fallback: goi18n.NewLocalizer(bundle, "ja")}
}

// Normalize maps a locale such as "ja_JP.UTF-8" to a bundled language.
func Normalize(lang string) string {
	lang = strings.ToLower(lang)
	for _, l := range Languages {
		if strings.HasPrefix(lang, l) {
			return l
		}
	}
	return "ja"
}

// Lang is the localizer's language.
func (l *Localizer) Lang() string { return l.lang }

// T returns the text of a message; args are name, value pairs for its
// template ({{.Name}}). An unknown id is returned as is, so a missing
// string shows up in tests instead of vanishing.
func (l *Localizer) T(id string, args ...any) string {
	var data map[string]any
	if len(args) > 0 {
		data = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id, TemplateData: data}
	s, err := l.l.Localize(cfg)
	if err != nil {
		if s, err = l.fallback.Localize(cfg); err != nil {
			return id
		}
	}
	return s
}

// Has tells whether a message id exists in Japanese.
func Has(id string) bool {
	_, err := goi18n.NewLocalizer(bundle, "ja").Localize(&goi18n.LocalizeConfig{MessageID: id})
	return err == nil
}

// Keys lists the message ids of a language file (for consistency tests).
func Keys(lang string) ([]string, error) {
	b, err := locales.ReadFile("locales/" + lang + ".json")
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, nil
}

// Yen formats an amount as the screens and slips show it: ¥1,980.
func Yen(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-¥" + b.String()
	}
	return "¥" + b.String()
}
