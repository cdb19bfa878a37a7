package screens

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
	"codepay/i18n"
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

// lines gives a message in English and the extra languages asked for,
// each on one line (the Japanese is the band or heading above them).
func (c *CustomerDisplay) lines(key string, extra []string, args ...any) []fyne.CanvasObject {
	out := []fyne.CanvasObject{oneLineText(c.tr["en"].T(key, args...))}
	for _, l := range extra {
		if l == "ja" || l == "en" {
			continue
		}
		// Chinese and Korean need their own face (the Japanese font lacks
		// simplified hanzi and hangul).
		t := oneLineText(c.tr[l].T(key, args...))
		t.TextStyle.Symbol = true
		out = append(out, t)
	}
	return out
}

// oneLineText is a short customer message: never wrapped, so a line in a
// language without spaces is not cut.
func oneLineText(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Alignment = fyne.TextAlignCenter
	l.SizeName = fynetheme.SizeNameSubHeadingText
	return l
}

// The customer display uses the staff screens' visual system: the state's
// colour band, the amount in the largest type, the brand's badge once the
// code is read, and the outcome in the customer's languages. Nothing meant
// for staff (codes, remedies, menus) is shown.
func (c *CustomerDisplay) render(s app.State) {
	ja := c.tr["ja"]
	var objs []fyne.CanvasObject
	langs := []string{"zh", "ko"}
	if s.Brand != "" {
		langs = app.CustomerLangs(s.Brand)
	}
	switch s.Phase {
	case app.PhaseWaitingCode:
		objs = append(objs, oneLineText(ja.T("pay.amount")+" / "+c.tr["en"].T("pay.amount")), amountText(s.Amount), heading(ja.T("pay.prompt")))
		objs = append(objs, c.lines("pay.prompt", []string{"zh", "ko"})...)
		objs = append(objs, aimFrame(c.preview))
	case app.PhaseProcessing:
		objs = append(objs, stateBand(kindProcessing, ja.T("pay.processing")), busy())
		if s.Brand != "" {
			objs = append(objs, brandBadge(s.Brand))
		}
		if s.Amount > 0 {
			objs = append(objs, amountText(s.Amount))
		}
		objs = append(objs, c.lines("pay.processing", langs)...)
	case app.PhaseDone:
		if s.Txn != nil && s.Op == app.OpPayment {
			objs = append(objs, stateBand(kindSuccess, ja.T("pay.done")), amountText(s.Txn.Amount), brandBadge(s.Txn.Brand))
			objs = append(objs, c.lines("pay.done", app.CustomerLangs(s.Txn.Brand))...)
		}
	case app.PhaseError:
		if s.Op == app.OpPayment {
			objs = append(objs, stateBand(kindError, ja.T("customer.failed")))
			objs = append(objs, c.lines("customer.failed", langs)...)
		}
	}
	if len(objs) == 0 {
		objs = append([]fyne.CanvasObject{heading(ja.T("customer.welcome"))}, c.lines("customer.welcome", nil)...)
	}
	c.body.Objects = []fyne.CanvasObject{screen(objs...)}
	c.body.Refresh()
}
