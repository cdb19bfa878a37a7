package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// keypad is an on-screen numeric keypad: the kiosk has no keyboard.
func keypad(onDigit func(string), onClear func(), clearLabel string) fyne.CanvasObject {
	keys := container.NewGridWithColumns(3)
	for _, k := range []string{"7", "8", "9", "4", "5", "6", "1", "2", "3", "0"} {
		k := k
		keys.Add(touch(widget.NewButton(k, func() { onDigit(k) })))
	}
	keys.Add(touch(widget.NewButton("00", func() { onDigit("00") })))
	keys.Add(touch(widget.NewButton(clearLabel, onClear)))
	return container.NewGridWrap(fyne.NewSize(300, 264), keys)
}

// touch gives a button a touch target of at least 48 px.
func touch(b *widget.Button) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(96, 60), b)
}
