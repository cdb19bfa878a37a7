package screens

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
	"codepay/app/center"
	"codepay/i18n"
)

// salesUI is the view state of the 売上報告 form: what is typed and which
// field the keypad types into.
type salesUI struct {
	step   int
	values map[string]string
	field  string
	action string
}

// salesScreen shows the step of 売上報告 the app is on: 基本情報 (the
// terminal number read-only), 送信情報 (the center's labels, up to 60
// items), then 送信 / 出力 / 確認.
func (u *UI) salesScreen(tr *i18n.Localizer, s app.State) fyne.CanvasObject {
	f := s.Sales
	su := &u.sales
	if su.step != f.Step || su.values == nil {
		*su = salesUI{step: f.Step, values: map[string]string{}}
		r := f.Report
		su.values["salesDate"], su.values["storeCode"], su.values["staffCode"] = r.Basic.SalesDate, r.Basic.StoreCode, r.Basic.StaffCode
		// Every figure entered before comes back (after [確認], or a
		// refused step): nothing typed is silently lost.
		for k, v := range map[string]int64{"netSales": r.Figures.NetSales, "taxAndOther": r.Figures.TaxAndOther, "customerCount": r.Figures.CustomerCount} {
			if v > 0 {
				su.values[k] = strconv.FormatInt(v, 10)
			}
		}
		for _, e := range r.Figures.Extra {
			su.values["extra"+strconv.Itoa(e.No)] = strconv.FormatInt(e.Value, 10)
		}
	}
	cancel := func() { u.term.SalesCancel() }
	var fields []fyne.CanvasObject
	row := func(key, label string) {
		k := key
		b := widget.NewButton(su.values[k], func() { su.field = k; u.refresh() })
		if su.field == k {
			b.Importance = widget.HighImportance
		}
		fields = append(fields, widget.NewLabel(label), container.NewGridWrap(fyne.NewSize(240, 52), b))
	}
	switch f.Step {
	case 1:
		fields = append(fields, widget.NewLabel(tr.T("receipt.terminal")), widget.NewLabel(u.term.Config().TerminalID))
		row("salesDate", tr.T("sales.date"))
		row("storeCode", tr.T("sales.store"))
		row("staffCode", tr.T("sales.staff"))
	case 2:
		row("netSales", f.Format.NetSales)
		row("taxAndOther", f.Format.TaxAndOther)
		row("customerCount", f.Format.CustomerCount)
		for _, l := range f.Format.Extra {
			row("extra"+strconv.Itoa(l.No), l.Label)
		}
	case 3:
		choice := func(action, key string) fyne.CanvasObject {
			b := widget.NewButton(tr.T(key), func() { su.action = action; u.refresh() })
			if su.action == action {
				b.Importance = widget.HighImportance
			}
			return container.NewGridWrap(fyne.NewSize(200, 64), b)
		}
		ok := func() {
			if su.action != "" {
				u.term.SalesNext(f.Report, su.action)
			}
		}
		return screen(heading(tr.T("sales.title")), centred(tr.T("sales.choose")),
			container.NewCenter(container.NewHBox(choice("send", "sales.send"), choice("output", "sales.output"), choice("confirm", "sales.confirm"))),
			container.NewCenter(container.NewHBox(secondaryButton(tr.T("result.close"), cancel), bigButton(tr.T("result.ok"), ok))))
	}
	form := container.New(layout.NewFormLayout(), fields...)
	next := func() { u.term.SalesNext(su.report(f.Report), "") }
	pad := keypad(func(d string) {
		if su.field != "" && len(su.values[su.field]) < 10 {
			su.values[su.field] += d
			u.refresh()
		}
	}, func() {
		if su.field != "" {
			su.values[su.field] = ""
			u.refresh()
		}
	}, tr.T("posp.clear"))
	title := container.NewVBox(heading(tr.T("sales.title") + " " + tr.T("sales.step"+strconv.Itoa(f.Step))))
	if f.Problem != "" {
		msg := centred(tr.T(f.Problem))
		msg.Importance = widget.DangerImportance
		title.Add(msg)
	}
	buttons := container.NewCenter(container.NewHBox(secondaryButton(tr.T("result.close"), cancel), bigButton(tr.T("result.ok"), next)))
	return container.NewBorder(title, buttons, nil, container.NewVBox(pad), container.NewVScroll(form))
}

// report builds the report from what was typed.
func (su *salesUI) report(base center.SalesReport) center.SalesReport {
	r := base
	num := func(k string) int64 { n, _ := strconv.ParseInt(su.values[k], 10, 64); return n }
	switch su.step {
	case 1:
		r.Basic.SalesDate, r.Basic.StoreCode, r.Basic.StaffCode = su.values["salesDate"], su.values["storeCode"], su.values["staffCode"]
	case 2:
		r.Figures.NetSales, r.Figures.TaxAndOther, r.Figures.CustomerCount = num("netSales"), num("taxAndOther"), num("customerCount")
		r.Figures.Extra = nil
		for no := 1; no <= 60; no++ {
			if v, ok := su.values["extra"+strconv.Itoa(no)]; ok && v != "" {
				r.Figures.Extra = append(r.Figures.Extra, center.ReportExtra{No: no, Value: num("extra" + strconv.Itoa(no))})
			}
		}
	}
	return r
}
