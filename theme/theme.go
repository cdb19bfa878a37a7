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

// Colours by meaning, the same on every screen: a state is recognised by
// its colour before a word is read. Each is dark enough to carry white
// text and to stand as text on the light background (WCAG AA, checked by
// TestContrast).
var (
	Success    = color.NRGBA{R: 0x1b, G: 0x7a, B: 0x3d, A: 0xff} // done
	Error      = color.NRGBA{R: 0xb3, G: 0x1b, B: 0x1b, A: 0xff} // refused, failed
	Warning    = color.NRGBA{R: 0x8a, G: 0x4b, B: 0x00, A: 0xff} // outcome unknown: the money may have moved
	Processing = color.NRGBA{R: 0x1f, G: 0x4e, B: 0xa8, A: 0xff} // asking the center
	// Text is the body text on the light background.
	Text = color.NRGBA{R: 0x1f, G: 0x23, B: 0x28, A: 0xff}
	// Background is the normal background.
	Background = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	// SecondaryButton is the fill of [×], [リセット] and keys: visibly a
	// button on white, plainly not the primary action.
	SecondaryButton = color.NRGBA{R: 0xdd, G: 0xe1, B: 0xe6, A: 0xff}
	// Paper is a receipt or report on screen, on a shadow, as it comes out
	// of the printer.
	Paper       = color.NRGBA{R: 0xff, G: 0xfc, B: 0xf2, A: 0xff}
	PaperShadow = color.NRGBA{R: 0x00, G: 0x00, B: 0x00, A: 0x30}
	PaperEdge   = color.NRGBA{R: 0xe4, G: 0xdf, B: 0xcf, A: 0xff}
	// Selected is the chosen side of a segmented control (取引明細 /
	// 簡易明細): dark, so it is never read as [OK].
	Selected = color.NRGBA{R: 0x33, G: 0x3d, B: 0x4a, A: 0xff}
)

// Brand is the primary buttons' colour.
func Brand() color.Color { return brand }

// PracticeButton is the buttons' fill in practice mode.
func PracticeButton() color.Color { return practiceButton }

// The type scale, in Fyne size units at 1280x800: the amount is read from
// a step away.
const (
	SizeAmount  float32 = 72
	SizeState   float32 = 40
	SizeHeading float32 = 30
	SizeBody    float32 = 18
	SizeSmall   float32 = 14
	// Grid is the spacing unit: every gap is a multiple of it.
	Grid float32 = 8
	// MinTarget is the smallest tappable object, each way.
	MinTarget float32 = 48
)

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
	switch n {
	case theme.ColorNamePrimary:
		return brand
	case theme.ColorNameForeground:
		return Text // near black: the default grey is too faint from a step away
	case theme.ColorNameSuccess:
		return Success
	case theme.ColorNameError:
		return Error
	case theme.ColorNameWarning:
		return Warning
	case theme.ColorNameButton:
		return SecondaryButton
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

// Font implements fyne.Theme.
func (k *Kiosk) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Symbol:
		// The customer display's Chinese and Korean lines ask for this
		// style: the face that has simplified hanzi and hangul. (A theme
		// override measured the lines with the Japanese face and drew them
		// with this one, cutting their ends.)
		return FontZhKo
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
		return SizeBody
	case theme.SizeNameHeadingText:
		return SizeHeading
	case theme.SizeNameCaptionText:
		return SizeSmall
	case theme.SizeNameSubHeadingText:
		return 22
	case theme.SizeNamePadding:
		return 6
	case theme.SizeNameInnerPadding:
		return 10
	case theme.SizeNameLineSpacing:
		// A multi-line heading or message keeps air between its lines.
		return Grid
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
