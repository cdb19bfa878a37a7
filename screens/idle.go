package screens

import (
	"fyne.io/fyne/v2"

	"codepay/i18n"
)

// idleScreen is 決済初期画面: the terminal waits for the POS.
func idleScreen(tr *i18n.Localizer) fyne.CanvasObject {
	return screen(heading(tr.T("idle.title")), centred(tr.T("idle.hint")))
}

// recoveringScreen is shown while start-up settles interrupted transactions.
func recoveringScreen(tr *i18n.Localizer) fyne.CanvasObject {
	return screen(heading(tr.T("recovering")), centred(tr.T("recovering.hint")))
}
