package theme

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"
)

// luminance is WCAG 2's relative luminance.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	ch := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
}

func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Every text colour against every background it is drawn on, in the normal
// and the practice theme: at least 4.5:1, as WCAG AA asks of body text
// (large text needs 3:1; the bands and the amount get 4.5 all the same).
func TestContrast(t *testing.T) {
	white := color.White
	for _, practice := range []bool{false, true} {
		k := &Kiosk{Practice: practice}
		fg := k.Color(fynetheme.ColorNameForeground, fynetheme.VariantLight)
		bg := k.Color(fynetheme.ColorNameBackground, fynetheme.VariantLight)
		button := k.Color(fynetheme.ColorNameButton, fynetheme.VariantLight)
		pairs := []struct {
			what   string
			fg, bg color.Color
		}{
			{"body text on the background", fg, bg},
			{"text on a secondary button", fg, button},
			{"text on the status bar", fg, StatusBarColor},
			{"white on a primary button", white, k.Color(fynetheme.ColorNamePrimary, fynetheme.VariantLight)},
			{"white on the success band", white, Success},
			{"white on the error band", white, Error},
			{"white on the unknown-outcome band", white, Warning},
			{"white on the processing band and brand badge", white, Processing},
			{"an error message in the error colour", k.Color(fynetheme.ColorNameError, fynetheme.VariantLight), bg},
			{"the amount", Text, bg},
			{"a receipt on its paper", Text, Paper},
			{"white on the chosen side of a segmented control", white, Selected},
			{"text on the other side", fg, button},
		}
		for _, p := range pairs {
			if c := contrast(p.fg, p.bg); c < 4.5 {
				t.Errorf("practice=%v: %s is %.2f:1, under 4.5:1", practice, p.what, c)
			}
		}
	}
	if c := contrast(color.Black, PracticeBanner); c < 4.5 {
		t.Errorf("the 練習 banner text is %.2f:1", c)
	}
}

// The type scale: the amount at least 64 px, each step above the next.
func TestTypeScale(t *testing.T) {
	k := &Kiosk{}
	if SizeAmount < 64 || !(SizeAmount > SizeState && SizeState > k.Size(fynetheme.SizeNameHeadingText) && k.Size(fynetheme.SizeNameHeadingText) > k.Size(fynetheme.SizeNameText) && k.Size(fynetheme.SizeNameText) > k.Size(fynetheme.SizeNameCaptionText)) {
		t.Fatal("the type scale is not ordered")
	}
	if math.Mod(float64(Grid), 8) != 0 || MinTarget < 48 {
		t.Fatal("grid or target size off")
	}
	var _ fyne.Theme = k
}
