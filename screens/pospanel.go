package screens

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
	"codepay/app/center"
	"codepay/i18n"
)

// PosPanel is the demo's on-screen POS: it sends the same requests as a
// register on the serial line, through the same handler.
type PosPanel struct {
	term     *app.Terminal
	customer *app.DemoCustomer
	tr       *i18n.Localizer

	amount  *widget.Label
	digits  string
	log     *fyne.Container // one entry per result, newest first
	entries int
	lastTxn string
	seq     atomic.Int64
	box     fyne.CanvasObject
	buttons map[string]*keylessButton // by label, for tests that tap them
	// paper is the virtual printer's roll, newest page first.
	paper *fyne.Container
	tabs  *container.AppTabs
	// selects, by what they choose: brand, format, scenario.
	brandSel, formatSel, scenarioSel *widget.Select
}

// NewPosPanel builds the panel; customer is the demo customer whose code
// the demo camera shows.
func NewPosPanel(term *app.Terminal, customer *app.DemoCustomer) *PosPanel {
	p := &PosPanel{term: term, customer: customer, tr: term.Localizer(), buttons: map[string]*keylessButton{}}
	p.amount = widget.NewLabel("¥0")
	p.amount.Alignment = fyne.TextAlignTrailing
	p.amount.SizeName = "headingText"
	p.log = container.NewVBox()

	keys := container.NewGridWithColumns(3)
	for _, k := range []string{"7", "8", "9", "4", "5", "6", "1", "2", "3", "0", "00"} {
		k := k
		keys.Add(p.key(k, func() { p.typeDigits(k) }))
	}
	keys.Add(p.key(p.tr.T("posp.clear"), p.clear))

	pay := p.button(p.tr.T("posp.pay"), p.onPay)
	pay.Importance = widget.HighImportance
	ops := container.NewGridWithColumns(2,
		p.button(p.tr.T("posp.refund"), p.onRefund),
		p.button(p.tr.T("posp.reprint"), func() { p.send(app.Request{Op: app.OpReprint}) }),
		p.button(p.tr.T("posp.daily"), func() { p.send(app.Request{Op: app.OpDailyTotal}) }),
		p.button(p.tr.T("posp.interim"), func() { p.send(app.Request{Op: app.OpInterimTotal}) }),
	)

	// The choices are shown in words, each scenario with the outcome it
	// gives; the demo customer gets the identifiers behind them.
	brands, scenarios, formats := app.DemoChoices()
	brand0, scenario0, f0 := customer.Chosen()
	formatLabels := labels(formats, func(f string) string { return p.tr.T("posp.format." + f) })
	scenarioLabels := labels(scenarios, p.scenarioLabel)
	p.brandSel = widget.NewSelect(brands, nil)
	p.formatSel = widget.NewSelect(formatLabels, nil)
	p.scenarioSel = widget.NewSelect(scenarioLabels, nil)
	p.brandSel.SetSelected(brand0)
	p.formatSel.SetSelected(formatLabels[index(formats, f0)])
	p.scenarioSel.SetSelected(scenarioLabels[index(scenarios, scenario0)])
	choose := func(string) {
		customer.Choose(p.brandSel.Selected, scenarios[max(0, p.scenarioSel.SelectedIndex())], formats[max(0, p.formatSel.SelectedIndex())])
	}
	p.brandSel.OnChanged, p.formatSel.OnChanged, p.scenarioSel.OnChanged = choose, choose, choose

	title := widget.NewLabel(p.tr.T("posp.title"))
	title.TextStyle.Bold = true
	hint := widget.NewLabel(p.tr.T("posp.keys"))
	hint.Wrapping = fyne.TextWrapWord
	hint.SizeName = fynetheme.SizeNameCaptionText
	form := widget.NewForm(
		widget.NewFormItem(p.tr.T("posp.brand"), p.brandSel),
		widget.NewFormItem(p.tr.T("posp.format"), p.formatSel),
	)
	top := container.NewVBox(container.NewBorder(nil, nil, title, nil, p.amount), keys, pay, ops, hint, widget.NewSeparator())
	// Below the keys, three tabs: the code the customer holds up, the
	// results, and the paper the virtual printer printed (a slip coming out
	// brings its tab forward).
	p.paper = container.NewVBox()
	chooser := container.NewVBox(form, widget.NewLabel(p.tr.T("posp.scenario.title")), p.scenarioSel)
	p.tabs = container.NewAppTabs(
		container.NewTabItem(p.tr.T("posp.code"), chooser),
		container.NewTabItem(p.tr.T("posp.log"), container.NewVScroll(p.log)),
		container.NewTabItem(p.tr.T("posp.paper"), container.NewVScroll(container.NewCenter(p.paper))),
	)
	// Inset from the window's edge, one width for every row.
	p.box = container.NewPadded(container.NewGridWrap(fyne.NewSize(336, 760), container.NewBorder(top, nil, nil, nil, p.tabs)))
	return p
}

// scenarioLabel is a scenario in words with the outcome staff will see:
// 「残高不足 → Q1ET0006」.
func (p *PosPanel) scenarioLabel(name string) string {
	sc, _ := center.ScenarioByName(name)
	expect := p.tr.T("posp.expect.done")
	if code, _, _ := strings.Cut(sc.Outcome, " "); strings.HasPrefix(code, "Q1") {
		expect = code
	}
	return p.tr.T("posp.scenario", "Label", p.tr.T("posp.scenario."+name), "Expect", expect)
}

func labels(values []string, label func(string) string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = label(v)
	}
	return out
}

func index(values []string, v string) int {
	for i, x := range values {
		if x == v {
			return i
		}
	}
	return 0
}

// Content is the panel's widget tree.
func (p *PosPanel) Content() fyne.CanvasObject { return p.box }

func (p *PosPanel) key(label string, tap func()) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(104, 48), p.button(label, tap))
}

func (p *PosPanel) button(label string, tap func()) *keylessButton {
	b := &keylessButton{}
	b.Text, b.OnTapped = label, tap
	b.ExtendBaseWidget(b)
	p.buttons[label] = b
	return b
}

// keylessButton is a button that a key never presses: Space on a button
// reached with Tab would otherwise start a payment. The keyboard's own
// keys (Enter for 支払, Esc for C) are the canvas's, see BindKeys.
type keylessButton struct{ widget.Button }

func (b *keylessButton) TypedKey(*fyne.KeyEvent) {}

func (p *PosPanel) typeDigits(d string) {
	if len(p.digits)+len(d) > 7 || (p.digits == "" && d[0] == '0') {
		return
	}
	p.digits += d
	p.showAmount()
}

// clear is [C]: the amount typed so far goes.
func (p *PosPanel) clear() {
	p.digits = ""
	p.showAmount()
}

// backspace takes back the last digit typed.
func (p *PosPanel) backspace() {
	if p.digits != "" {
		p.digits = p.digits[:len(p.digits)-1]
		p.showAmount()
	}
}

func (p *PosPanel) showAmount() {
	n, _ := strconv.ParseInt(p.digits, 10, 64)
	p.amount.SetText(i18n.Yen(n))
}

func (p *PosPanel) onPay() {
	n, _ := strconv.ParseInt(p.digits, 10, 64)
	if n < 1 {
		p.addLog(p.tr.T("posp.bad_amount"))
		return
	}
	p.send(app.Request{Op: app.OpPayment, Amount: n})
}

// onRefund cancels the last payment the panel made.
func (p *PosPanel) onRefund() {
	if p.lastTxn == "" {
		p.addLog(p.tr.T("posp.no_last"))
		return
	}
	p.send(app.Request{Op: app.OpRefund, SlipNo: p.lastTxn})
}

func (p *PosPanel) send(req app.Request) {
	n := p.seq.Add(1)
	req.Type, req.Seq = "request", n
	req.ID = fmt.Sprintf("PNL-%s-%d", time.Now().Format("20060102150405"), n)
	body, _ := json.Marshal(req)
	go p.term.Handle(body, func(msg any) { uiDo(func() { p.onReply(msg) }) })
}

func (p *PosPanel) onReply(msg any) {
	res, ok := msg.(*app.Result)
	if !ok {
		return
	}
	op := p.tr.T("posp.op." + res.Op)
	switch {
	case res.OK && res.Txn != nil:
		if res.Op == app.OpPayment {
			p.lastTxn = res.Txn.SlipNo
			p.clear()
		}
		p.addEntry(p.tr.T("posp.result_ok", "Op", op, "Amount", i18n.Yen(res.Txn.Amount)),
			res.Txn.Brand+"  "+p.tr.T("posp.entry.slip", "Slip", res.Txn.SlipNo), false)
	case res.OK && res.Totals != nil:
		p.addEntry(p.tr.T("posp.result_totals", "Op", op, "N", res.Totals.Total.Net.Count, "Amount", i18n.Yen(res.Totals.Total.Net.Amount)), "", false)
	case res.OK:
		p.addEntry(op+" "+p.tr.T("result.ok"), "", false)
	default:
		p.addEntry(p.tr.T("posp.result_ng", "Op", op, "Code", res.Error.Code), oneLine(res.Error.Message), true)
	}
}

// addLog adds a line of the panel's own (not a result).
func (p *PosPanel) addLog(line string) { p.addEntry(line, "", true) }

// addEntry puts a result at the top of the log: its first line in bold,
// the detail under it, a rule between entries; the newest 30 are kept.
func (p *PosPanel) addEntry(head, detail string, problem bool) {
	h := widget.NewLabel(head)
	h.TextStyle.Bold = true
	h.Truncation = fyne.TextTruncateEllipsis
	if problem {
		h.Importance = widget.DangerImportance
	}
	entry := container.NewVBox(h)
	if detail != "" {
		d := widget.NewLabel(detail)
		d.Wrapping = fyne.TextWrapWord
		entry.Add(d)
	}
	objs := []fyne.CanvasObject{entry}
	if len(p.log.Objects) > 0 {
		objs = append(objs, widget.NewSeparator())
	}
	objs = append(objs, p.log.Objects...)
	if len(objs) > 59 { // 30 entries and the rules between them
		objs = objs[:59]
	}
	p.log.Objects = objs
	p.log.Refresh()
}

// logText is the log as text, newest first, for tests.
func (p *PosPanel) logText() []string {
	var out []string
	for _, o := range p.log.Objects {
		if c, ok := o.(*fyne.Container); ok {
			var parts []string
			for _, l := range c.Objects {
				parts = append(parts, l.(*widget.Label).Text)
			}
			out = append(out, strings.Join(parts, "\n"))
		}
	}
	return out
}

func oneLine(s string) string {
	out := []rune{}
	for _, r := range s {
		if r == '\n' {
			r = ' '
		}
		out = append(out, r)
	}
	return string(out)
}

// ShowPrinted puts a page the demo's virtual printer printed on top of the
// paper roll, and shows the roll: the page is drawn from the ESC/POS bytes
// the printer got, so it is what a printer would print.
func (p *PosPanel) ShowPrinted(page image.Image) {
	uiDo(func() {
		b := page.Bounds()
		img := canvas.NewImageFromImage(page)
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScaleSmooth
		w := float32(296)
		img.SetMinSize(fyne.NewSize(w, w*float32(b.Dy())/float32(b.Dx())))
		// A sheet of paper: white, with a torn edge (a dashed rule) above.
		sheet := container.NewStack(canvas.NewRectangle(color.White), container.NewPadded(img))
		objs := append([]fyne.CanvasObject{sheet, widget.NewLabel(p.tr.T("posp.cut"))}, p.paper.Objects...)
		if len(objs) > 40 { // 20 pages
			objs = objs[:40]
		}
		p.paper.Objects = objs
		p.paper.Refresh()
		p.tabs.SelectIndex(2)
	})
}

// paperPages counts the pages on the roll (tests).
func (p *PosPanel) paperPages() int { return len(p.paper.Objects) / 2 }
