package app

import (
	"context"
	"encoding/json"
	"time"

	"codepay/app/center"
	"codepay/store"
)

// Recover settles what a power failure or crash left open, with
// 「データ復元中」 on screen, then shows 決済初期画面. Every intent is asked
// about at the center (and cancelled where the outcome stays unknown), and
// every journaled request gets its final result for the POS to ask about.
func (t *Terminal) Recover(ctx context.Context) error {
	t.update(func(s *State) { s.Phase = PhaseRecovering })
	defer t.toIdle()
	open, err := t.store.Unsettled(ctx)
	if err != nil {
		return err
	}
	for _, txn := range open {
		t.settleOne(ctx, txn)
	}
	running, err := t.store.RunningRequests(ctx)
	if err != nil {
		return err
	}
	for _, r := range running {
		res := t.recoveredResult(ctx, r)
		b, _ := json.Marshal(res)
		if err := t.store.FinishRequest(ctx, r.ID, string(b)); err != nil {
			return err
		}
	}
	t.refreshUnsettled()
	return nil
}

// settleOne resolves one intent or unknown outcome; it returns true when settled.
func (t *Terminal) settleOne(ctx context.Context, txn store.Txn) bool {
	if txn.Practice {
		// Practice never reached the center: an interrupted one simply failed.
		return t.store.SettleTxn(ctx, txn.ID, store.StateFailed, "", "", CodeAborted, txn.At) == nil
	}
	var err error
	switch txn.Kind {
	case store.KindPayment:
		var p center.Payment
		p, err = t.center.Settle(ctx, txn.CenterID, "comm", nil)
		if err == nil {
			at := txn.At
			if p.AcceptedAt > 0 {
				at = time.Unix(p.AcceptedAt, 0).In(JST)
			}
			return t.store.SettleTxn(ctx, txn.ID, store.StateDone, p.PaymentID, p.Brand, "", at) == nil
		}
	case store.KindCancel, store.KindRefund:
		orig, oerr := t.store.Txn(ctx, txn.OriginalID)
		if oerr != nil {
			return false
		}
		err = t.reverse(ctx, nil, orig, &txn)
		if err == nil {
			return t.store.SettleTxn(ctx, txn.ID, store.StateDone, "", "", "", txn.At) == nil
		}
	}
	ce, ok := center.AsError(err)
	state, code := store.StateFailed, "Q1ET0012"
	if ok {
		code = ce.Code
		if ce.Unknown {
			state = store.StateUnknown
		}
	}
	t.store.SettleTxn(ctx, txn.ID, state, "", "", code, txn.At)
	return state != store.StateUnknown
}

// recoveredResult is the final result of a request a crash interrupted,
// built from what the store knows of its transaction.
func (t *Terminal) recoveredResult(ctx context.Context, r store.Request) *Result {
	req := Request{ID: r.ID, Op: r.Op}
	if r.Op == OpDailyTotal {
		// The center may have closed the day before the power went: the
		// same merchantTotalsId gives the same closed totals, which are
		// stored and cleared now, so the terminal and the center agree.
		op := &operation{req: req, reply: func(any) {}, answer: make(chan int64, 1), sales: make(chan salesStep, 1)}
		return t.totals(ctx, op, true, r.Practice)
	}
	txns, err := t.store.TxnsOfRequest(ctx, r.ID)
	if err != nil || len(txns) == 0 {
		return t.failResult(req, CodeAborted)
	}
	txn := txns[len(txns)-1]
	req.Practice = txn.Practice
	switch txn.State {
	case store.StateDone:
		var orig *store.Txn
		if txn.OriginalID != 0 {
			if o, err := t.store.Txn(ctx, txn.OriginalID); err == nil {
				orig = &o
			}
		}
		return &Result{Type: "result", ID: r.ID, Op: r.Op, OK: true, Practice: txn.Practice, Txn: t.txnInfo(txn, orig),
			Receipt: &Receipt{Width: t.cfg.ReceiptWidth, Lines: t.Slip(txn, orig, CopyCustomer, false)}}
	default:
		code := txn.ErrorCode
		if code == "" {
			code = "Q1ET0042"
		}
		return t.failResult(req, code)
	}
}

// refreshUnsettled counts the 要確認 list for the status bar.
func (t *Terminal) refreshUnsettled() {
	list, err := t.store.Unsettled(context.Background())
	if err != nil {
		return
	}
	n := 0
	for _, x := range list {
		if x.State == store.StateUnknown {
			n++
		}
	}
	t.update(func(s *State) { s.Status.Unsettled = n })
}

// Unsettled is the 要確認 list: payments whose outcome is still unknown.
func (t *Terminal) Unsettled(ctx context.Context) ([]store.Txn, error) {
	return t.store.Unsettled(ctx)
}

// RetryUnsettled runs in the background, settling unknown outcomes every
// interval until ctx ends.
func (t *Terminal) RetryUnsettled(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		t.mu.Lock()
		busy := t.running != nil
		t.mu.Unlock()
		if busy {
			continue
		}
		list, err := t.store.Unsettled(ctx)
		if err != nil {
			continue
		}
		for _, x := range list {
			if x.State == store.StateUnknown {
				t.settleOne(ctx, x)
			}
		}
		t.refreshUnsettled()
	}
}
