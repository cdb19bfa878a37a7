package theme

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestAllColoursDefined(t *testing.T) {
	test.AssertAllColorNamesDefined(t, &Kiosk{}, "kiosk")
	test.AssertAllColorNamesDefined(t, &Kiosk{Practice: true}, "practice")
}

func TestPracticeIsYellow(t *testing.T) {
	if got := (&Kiosk{Practice: true}).Color(theme.ColorNameBackground, theme.VariantDark); got != PracticeBackground {
		t.Errorf("practice background = %v", got)
	}
	if got := (&Kiosk{}).Color(theme.ColorNameBackground, theme.VariantDark); got == PracticeBackground {
		t.Error("normal theme is yellow")
	}
}
