package app

import (
	"context"
	"encoding/json"

	"codepay/app/center"
	"codepay/store"
)

// totals is 日計 (daily, which closes and clears) or 中間計 (interim).
func (t *Terminal) totals(ctx context.Context, op *operation, daily, practice bool) *Result {
	req := op.req
	t.update(func(s *State) {
		*s = State{Phase: PhaseProcessing, Op: req.Op, RequestID: req.ID, Practice: practice, Status: s.Status}
	})
	t.event(op, EvProcessing)
	details, err := t.store.History(ctx, practice, 100000)
	if err != nil {
		return t.fail(op, "QRNE0105")
	}
	// The id is derived from the request so that a 日計 interrupted by a
	// power failure is replayed, not closed twice.
	mtid := "D-" + req.ID
	var tot center.Totals
	switch {
	case practice:
		tot = practiceTotals(t.cfg.TerminalID, daily, t.cfg.Now().Unix())
	case daily:
		tot, err = t.center.DailyTotals(ctx, mtid)
	default:
		tot, err = t.center.InterimTotals(ctx)
	}
	if err != nil {
		code := "Q1ET0012"
		if ce, ok := center.AsError(err); ok {
			code = ce.Code
		}
		return t.fail(op, code)
	}
	crashPoint("after_totals")
	body, _ := json.Marshal(tot)
	rep := &store.Report{Seq: tot.SequenceNo, MerchantTotalsID: mtid, Service: "QR", Body: string(body), At: t.cfg.Now(), Practice: practice}
	if daily {
		err = t.store.SaveDaily(ctx, rep)
	} else {
		err = t.store.SaveInterim(ctx, rep)
	}
	if err != nil {
		return t.fail(op, "QRNE0105")
	}
	printed := t.cfg.Now()
	lines := t.TotalsReport(tot, reverse(details), DetailFull, practice, false, printed)
	t.update(func(s *State) {
		*s = State{Phase: PhaseReport, Op: req.Op, RequestID: req.ID, Receipt: lines, Totals: &tot, Details: reverse(details), ReportAt: printed, Practice: practice, Status: s.Status}
	})
	return &Result{Type: "result", ID: req.ID, Op: req.Op, OK: true, Totals: &tot, Receipt: &Receipt{Width: t.cfg.ReceiptWidth, Lines: lines}}
}

func reverse(ts []store.Txn) []store.Txn {
	out := make([]store.Txn, len(ts))
	for i, x := range ts {
		out[len(ts)-1-i] = x
	}
	return out
}

// practiceTotals are the dummy figures of a practice report: practice never
// reaches the center and never shows real money.
func practiceTotals(tid string, daily bool, now int64) center.Totals {
	kind := "INTERIM"
	if daily {
		kind = "DAILY"
	}
	b := []center.BrandTotals{
		{Brand: "PayPay", Sales: center.CountAmount{Count: 3, Amount: 3000}, Cancels: center.CountAmount{Count: 1, Amount: 1000}, Net: center.CountAmount{Count: 2, Amount: 2000}},
		{Brand: "d払い", Sales: center.CountAmount{Count: 2, Amount: 2000}, Refunds: center.CountAmount{Count: 1, Amount: 500}, Net: center.CountAmount{Count: 1, Amount: 1500}},
	}
	return center.Totals{TerminalID: tid, Kind: kind, PeriodFrom: now - 3600, PeriodTo: now, Brands: b, Total: center.SumTotals(b)}
}
