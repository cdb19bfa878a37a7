package screens

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codepay/i18n"
	"codepay/theme"
)

// The visual system's pieces, used by every state screen: a band in the
// state's colour with its icon and name, the amount in the largest type,
// and primary and secondary buttons that look different.

// kind is what a state means, and so its colour and icon.
type kind int

const (
	kindSuccess kind = iota
	kindError
	kindUnknown // the outcome is not known: the money may have moved
	kindProcessing
	kindRetrying
)

func (k kind) colour() color.Color {
	switch k {
	case kindSuccess:
		return theme.Success
	case kindError:
		return theme.Error
	case kindUnknown, kindRetrying:
		return theme.Warning
	}
	return theme.Processing
}

func (k kind) icon() fyne.Resource {
	switch k {
	case kindSuccess:
		return fynetheme.ConfirmIcon()
	case kindError:
		return fynetheme.ErrorIcon()
	case kindUnknown:
		return fynetheme.WarningIcon()
	case kindRetrying:
		return fynetheme.ViewRefreshIcon()
	}
	return fynetheme.UploadIcon()
}

// stateBand is a full-width band in the state's colour: its icon and its
// name in white, large.
func stateBand(k kind, text string) fyne.CanvasObject {
	bg := canvas.NewRectangle(k.colour())
	bg.SetMinSize(fyne.NewSize(0, 2*theme.SizeState+4*theme.Grid))
	label := canvas.NewText(text, color.White)
	label.TextSize = theme.SizeState
	label.TextStyle.Bold = true
	icon := canvas.NewImageFromResource(fynetheme.NewColoredResource(k.icon(), fynetheme.ColorNameForegroundOnSuccess))
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(theme.SizeState*1.5, theme.SizeState*1.5))
	row := container.NewHBox(icon, label)
	return container.NewStack(bg, container.NewCenter(row))
}

// amountText is the amount in the largest type of the scale.
func amountText(amount int64) fyne.CanvasObject {
	t := canvas.NewText(i18n.Yen(amount), theme.Text)
	t.TextSize = theme.SizeAmount
	t.TextStyle.Bold = true
	t.Alignment = fyne.TextAlignCenter
	return container.NewCenter(t)
}

// brandBadge is the brand on a coloured tag.
func brandBadge(name string) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Processing)
	bg.CornerRadius = theme.Grid
	t := canvas.NewText(name, color.White)
	t.TextSize = theme.SizeHeading
	t.TextStyle.Bold = true
	return container.NewCenter(container.NewStack(bg, container.NewPadded(container.NewPadded(t))))
}

// secondaryButton is [×], [リセット] and the like: as large a target as
// bigButton, but grey, so that the primary action stands out.
func secondaryButton(text string, tap func()) fyne.CanvasObject {
	b := widget.NewButton(text, tap)
	b.Importance = widget.MediumImportance
	return container.NewGridWrap(fyne.NewSize(200, 64), b)
}
