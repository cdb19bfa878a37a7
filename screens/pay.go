package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"codepay/app"
	"codepay/i18n"
)

// payScreen is the payment prompt: the amount, 「QRコードをかざしてください」,
// the live camera preview and [リセット] while the payment can still be ended.
func payScreen(tr *i18n.Localizer, s app.State, preview *canvas.Image, reset func()) fyne.CanvasObject {
	objs := []fyne.CanvasObject{
		centred(tr.T("pay.amount")),
		amountText(s.Amount),
		heading(tr.T("pay.prompt")),
		aimFrame(preview),
	}
	if s.Abortable {
		objs = append(objs, container.NewCenter(secondaryButton(tr.T("pay.reset"), reset)))
	}
	return screen(objs...)
}

// processingScreen is shown while the center is asked.
func processingScreen(tr *i18n.Localizer, s app.State) fyne.CanvasObject {
	band := stateBand(kindProcessing, tr.T("pay.processing"))
	if s.Retrying {
		band = stateBand(kindRetrying, tr.T("pay.retrying"))
	}
	objs := []fyne.CanvasObject{band, busy(), centred(tr.T("pay.talking"))}
	if s.Brand != "" {
		objs = append(objs, brandBadge(s.Brand))
	}
	if s.Amount > 0 {
		objs = append(objs, centred(tr.T("pay.amount")), amountText(s.Amount))
	}
	return screen(objs...)
}
