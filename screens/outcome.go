package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
	"codepay/i18n"
)

// doneScreen is the outcome of a completed payment, cancel or refund: the
// success band, the amount, the brand.
func doneScreen(tr *i18n.Localizer, s app.State, ok func()) fyne.CanvasObject {
	title := tr.T("pay.done")
	if s.Op == app.OpRefund {
		title = tr.T("refund.done")
	}
	objs := []fyne.CanvasObject{stateBand(kindSuccess, title)}
	if s.Txn != nil {
		objs = append(objs, amountText(s.Txn.Amount), brandBadge(s.Txn.Brand), centred(tr.T("txn.slip")+" "+slipLabel(tr, *s.Txn)))
	}
	objs = append(objs, container.NewCenter(bigButton(tr.T("result.ok"), once(ok))), countdown(s.ReturnAt))
	return screen(objs...)
}

// errorScreen shows an error of the manual's table: the band in the error
// colour (or the unknown-outcome colour: the money may have moved), the
// code, the message, the staff's remedy and [×].
func errorScreen(tr *i18n.Localizer, s app.State, dismiss func()) fyne.CanvasObject {
	band := stateBand(kindError, tr.T("error.title"))
	if app.OutcomeUnknown(s.ErrorCode) {
		band = stateBand(kindUnknown, tr.T("error.unknown_title"))
	}
	msg := heading(tr.T("error." + s.ErrorCode + ".message"))
	code := centred(tr.T("error.code", "Code", s.ErrorCode))
	objs := []fyne.CanvasObject{band, code, msg}
	if r := tr.T("error." + s.ErrorCode + ".remedy"); r != "" {
		title := centred(tr.T("error.remedy"))
		title.TextStyle.Bold = true
		remedy := widget.NewLabel(r)
		remedy.Alignment = fyne.TextAlignCenter
		objs = append(objs, title, remedy)
	}
	objs = append(objs, container.NewCenter(secondaryButton(tr.T("result.close"), once(dismiss))))
	return screen(objs...)
}

// faultScreen is out of service: the code, the message, what failed and
// what staff should do. There is no button: nothing may be started.
func faultScreen(tr *i18n.Localizer, s app.State) fyne.CanvasObject {
	msg := heading(tr.T("error." + s.ErrorCode + ".message"))
	code := centred(tr.T("error.code", "Code", s.ErrorCode))
	objs := []fyne.CanvasObject{code, msg}
	if r := tr.T("error." + s.ErrorCode + ".remedy"); r != "" {
		title := centred(tr.T("error.remedy"))
		title.TextStyle.Bold = true
		objs = append(objs, title, centred(r))
	}
	if s.FaultDetail != "" {
		objs = append(objs, centred(s.FaultDetail))
	}
	return screen(objs...)
}

// FaultContent is the out-of-service screen for a start-up failure that
// happened before there was a terminal to show it (a bad config, camera or
// center setting): its code, message, remedy and what failed.
func FaultContent(tr *i18n.Localizer, code, detail string) fyne.CanvasObject {
	// A fixed width for the wrapped lines: alone in a new window, a
	// wrapping label would otherwise ask for one word per line (the window
	// came out 2,206 px tall under Xvfb).
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(1200, 720),
		faultScreen(tr, app.State{Phase: app.PhaseFault, ErrorCode: code, FaultDetail: detail})))
}

// once makes a tap handler act a single time however fast it is tapped
// (the manual warns against repeated taps on [OK]).
func once(fn func()) func() {
	done := false
	return func() {
		if done {
			return
		}
		done = true
		fn()
	}
}
