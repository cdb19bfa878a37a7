// Package screens draws the terminal: one file per screen of the manual.
// Screens are thin: they render the app's State and pass taps to it.
package screens

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
	"codepay/i18n"
	"codepay/theme"
)

// UI is the terminal's main window content.
type UI struct {
	term    *app.Terminal
	tr      *i18n.Localizer
	fyneApp fyne.App

	root    *fyne.Container
	status  *statusBar
	body    *fyne.Container
	overlay *fyne.Container
	preview *canvas.Image
	panel   *PosPanel
	phase   app.Phase
	last    app.State
	banner  *fyne.Container
	menu    menuUI
	sales   salesUI
	detail  app.Detail
	themed  bool
	// customer is the second window's content, when there is one.
	customer *CustomerDisplay
	// keyOK and keyCancel are what Enter and Esc do on the screen shown
	// ([OK] and [×]); nil where the screen has no such button.
	keyOK, keyCancel func()
}

// New builds the UI for a terminal. panel is the on-screen POS of the demo
// (nil when a real POS is on the serial line).
func New(a fyne.App, term *app.Terminal, panel *PosPanel) *UI {
	u := &UI{term: term, tr: term.Localizer(), fyneApp: a, panel: panel}
	u.status = newStatusBar(u.tr)
	u.preview = canvas.NewImageFromImage(image.NewGray(image.Rect(0, 0, 320, 240)))
	u.preview.FillMode = canvas.ImageFillContain
	u.preview.ScaleMode = canvas.ImageScaleFastest
	u.preview.SetMinSize(fyne.NewSize(320, 240))
	u.menu.u = u
	u.body = container.NewStack()
	u.overlay = container.NewStack()
	u.banner = container.NewStack()
	edge := newEdgeSwipe(func() {
		if u.menu.page == pageNone && u.term.Fault() == nil {
			u.menu.show(pageDrawer)
		}
	})
	main := container.NewStack(
		container.NewBorder(container.NewVBox(u.status.box, u.banner), nil, nil, nil, u.body),
		container.NewBorder(nil, nil, edge, nil),
		u.overlay,
	)
	if panel != nil {
		u.root = container.NewBorder(nil, nil, nil, panel.Content(), main)
	} else {
		u.root = container.NewStack(main)
	}
	term.OnPreview(u.onPreview)
	term.Subscribe(func(s app.State) { uiDo(func() { u.render(s) }) })
	return u
}

// AskFirstPassword opens the page that sets the staff password, for a
// terminal started without one (not the demo).
func (u *UI) AskFirstPassword() {
	uiDo(func() { u.menu.show(pageSetPassword) })
}

// AttachCustomerDisplay makes the UI keep a customer-facing display in step.
func (u *UI) AttachCustomerDisplay(c *CustomerDisplay) {
	u.customer = c
	c.render(u.last)
}

// refresh draws the current state again (after a view-only change).
func (u *UI) refresh() { u.render(u.last) }

// Content is the window's content.
func (u *UI) Content() fyne.CanvasObject { return u.root }

// onPreview shows a camera frame; it runs on the scanning goroutine, so the
// frame is copied (scaled down) before the UI goroutine gets it.
func (u *UI) onPreview(f *image.Gray) {
	small := downscale(f)
	uiDo(func() {
		u.preview.Image = small
		u.preview.Refresh()
		if u.customer != nil {
			u.customer.preview.Image = small
			u.customer.preview.Refresh()
		}
	})
}

// downscale halves a frame until it is at most 320 wide.
func downscale(f *image.Gray) *image.Gray {
	w, h := f.Rect.Dx(), f.Rect.Dy()
	k := 1
	for w/k > 320 {
		k *= 2
	}
	out := image.NewGray(image.Rect(0, 0, w/k, h/k))
	for y := 0; y < h/k; y++ {
		src := f.Pix[(y*k)*f.Stride:]
		dst := out.Pix[y*out.Stride:]
		for x := 0; x < w/k; x++ {
			dst[x] = src[x*k]
		}
	}
	return out
}

func (u *UI) render(s app.State) {
	stopAnimations()
	u.status.update(s.Status)
	practice := s.Practice || s.Status.Practice
	if practice != u.last.Practice || !u.themed {
		u.themed = true
		u.fyneApp.Settings().SetTheme(&theme.Kiosk{Practice: practice})
		u.banner.Objects = nil
		if practice {
			u.banner.Objects = []fyne.CanvasObject{practiceBanner(u.tr)}
		}
		u.banner.Refresh()
	}
	if s.Phase != app.PhaseReport {
		u.detail = app.DetailFull
	}
	if s.Phase != app.PhaseSales {
		u.sales = salesUI{}
	}
	u.last = s
	u.last.Practice = practice
	u.phase = s.Phase
	if u.customer != nil {
		u.customer.render(s)
	}
	u.overlay.Objects = nil
	if u.menu.page == pageDrawer {
		u.overlay.Objects = []fyne.CanvasObject{u.menu.drawer(u.tr)}
	}
	u.overlay.Refresh()
	// One gate per screen: a tap and a key (Enter, Esc) act once between
	// them, as two taps do.
	act := once(func() {})
	gated := func(fn func()) func() {
		done := false
		return func() {
			if !done {
				done = true
				act()
				fn()
			}
		}
	}
	dismiss := gated(u.term.Dismiss)
	answered := false
	answer := func(v int64) {
		if !answered {
			answered = true
			u.term.Answer(v)
		}
	}
	u.keyOK, u.keyCancel = nil, nil
	var content fyne.CanvasObject
	switch s.Phase {
	case app.PhaseRecovering:
		content = recoveringScreen(u.tr)
	case app.PhaseFault:
		content = faultScreen(u.tr, s)
	case app.PhaseWaitingCode:
		content = payScreen(u.tr, s, u.preview, u.term.Reset)
		if s.Abortable {
			u.keyCancel = u.term.Reset
		}
	case app.PhaseProcessing:
		content = processingScreen(u.tr, s)
	case app.PhaseDone:
		content = doneScreen(u.tr, s, dismiss)
		u.keyOK, u.keyCancel = dismiss, dismiss
	case app.PhaseError:
		content = errorScreen(u.tr, s, dismiss)
		u.keyOK, u.keyCancel = dismiss, dismiss
	case app.PhaseConfirm:
		content = confirmScreen(u.tr, s, answer)
		u.keyOK, u.keyCancel = func() { answer(1) }, func() { answer(0) }
	case app.PhaseChoose:
		content = chooseScreen(u.tr, s, answer)
		u.keyCancel = func() { answer(0) }
	case app.PhaseReport:
		// [OK] prints what is shown, in the detail chosen, then closes it.
		printAndClose := gated(func() {
			u.term.PrintReport(u.detail)
			u.term.Dismiss()
		})
		content = u.reportScreen(u.tr, s, printAndClose)
		u.keyOK = printAndClose
	case app.PhaseOnline:
		content = onlineScreen(u.tr, s, dismiss)
		u.keyOK, u.keyCancel = dismiss, dismiss
	case app.PhaseSales:
		content = u.salesScreen(u.tr, s)
	default:
		content = u.idleOrMenu()
	}
	u.body.Objects = []fyne.CanvasObject{content}
	u.body.Refresh()
}

// heading is a large centred line.
func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Alignment = fyne.TextAlignCenter
	l.SizeName = "headingText"
	l.TextStyle.Bold = true
	l.Wrapping = fyne.TextWrapWord
	return l
}

func centred(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Alignment = fyne.TextAlignCenter
	l.Wrapping = fyne.TextWrapWord
	return l
}

// screen centres a column of objects.
func screen(objs ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(append(append([]fyne.CanvasObject{layout.NewSpacer()}, objs...), layout.NewSpacer())...)
}

// bigButton is a touch target well over 48 px high.
func bigButton(text string, tap func()) fyne.CanvasObject {
	b := widget.NewButton(text, tap)
	b.Importance = widget.HighImportance
	return container.NewGridWrap(fyne.NewSize(200, 64), b)
}

// idleOrMenu is 決済初期画面, or the menu page the staff is on.
func (u *UI) idleOrMenu() fyne.CanvasObject {
	tr := u.tr
	if u.menu.page != pageNone && u.menu.page != pageDrawer && u.menu.page != pagePassword && u.menu.page != pageSetPassword && !u.term.MenuOpen() {
		u.menu.page = pageNone
	}
	switch u.menu.page {
	case pagePassword:
		return u.menu.passwordPage(tr)
	case pageSetPassword:
		return u.menu.setPasswordPage(tr)
	case pageMenu:
		return u.menu.mainMenu(tr)
	case pageDaily:
		return u.menu.dailyMenu(tr)
	case pagePractice:
		return u.menu.practiceMenu(tr)
	case pageQR:
		return u.menu.qrMenu(tr)
	case pageConfirm:
		return u.menu.confirmOp(tr)
	case pageDailyList:
		return u.menu.dailyList(tr)
	case pageUnsettled:
		return u.menu.unsettledList(tr)
	}
	return idleScreen(tr)
}

// uiDo runs f on the UI goroutine; the app's events arrive on others.
// Tests replace it with a queue they drain on their own goroutine, as the
// real driver's event loop does.
var uiDo = fyne.Do
