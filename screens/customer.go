package screens

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"codepay/app"
	"codepay/i18n"
	"codepay/theme"
)

// CustomerDisplay is the second window facing the customer: the amount,
// the prompt with the preview, and the outcome, in Japanese with an English
// line (and Chinese or Korean for brands whose users need them). Nothing
// meant for staff (error codes, remedies, menus) appears on it.
type CustomerDisplay struct {
	tr      map[string]*i18n.Localizer
	body    *fyne.Container
	preview *canvas.Image
}

// NewCustomerDisplay builds the customer display's content.
func NewCustomerDisplay() *CustomerDisplay {
	c := &CustomerDisplay{tr: map[string]*i18n.Localizer{}, body: container.NewStack()}
	for _, l := range i18n.Languages {
		c.tr[l] = i18n.New(l)
	}
	c.preview = canvas.NewImageFromImage(image.NewGray(image.Rect(0, 0, 320, 240)))
	c.preview.FillMode = canvas.ImageFillContain
	c.preview.SetMinSize(fyne.NewSize(320, 240))
	return c
}

// Content is the window's content.
func (c *CustomerDisplay) Content() fyne.CanvasObject { return c.body }

// lines gives a message in Japanese first, then English, then the extra
// languages asked for.
func (c *CustomerDisplay) lines(key string, extra []string, args ...any) []fyne.CanvasObject {
	out := []fyne.CanvasObject{heading(c.tr["ja"].T(key, args...)), centred(c.tr["en"].T(key, args...))}
	for _, l := range extra {
		if l == "ja" || l == "en" {
			continue
		}
		// Chinese and Korean need their own face (the Japanese font lacks
		// simplified hanzi and hangul).
		out = append(out, container.NewThemeOverride(centred(c.tr[l].T(key, args...)), &theme.ZhKo{}))
	}
	return out
}

func (c *CustomerDisplay) render(s app.State) {
	var objs []fyne.CanvasObject
	amount := func() {
		if s.Amount > 0 {
			objs = append(objs, centred(c.tr["ja"].T("pay.amount")+" / "+c.tr["en"].T("pay.amount")), heading(i18n.Yen(s.Amount)))
		}
	}
	switch s.Phase {
	case app.PhaseWaitingCode:
		amount()
		objs = append(objs, c.lines("pay.prompt", []string{"zh", "ko"})...)
		objs = append(objs, container.NewCenter(c.preview))
	case app.PhaseProcessing:
		amount()
		objs = append(objs, c.lines("pay.processing", nil)...)
	case app.PhaseDone:
		if s.Txn != nil && s.Op == app.OpPayment {
			objs = append(objs, heading(i18n.Yen(s.Txn.Amount)))
			objs = append(objs, c.lines("pay.done", app.CustomerLangs(s.Txn.Brand))...)
		}
	case app.PhaseError:
		if s.Op == app.OpPayment {
			objs = append(objs, c.lines("customer.failed", nil)...)
		}
	}
	if len(objs) == 0 {
		objs = c.lines("customer.welcome", nil)
	}
	c.body.Objects = []fyne.CanvasObject{screen(objs...)}
	c.body.Refresh()
}
