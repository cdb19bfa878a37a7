// Package theme is the kiosk's look: the normal theme and the yellow
// practice theme, both with a bundled Japanese font (BIZ UDPGothic, SIL OFL
// 1.1) so that no machine shows replacement glyphs.
package theme

import (
	_ "embed"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

//go:embed fonts/BIZUDPGothic-Regular-subset.ttf
var regular []byte

//go:embed fonts/BIZUDPGothic-Bold-subset.ttf
var bold []byte

//go:embed fonts/BIZUDGothic-Regular-subset.ttf
var mono []byte

// The bundled fonts. Receipts use the fixed-width face so that a full-width
// character takes exactly two half-width columns, as on the printer.
var (
	FontRegular = fyne.NewStaticResource("BIZUDPGothic-Regular.ttf", regular)
	FontBold    = fyne.NewStaticResource("BIZUDPGothic-Bold.ttf", bold)
	FontMono    = fyne.NewStaticResource("BIZUDGothic-Regular.ttf", mono)
)

// Kiosk is the terminal's theme. Practice turns it yellow (練習モード).
type Kiosk struct {
	Practice bool
}

var _ fyne.Theme = (*Kiosk)(nil)

// Practice colours: yellow so that nobody mistakes practice for real sales.
var (
	PracticeBackground = color.NRGBA{R: 0xff, G: 0xe0, B: 0x3a, A: 0xff}
	practiceButton     = color.NRGBA{R: 0xff, G: 0xf3, B: 0xa0, A: 0xff}
	brand              = color.NRGBA{R: 0xd7, G: 0x1f, B: 0x3d, A: 0xff}
)

// Color implements fyne.Theme. The kiosk is always light: it stands in
// shops, and the manual's screens are light.
func (k *Kiosk) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if k.Practice {
		switch n {
		case theme.ColorNameBackground:
			return PracticeBackground
		case theme.ColorNameButton, theme.ColorNameInputBackground:
			return practiceButton
		case theme.ColorNameForeground:
			return color.Black
		}
	}
	if n == theme.ColorNamePrimary {
		return brand
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

// Font implements fyne.Theme.
func (k *Kiosk) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Monospace:
		return FontMono
	case s.Bold:
		return FontBold
	}
	return FontRegular
}

// Icon implements fyne.Theme.
func (k *Kiosk) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size implements fyne.Theme: larger text and padding for a touchscreen
// read at arm's length.
func (k *Kiosk) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 18
	case theme.SizeNameHeadingText:
		return 30
	case theme.SizeNameSubHeadingText:
		return 22
	case theme.SizeNamePadding:
		return 6
	case theme.SizeNameInnerPadding:
		return 10
	}
	return theme.DefaultTheme().Size(n)
}

// StatusBarColor is the status bar's background.
var StatusBarColor = color.NRGBA{R: 0xe8, G: 0xea, B: 0xee, A: 0xff}

// PracticeBanner is the 練習 banner's background.
var PracticeBanner = color.NRGBA{R: 0xff, G: 0xb3, B: 0x00, A: 0xff}

//go:embed fonts/NotoSansCJKsc-Regular-zhko-subset.otf
var cjk []byte

// FontZhKo draws the customer display's Chinese and Korean lines (Noto Sans
// CJK SC, OFL 1.1, subset to the characters of i18n's zh and ko files).
var FontZhKo = fyne.NewStaticResource("NotoSansCJKsc-zhko.otf", cjk)

// ZhKo is the kiosk theme with the Chinese/Korean face, for
// container.NewThemeOverride around zh and ko text.
type ZhKo struct{ Kiosk }

// Font implements fyne.Theme.
func (z *ZhKo) Font(fyne.TextStyle) fyne.Resource { return FontZhKo }
