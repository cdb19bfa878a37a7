package screens

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
	"codepay/i18n"
)

// onlineScreen is the オンラインテスト result with its round-trip time.
func onlineScreen(tr *i18n.Localizer, s app.State, ok func()) fyne.CanvasObject {
	o := s.Online
	title := tr.T("online.ok")
	if !o.OK {
		title = tr.T("online.ng")
	}
	form := widget.NewForm(
		widget.NewFormItem(tr.T("online.rtt"), widget.NewLabel(fmt.Sprintf("%d ms", o.RoundTrip.Milliseconds()))),
		widget.NewFormItem(tr.T("online.status"), widget.NewLabel(o.TerminalStatus)),
		widget.NewFormItem(tr.T("online.version"), widget.NewLabel(o.CenterVersion)),
	)
	// The outcome in its state's colour, as every outcome screen.
	band := stateBand(kindSuccess, title)
	if !o.OK {
		band = stateBand(kindError, title)
	}
	objs := []fyne.CanvasObject{heading(tr.T("menu.online_test")), band}
	if o.OK {
		objs = append(objs, container.NewCenter(form))
	} else {
		objs = append(objs, centred(tr.T("error.code", "Code", o.ErrorCode)), centred(tr.T("error."+o.ErrorCode+".message")))
	}
	objs = append(objs, container.NewCenter(bigButton(tr.T("result.ok"), once(ok))))
	return screen(objs...)
}
