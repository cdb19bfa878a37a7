package screens

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
	"codepay/i18n"
	"codepay/theme"
)

// statusBar shows the POS link, the center, the camera and practice mode.
type statusBar struct {
	tr                         *i18n.Localizer
	pos, center, cam, practice *widget.Label
	unsettled, printer         *widget.Label
	box                        *fyne.Container
}

func newStatusBar(tr *i18n.Localizer) *statusBar {
	b := &statusBar{tr: tr, pos: widget.NewLabel(""), center: widget.NewLabel(""), cam: widget.NewLabel(""), practice: widget.NewLabel(""), unsettled: widget.NewLabel(""), printer: widget.NewLabel("")}
	bg := canvas.NewRectangle(theme.StatusBarColor)
	b.box = container.NewStack(bg, container.NewHBox(b.pos, b.center, b.cam, b.printer, b.unsettled, b.practice))
	return b
}

func (b *statusBar) link(state string) string {
	switch state {
	case app.LinkUp:
		return b.tr.T("status.ok")
	case app.LinkPanel:
		return b.tr.T("status.panel")
	}
	return b.tr.T("status.down")
}

func (b *statusBar) update(s app.Status) {
	b.pos.SetText(fmt.Sprintf("%s: %s", b.tr.T("status.pos"), b.link(s.POS)))
	b.center.SetText(fmt.Sprintf("%s: %s", b.tr.T("status.center"), b.link(s.Center)))
	// In staff's words: the demo camera is デモ, a camera that works is
	// 接続, whatever its device path.
	cam := b.tr.T("status.ok")
	switch s.Camera {
	case app.LinkDown:
		cam = b.tr.T("status.down")
	case "demo":
		cam = b.tr.T("status.demo")
	}
	b.cam.SetText(fmt.Sprintf("%s: %s", b.tr.T("status.camera"), cam))
	b.practice.SetText("")
	if s.Practice {
		b.practice.SetText(b.tr.T("status.practice"))
	}
	b.unsettled.SetText("")
	if s.Unsettled > 0 {
		b.unsettled.SetText(b.tr.T("status.unsettled", "N", s.Unsettled))
	}
	// The printer, when there is one: a problem is a staff message here,
	// never a payment error; the slips wait for it.
	b.printer.SetText("")
	b.printer.Importance = widget.MediumImportance
	b.printer.Hide() // no printer: nothing said
	if s.Printer != "" {
		b.printer.Show()
		text := b.tr.T("status.printer") + ": " + b.tr.T("status.printer."+s.Printer)
		if s.PrintWaiting > 0 && s.Printer != app.PrinterReady {
			text += " " + b.tr.T("status.printer.waiting", "N", s.PrintWaiting)
		}
		if s.Printer != app.PrinterReady {
			b.printer.Importance = widget.DangerImportance
		}
		b.printer.SetText(text)
	}
	b.box.Refresh() // lay the row out again: a shorter text frees its width
}

func practiceBanner(tr *i18n.Localizer) fyne.CanvasObject {
	l := widget.NewLabel(tr.T("practice.banner"))
	l.Alignment = fyne.TextAlignCenter
	l.TextStyle.Bold = true
	l.SizeName = "subHeadingText"
	return container.NewStack(canvas.NewRectangle(theme.PracticeBanner), l)
}
