package app

import (
	"context"
	"sort"
	"time"

	"codepay/app/center"
	"codepay/i18n"
	"codepay/store"
)

// The one truth of a report: the center's figures, and beside them the
// terminal's own lines (取引明細). A payment the terminal reversed after an
// unknown outcome and that the center nevertheless holds counts there as
// 売上 and 取消; it is listed as both. A payment that failed is listed (so
// that no slip number goes missing on paper) and counts as nothing. When
// the two disagree the report says so, with both figures, and is never
// printed as if it were fine.

// cancelCodes are the codes of a payment cancelled after its outcome was
// unknown (or found cancelled by the center): the center may hold it (as
// reversed, counted as 売上 and 取消) or not.
var cancelCodes = []string{"Q1ET002C", "Q1ET002D", "Q1ET0009"}

// reversalWindow is how far back such payments are checked: a late
// payment reaches the center within minutes, never days.
const reversalWindow = 72 * time.Hour

// markReversed asks the center about each payment cancelled after an
// unknown outcome and not yet known to be reversed, and records those the
// center holds, accepted by the end of the period it just reported
// (periodTo): they join the open period, even when an earlier 日計 closed
// them before the late payment reached the center. Later ones wait for
// the next report, where the center counts them.
func (t *Terminal) markReversed(ctx context.Context, periodFrom, periodTo int64) {
	list, err := t.store.ReversalCandidates(ctx, cancelCodes, t.cfg.Now().Add(-reversalWindow))
	if err != nil {
		return
	}
	for _, x := range list {
		p, err := t.center.GetPayment(ctx, x.CenterID)
		if err != nil {
			continue // not there (yet), or no answer: the check below shows any difference
		}
		if (p.Status == center.StatusFailed || p.Status == center.StatusCanceled) && (periodTo == 0 || p.AcceptedAt <= periodTo) {
			// Counted by the center in this period: it joins the open one.
			// Counted in an earlier, closed period: noted, left where it is.
			// Times are whole seconds: a payment accepted in the second the
			// last close was made came after it (it would have been marked
			// by that close's own check otherwise).
			reopen := periodFrom == 0 || p.AcceptedAt >= periodFrom
			if err := t.store.SetReversed(ctx, x.ID, reopen); err != nil {
				t.cfg.Log.Warn("a reversed payment could not be recorded", "slip", x.SlipNo, "err", err)
			}
		}
	}
}

// DetailTotals sums a report's 取引明細 the way the center counts.
func DetailTotals(txns []store.Txn) []center.BrandTotals {
	by := map[string]*center.BrandTotals{}
	get := func(brand string) *center.BrandTotals {
		b := by[brand]
		if b == nil {
			b = &center.BrandTotals{Brand: brand}
			by[brand] = b
		}
		return b
	}
	add := func(ca *center.CountAmount, amount int64) {
		ca.Count++
		ca.Amount += amount
	}
	for _, x := range txns {
		switch {
		case x.State == store.StateDone && x.Kind == store.KindPayment:
			add(&get(x.Brand).Sales, x.Amount)
		case x.State == store.StateDone && x.Kind == store.KindCancel:
			add(&get(x.Brand).Cancels, x.Amount)
		case x.State == store.StateDone && x.Kind == store.KindRefund:
			add(&get(x.Brand).Refunds, x.Amount)
		case x.State == store.StateFailed && x.Kind == store.KindPayment && x.Reversed:
			b := get(x.Brand)
			add(&b.Sales, x.Amount)
			add(&b.Cancels, x.Amount)
		}
	}
	out := make([]center.BrandTotals, 0, len(by))
	for _, b := range by {
		b.Net = center.CountAmount{Count: b.Sales.Count - b.Cancels.Count - b.Refunds.Count, Amount: b.Sales.Amount - b.Cancels.Amount - b.Refunds.Amount}
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Brand < out[j].Brand })
	return out
}

// Mismatch is where a report's figures and its lines disagree.
type Mismatch struct {
	// Lines says what differs, for the receipt and the screen.
	Lines []string `json:"lines"`
}

// CheckReport compares the figures of a report with its own lines: the
// brand lines must add up to 合計, and 合計 must equal what 取引明細 lists,
// kind by kind and brand by brand. nil means they agree.
func (t *Terminal) CheckReport(tot center.Totals, txns []store.Txn) *Mismatch {
	tr := t.tr
	var m Mismatch
	if sum := center.SumTotals(tot.Brands); sum != tot.Total {
		m.Lines = append(m.Lines, tr.T("report.mismatch.brands"))
	}
	mine := DetailTotals(txns)
	want := map[string]center.BrandTotals{}
	for _, b := range tot.Brands {
		if b.Sales != (center.CountAmount{}) || b.Cancels != (center.CountAmount{}) || b.Refunds != (center.CountAmount{}) {
			want[b.Brand] = b
		}
	}
	got := map[string]center.BrandTotals{}
	for _, b := range mine {
		got[b.Brand] = b
	}
	names := map[string]bool{}
	for n := range want {
		names[n] = true
	}
	for n := range got {
		names[n] = true
	}
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		w, g := want[n], got[n]
		for _, row := range []struct {
			key  string
			w, g center.CountAmount
		}{{"report.sales", w.Sales, g.Sales}, {"report.cancels", w.Cancels, g.Cancels}, {"report.refunds", w.Refunds, g.Refunds}} {
			if row.w != row.g {
				// Three short lines, so that a 32-column slip keeps them whole.
				m.Lines = append(m.Lines, n+" "+tr.T(row.key),
					" "+tr.T("report.mismatch.center", "N", row.w.Count, "Amount", i18n.Yen(row.w.Amount)),
					" "+tr.T("report.mismatch.lines", "N", row.g.Count, "Amount", i18n.Yen(row.g.Amount)))
			}
		}
	}
	if len(m.Lines) == 0 {
		return nil
	}
	return &m
}

// practiceReport is the figures of a practice report: the practice
// transactions' own sums (practice never reaches the center).
func practiceReport(tid string, daily bool, txns []store.Txn, now int64) center.Totals {
	kind := "INTERIM"
	if daily {
		kind = "DAILY"
	}
	b := DetailTotals(txns)
	from := int64(0)
	if len(txns) > 0 {
		from = txns[0].At.Unix()
	}
	return center.Totals{TerminalID: tid, Kind: kind, PeriodFrom: from, PeriodTo: now, Brands: b, Total: center.SumTotals(b)}
}
