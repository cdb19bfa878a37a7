package screens

import (
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
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
	log     *widget.Label
	lines   []string
	lastTxn string
	seq     atomic.Int64
	box     fyne.CanvasObject
	buttons map[string]*widget.Button // by label, for tests that tap them
}

// NewPosPanel builds the panel; customer is the demo customer whose code
// the demo camera shows.
func NewPosPanel(term *app.Terminal, customer *app.DemoCustomer) *PosPanel {
	p := &PosPanel{term: term, customer: customer, tr: term.Localizer(), buttons: map[string]*widget.Button{}}
	p.amount = widget.NewLabel("¥0")
	p.amount.Alignment = fyne.TextAlignTrailing
	p.amount.SizeName = "headingText"
	p.log = widget.NewLabel("")
	p.log.Wrapping = fyne.TextWrapWord

	keys := container.NewGridWithColumns(3)
	for _, k := range []string{"7", "8", "9", "4", "5", "6", "1", "2", "3", "0", "00"} {
		k := k
		keys.Add(p.key(k, func() { p.typeDigits(k) }))
	}
	keys.Add(p.key(p.tr.T("posp.clear"), func() { p.digits = ""; p.showAmount() }))

	pay := p.button(p.tr.T("posp.pay"), p.onPay)
	pay.Importance = widget.HighImportance
	ops := container.NewGridWithColumns(2,
		p.button(p.tr.T("posp.refund"), p.onRefund),
		p.button(p.tr.T("posp.reprint"), func() { p.send(app.Request{Op: app.OpReprint}) }),
		p.button(p.tr.T("posp.daily"), func() { p.send(app.Request{Op: app.OpDailyTotal}) }),
		p.button(p.tr.T("posp.interim"), func() { p.send(app.Request{Op: app.OpInterimTotal}) }),
	)

	brands, scenarios, formats := app.DemoChoices()
	brand0, scenario0, f0 := customer.Chosen()
	brandSel := widget.NewSelect(brands, nil)
	scenarioSel := widget.NewSelect(scenarios, nil)
	formatSel := widget.NewSelect(formats, nil)
	brandSel.SetSelected(brand0)
	scenarioSel.SetSelected(scenario0)
	formatSel.SetSelected(f0)
	choose := func(string) {
		customer.Choose(brandSel.Selected, scenarioSel.Selected, formatSel.Selected)
	}
	brandSel.OnChanged, scenarioSel.OnChanged, formatSel.OnChanged = choose, choose, choose

	title := widget.NewLabel(p.tr.T("posp.title"))
	title.TextStyle.Bold = true
	codeTitle := widget.NewLabel(p.tr.T("posp.code"))
	top := container.NewVBox(container.NewBorder(nil, nil, title, nil, p.amount), keys, container.NewGridWrap(fyne.NewSize(320, 56), pay), ops,
		widget.NewSeparator(), codeTitle, container.NewGridWithColumns(2, brandSel, formatSel), scenarioSel,
		widget.NewSeparator(), widget.NewLabel(p.tr.T("posp.log")))
	p.box = container.NewGridWrap(fyne.NewSize(340, 780), container.NewBorder(top, nil, nil, nil, container.NewVScroll(p.log)))
	return p
}

// Content is the panel's widget tree.
func (p *PosPanel) Content() fyne.CanvasObject { return p.box }

func (p *PosPanel) key(label string, tap func()) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(104, 48), p.button(label, tap))
}

func (p *PosPanel) button(label string, tap func()) *widget.Button {
	b := widget.NewButton(label, tap)
	p.buttons[label] = b
	return b
}

func (p *PosPanel) typeDigits(d string) {
	if len(p.digits)+len(d) > 7 || (p.digits == "" && d[0] == '0') {
		return
	}
	p.digits += d
	p.showAmount()
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
			p.digits = ""
			p.showAmount()
		}
		p.addLog(p.tr.T("posp.result_ok", "Op", op, "Brand", res.Txn.Brand, "Amount", i18n.Yen(res.Txn.Amount), "Slip", res.Txn.SlipNo))
	case res.OK && res.Totals != nil:
		p.addLog(p.tr.T("posp.result_totals", "Op", op, "N", res.Totals.Total.Net.Count, "Amount", i18n.Yen(res.Totals.Total.Net.Amount)))
	case res.OK:
		p.addLog(op + " " + p.tr.T("result.ok"))
	default:
		p.addLog(p.tr.T("posp.result_ng", "Op", op, "Code", res.Error.Code, "Message", oneLine(res.Error.Message)))
	}
}

func (p *PosPanel) addLog(line string) {
	p.lines = append([]string{line}, p.lines...)
	if len(p.lines) > 30 {
		p.lines = p.lines[:30]
	}
	text := ""
	for _, l := range p.lines {
		text += l + "\n"
	}
	p.log.SetText(text)
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
