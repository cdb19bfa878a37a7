package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
)

// BindKeys gives a laptop's keyboard the taps staff make: Enter is [OK]
// and Esc is [×] on outcome, error and confirmation screens; on 決済初期画面
// the demo's POS panel takes digits, Backspace, Enter (支払) and Esc (C).
// A button never keeps the keyboard focus, so Space or Enter on a button
// reached with Tab cannot start a payment by itself.
func (u *UI) BindKeys(c fyne.Canvas) {
	c.SetOnTypedKey(u.typedKey)
	c.SetOnTypedRune(u.typedRune)
	if dc, ok := c.(desktop.Canvas); ok {
		dc.SetOnKeyDown(func(*fyne.KeyEvent) {
			switch c.Focused().(type) {
			case *widget.Button, *widget.Select, *widget.Check:
				c.Unfocus() // the key goes to typedKey instead
			}
		})
	}
}

func (u *UI) typedKey(ev *fyne.KeyEvent) {
	enter := ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter
	esc := ev.Name == fyne.KeyEscape
	switch {
	case enter && u.keyOK != nil:
		u.keyOK()
	case esc && u.keyCancel != nil:
		u.keyCancel()
	case u.panelHasKeys():
		switch {
		case enter:
			u.panel.onPay()
		case esc:
			u.panel.clear()
		case ev.Name == fyne.KeyBackspace || ev.Name == fyne.KeyDelete:
			u.panel.backspace()
		}
	}
}

func (u *UI) typedRune(r rune) {
	if r >= '0' && r <= '9' && u.panelHasKeys() {
		u.panel.typeDigits(string(r))
	}
}

// panelHasKeys: the POS panel takes the keyboard on 決済初期画面 with the
// menu closed (staff typing a password are not typing an amount).
func (u *UI) panelHasKeys() bool {
	return u.panel != nil && u.phase == app.PhaseIdle && u.menu.page == pageNone
}
