package screens

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
	"codepay/i18n"
)

// chooseScreen is the 業務再印字 history list: tap a transaction, then [OK].
func chooseScreen(tr *i18n.Localizer, s app.State, answer func(int64)) fyne.CanvasObject {
	var chosen int64
	// Payments that a cancel or refund in the list reverses are marked.
	reversedBy := map[int64]string{}
	for _, t := range s.Choices {
		if t.OriginalID != 0 {
			reversedBy[t.OriginalID] = t.Kind
		}
	}
	list := widget.NewList(
		func() int { return len(s.Choices) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			t := s.Choices[i]
			amount := t.Amount
			if t.Kind != app.KindPayment {
				amount = -amount // a cancel or refund takes money back
			}
			line := fmt.Sprintf("%s  %s  %s  %s  %s", slipLabel(tr, t), t.At.In(app.JST).Format("01/02 15:04"),
				tr.T("txn.kind."+t.Kind), t.Brand, i18n.Yen(amount))
			if k, ok := reversedBy[t.ID]; ok {
				line += "  " + tr.T("reprint.reversed."+k)
			}
			o.(*widget.Label).SetText(line)
		})
	list.OnSelected = func(i widget.ListItemID) { chosen = s.Choices[i].ID }
	ok := once(func() {})
	buttons := container.NewHBox(
		secondaryButton(tr.T("result.close"), func() { ok(); answer(0) }),
		bigButton(tr.T("result.ok"), func() {
			if chosen != 0 {
				ok()
				answer(chosen)
			}
		}),
	)
	top := heading(tr.T("reprint.title"))
	if len(s.Choices) == 0 {
		return screen(top, centred(tr.T("reprint.empty")), container.NewCenter(buttons))
	}
	return container.NewBorder(top, container.NewCenter(buttons), nil, nil, list)
}

// reportScreen shows a slip or a totals report as the printer would print
// it; a totals report can be switched between 取引明細 and 簡易明細.
func (u *UI) reportScreen(tr *i18n.Localizer, s app.State, ok func()) fyne.CanvasObject {
	lines := s.Receipt
	var toggle fyne.CanvasObject = container.NewHBox()
	if s.Totals != nil || s.Batch != nil {
		if s.Batch != nil {
			lines = u.term.BatchReport(s.Batch, u.detail, s.Practice, s.ReportAt)
		} else {
			lines = u.term.TotalsReport(*s.Totals, s.Details, u.detail, s.Practice, s.Reprint, s.ReportAt)
		}
		details := []app.Detail{app.DetailFull, app.DetailSimple}
		chosen := 0
		if u.detail == app.DetailSimple {
			chosen = 1
		}
		toggle = segmented([]string{tr.T("report.details"), tr.T("report.simple")}, chosen, func(i int) {
			u.detail = details[i]
			u.refresh()
		})
	}
	paper := container.NewCenter(container.NewPadded(paperCard(strings.Join(lines, "\n"))))
	bottom := container.NewCenter(container.NewHBox(toggle, bigButton(tr.T("result.ok"), once(ok))))
	var top fyne.CanvasObject
	if s.Mismatch != nil {
		// Figures and lines disagree: staff see it before anything else.
		warn := heading(tr.T("report.mismatch") + "\n" + tr.T("report.mismatch.hint"))
		warn.Importance = widget.DangerImportance
		top = warn
	}
	return container.NewBorder(top, bottom, nil, nil, container.NewVScroll(paper))
}
