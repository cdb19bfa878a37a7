package app

import (
	"context"
	"encoding/json"
	"testing"

	"codepay/app/center"
	"codepay/store"
)

// reconcile checks a terminal's store against the center's own records,
// both ways, once every outcome is settled:
//   - every charge the center holds was recorded by the terminal, once;
//   - a charge the center kept is a done payment, reported to the POS as
//     paid, exactly once; a charge it reversed is a failed payment or one
//     with a done cancel;
//   - every refund the center holds is a done refund of the terminal and
//     every done cancel or refund the terminal claims happened there;
//   - practice never reached the center, and no request is left without
//     its final result.
//
// It returns the center's ledger for further checks.
func reconcile(t testing.TB, db *store.DB, sim *center.Sim) center.Ledger {
	t.Helper()
	ctx := context.Background()
	ledger, err := sim.Ledger()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.AllTxns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byCenterID := map[string][]store.Txn{}
	reversals := map[int64][]store.Txn{} // done cancels and refunds by payment
	for _, x := range rows {
		if x.State == store.StateIntent || x.State == store.StateUnknown {
			t.Errorf("slip %s (%s) is still %s", x.SlipNo, x.Kind, x.State)
		}
		if x.Practice {
			continue
		}
		byCenterID[x.CenterID] = append(byCenterID[x.CenterID], x)
		if x.Kind != store.KindPayment && x.State == store.StateDone {
			reversals[x.OriginalID] = append(reversals[x.OriginalID], x)
		}
	}
	atCenter := map[string]bool{}
	refundAtCenter := map[string]int64{}
	for _, p := range ledger.Payments {
		atCenter[p.MerchantPaymentID] = true
		for _, rf := range p.Refunds {
			refundAtCenter[rf.MerchantRefundID] = rf.Amount.Amount
		}
		xs := byCenterID[p.MerchantPaymentID]
		if len(xs) != 1 || xs[0].Kind != store.KindPayment {
			t.Errorf("the center charged ¥%d (%s); the terminal has %d records of it", p.Amount, p.MerchantPaymentID, len(xs))
			continue
		}
		x := xs[0]
		if x.Amount != p.Amount {
			t.Errorf("slip %s: ¥%d here, ¥%d at the center", x.SlipNo, x.Amount, p.Amount)
		}
		var cancels int
		for _, r := range reversals[x.ID] {
			if r.Kind == store.KindCancel {
				cancels++
			}
		}
		switch {
		case !p.Canceled && x.State != store.StateDone:
			t.Errorf("slip %s: the center kept ¥%d, the terminal says %s %s", x.SlipNo, p.Amount, x.State, x.ErrorCode)
		case !p.Canceled && cancels > 0:
			t.Errorf("slip %s: cancelled here, still charged at the center", x.SlipNo)
		case p.Canceled && x.State == store.StateDone && cancels != 1:
			t.Errorf("slip %s: paid here with %d cancels, reversed at the center", x.SlipNo, cancels)
		}
		var held int
		for _, r := range reversals[x.ID] {
			if r.Kind != store.KindRefund {
				continue
			}
			found := false
			for _, rf := range p.Refunds {
				if rf.MerchantRefundID == r.CenterID {
					found = true
					if rf.Amount.Amount != r.Amount {
						t.Errorf("refund slip %s: ¥%d here, ¥%d at the center", r.SlipNo, r.Amount, rf.Amount.Amount)
					}
				}
			}
			if !found {
				t.Errorf("refund slip %s of slip %s: done here, unknown to the center", r.SlipNo, x.SlipNo)
			}
			held++
		}
		if held != len(p.Refunds) {
			t.Errorf("slip %s: the center holds %d refunds, the terminal %d done", x.SlipNo, len(p.Refunds), held)
		}
	}
	for _, x := range rows {
		switch {
		case x.Practice:
			if atCenter[x.CenterID] {
				t.Errorf("practice slip %s reached the center", x.SlipNo)
			}
		case x.Kind == store.KindPayment && x.State == store.StateDone && !atCenter[x.CenterID]:
			t.Errorf("slip %s: paid here, the center never charged it", x.SlipNo)
		case x.Kind == store.KindRefund && x.State != store.StateDone && refundAtCenter[x.CenterID] > 0:
			t.Errorf("refund slip %s: %s here, refunded at the center", x.SlipNo, x.State)
		}
	}
	checkReportedOnce(t, db, rows)
	return ledger
}

// checkReportedOnce: each request's final result tells the POS what the
// records say: a payment kept is reported paid with its slip, once; a
// payment not made is reported failed.
func checkReportedOnce(t testing.TB, db *store.DB, rows []store.Txn) {
	t.Helper()
	ctx := context.Background()
	last := map[string]store.Txn{}
	payments := map[string]int{}
	for _, x := range rows {
		if x.RequestID == "" {
			continue
		}
		last[x.RequestID] = x
		if x.Kind == store.KindPayment {
			payments[x.RequestID]++
		}
	}
	for id, n := range payments {
		if n > 1 {
			t.Errorf("request %s made %d payments", id, n)
		}
	}
	for id, x := range last {
		req, ok, err := db.Request(ctx, id)
		if err != nil || !ok {
			continue // made on screen, not by a POS request
		}
		if req.Result == "" {
			t.Errorf("request %s has no final result", id)
			continue
		}
		var res Result
		if err := json.Unmarshal([]byte(req.Result), &res); err != nil {
			t.Errorf("request %s: result %q: %v", id, req.Result, err)
			continue
		}
		done := x.State == store.StateDone
		if res.OK != done {
			t.Errorf("request %s: the POS was told ok=%v (%+v), slip %s is %s", id, res.OK, res.Error, x.SlipNo, x.State)
			continue
		}
		if done && (res.Txn == nil || res.Txn.SlipNo != x.SlipNo) {
			t.Errorf("request %s: reported %+v for slip %s", id, res.Txn, x.SlipNo)
		}
	}
}
