package app

import (
	"strings"
	"time"

	"codepay/app/center"
	"codepay/i18n"
	"codepay/store"
)

// Copy says whose copy of a slip is printed.
type Copy string

// Slip copies.
const (
	CopyCustomer Copy = "customer"
	CopyMerchant Copy = "merchant"
)

// DisplayWidth counts half-width columns: a full-width character takes two.
func DisplayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch {
	case r < 0x1100:
		return 1
	case r >= 0xFF61 && r <= 0xFF9F: // half-width katakana
		return 1
	case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
		r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60,
		r >= 0xFFE0 && r <= 0xFFE6, r >= 0x20000 && r <= 0x3FFFD:
		return 2
	}
	return 1
}

// layout builds receipt lines of a fixed width.
type layout struct {
	width int
	lines []string
}

// cut shortens s to at most w columns.
func cut(s string, w int) string {
	n := 0
	for i, r := range s {
		if n+runeWidth(r) > w {
			return s[:i]
		}
		n += runeWidth(r)
	}
	return s
}

func (l *layout) line(s string) {
	for DisplayWidth(s) > l.width {
		head := cut(s, l.width)
		l.lines = append(l.lines, head)
		s = s[len(head):]
	}
	l.lines = append(l.lines, s)
}

func (l *layout) center(s string) {
	s = cut(s, l.width)
	pad := (l.width - DisplayWidth(s)) / 2
	l.lines = append(l.lines, strings.Repeat(" ", pad)+s)
}

func (l *layout) rule() { l.lines = append(l.lines, strings.Repeat("-", l.width)) }

// pair puts a label on the left and a value on the right; when both do
// not fit, the value goes right-aligned on its own line.
func (l *layout) pair(label, value string) {
	lw, vw := DisplayWidth(label), DisplayWidth(value)
	if lw+1+vw <= l.width {
		l.lines = append(l.lines, label+strings.Repeat(" ", l.width-lw-vw)+value)
		return
	}
	l.line(label)
	value = cut(value, l.width)
	l.lines = append(l.lines, strings.Repeat(" ", l.width-DisplayWidth(value))+value)
}

// SlipLabel is a slip number as printed: a practice one carries the
// practice mark, so it can never be taken on paper for a real one (the
// practice counter runs on its own and repeats the real numbers).
func (t *Terminal) SlipLabel(x store.Txn) string {
	if x.Practice {
		return t.tr.T("receipt.practice_slip", "No", x.SlipNo)
	}
	return x.SlipNo
}

// Slip lays out a transaction's slip. orig is the payment a cancel or
// refund reverses.
func (t *Terminal) Slip(txn store.Txn, orig *store.Txn, c Copy, reprint bool) []string {
	tr := t.tr
	l := &layout{width: t.cfg.ReceiptWidth}
	if txn.Practice {
		l.center(tr.T("receipt.practice"))
	}
	l.center(tr.T("receipt.title"))
	l.center(tr.T("receipt.copy." + string(c)))
	if reprint {
		l.center(tr.T("receipt.reprint"))
	}
	l.rule()
	l.line(t.cfg.MerchantName)
	l.pair(tr.T("receipt.terminal"), t.cfg.TerminalID)
	l.pair(tr.T("txn.slip"), t.SlipLabel(txn))
	l.pair(tr.T("txn.at"), txn.At.In(JST).Format("2006/01/02 15:04:05"))
	l.pair(tr.T("receipt.kind"), tr.T("txn.kind."+txn.Kind))
	l.pair(tr.T("receipt.brand"), txn.Brand)
	if txn.MerchantTxnID != "" {
		l.pair(tr.T("txn.merchant_txn"), txn.MerchantTxnID)
	}
	if txn.PaymentID != "" {
		l.pair(tr.T("txn.payment_id"), txn.PaymentID)
	}
	if orig != nil {
		l.pair(tr.T("receipt.original_slip"), t.SlipLabel(*orig))
		l.pair(tr.T("receipt.original_at"), orig.At.In(JST).Format("2006/01/02 15:04:05"))
	}
	l.rule()
	amount := i18n.Yen(txn.Amount)
	if txn.Kind != store.KindPayment {
		amount = i18n.Yen(-txn.Amount)
	}
	l.pair(tr.T("txn.amount"), amount)
	if txn.Practice {
		l.center(tr.T("receipt.practice"))
	}
	return l.lines
}

// Detail chooses the totals report's form.
type Detail int

// Totals report forms: 取引明細 (a line per transaction) or 簡易明細.
const (
	DetailFull Detail = iota
	DetailSimple
)

// TotalsReport lays out a 日計 or 中間計 report.
func (t *Terminal) TotalsReport(tot center.Totals, txns []store.Txn, detail Detail, practice, reprint bool, printedAt time.Time) []string {
	tr := t.tr
	l := &layout{width: t.cfg.ReceiptWidth}
	if practice {
		l.center(tr.T("receipt.practice"))
	}
	title := "report.daily"
	if tot.Kind == "INTERIM" {
		title = "report.interim"
	}
	l.center(tr.T(title))
	if reprint {
		l.center(tr.T("receipt.reprint"))
	}
	l.rule()
	l.line(t.cfg.MerchantName)
	l.pair(tr.T("receipt.terminal"), t.cfg.TerminalID)
	if tot.SequenceNo > 0 {
		l.pair(tr.T("report.seq"), formatInt(tot.SequenceNo))
	}
	from := tot.PeriodFrom
	if from == 0 && len(txns) > 0 {
		from = txns[0].At.Unix() // the first report: from its first transaction
	}
	l.pair(tr.T("report.from"), unixJST(from))
	l.pair(tr.T("report.to"), unixJST(tot.PeriodTo))
	l.pair(tr.T("report.printed"), printedAt.In(JST).Format("2006/01/02 15:04:05"))
	block := func(name string, b center.BrandTotals) {
		l.rule()
		l.line(name)
		for _, row := range []struct {
			key string
			ca  center.CountAmount
		}{{"report.sales", b.Sales}, {"report.cancels", b.Cancels}, {"report.refunds", b.Refunds}, {"report.net", b.Net}} {
			l.pair(tr.T(row.key)+" "+tr.T("report.count", "N", row.ca.Count), i18n.Yen(row.ca.Amount))
		}
	}
	for _, b := range tot.Brands {
		block(b.Brand, b)
	}
	block(tr.T("report.total"), tot.Total)
	if txns != nil {
		if m := t.CheckReport(tot, txns); m != nil {
			// Never printed as if fine: the difference stands on the report.
			l.rule()
			l.center(tr.T("report.mismatch"))
			for _, s := range m.Lines {
				l.line(s)
			}
		}
	}
	if detail == DetailFull && len(txns) > 0 {
		l.rule()
		l.center(tr.T("report.details"))
		for _, x := range txns {
			at := x.At.In(JST).Format("01/02 15:04") + " " + t.SlipLabel(x) + " "
			switch {
			case x.State == store.StateFailed && x.Reversed:
				// Counted by the center as a sale and its cancel.
				l.line(at + tr.T("txn.kind.payment"))
				l.pair(" "+x.Brand, i18n.Yen(x.Amount))
				l.line(at + tr.T("report.auto_cancel"))
				l.pair(" "+x.Brand, i18n.Yen(-x.Amount))
			case x.State == store.StateFailed:
				// Listed so that no slip number goes missing; counts nothing.
				l.line(at + tr.T("report.not_done"))
				l.pair(" "+x.Brand+" "+x.ErrorCode, "("+i18n.Yen(x.Amount)+")")
			default:
				amount := x.Amount
				if x.Kind != store.KindPayment {
					amount = -amount
				}
				l.line(at + tr.T("txn.kind."+x.Kind))
				l.pair(" "+x.Brand, i18n.Yen(amount))
			}
		}
	}
	l.rule()
	if practice {
		l.center(tr.T("receipt.practice"))
	}
	return l.lines
}

func unixJST(s int64) string {
	if s == 0 {
		return "-"
	}
	return time.Unix(s, 0).In(JST).Format("2006/01/02 15:04:05")
}

func formatInt(n int64) string {
	return strings.TrimLeft(i18n.Yen(n), "¥")
}
