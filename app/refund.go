package app

import (
	"context"
	"errors"
	"time"

	"codepay/app/center"
	"codepay/device/codes"
	"codepay/store"
)

// cancelDeadline is the end of the center's cancel window: 00:14:59 JST on
// the day after the payment (center-api.md section 2).
func cancelDeadline(paidAt time.Time) time.Time {
	y, m, d := paidAt.In(JST).Date()
	return time.Date(y, m, d+1, 0, 14, 59, 0, JST)
}

// refund is 取消/返品: the original found, confirmed on screen when asked,
// then cancelled while the window is open and before the 日計, refunded otherwise.
func (t *Terminal) refund(ctx context.Context, op *operation, practice bool) *Result {
	req := op.req
	orig, err := t.store.Find(ctx, req.SlipNo, req.MerchantTxnID, store.KindPayment, practice, false)
	if errors.Is(err, store.ErrNotFound) || (err == nil && orig.Kind != store.KindPayment) {
		return t.fail(op, "QRNER016")
	} else if err != nil {
		return t.fail(op, "QRNE0105")
	}
	done, err := t.store.Refunded(ctx, orig.ID)
	if err != nil {
		return t.fail(op, "QRNE0105")
	}
	left := orig.Amount - done
	if left <= 0 {
		return t.fail(op, "Q1ET001D")
	}
	amount := req.Amount
	if amount == 0 {
		amount = left
	}
	brand, _ := codes.BrandByName(orig.Brand)
	if amount > left || (amount != left && !brand.PartialRefund) {
		return t.fail(op, "Q1ET001E")
	}
	if req.Confirm == nil || *req.Confirm {
		t.setAbortable(op, true)
		t.update(func(s *State) {
			*s = State{Phase: PhaseConfirm, Op: req.Op, RequestID: req.ID, Amount: amount, Original: &orig, Abortable: true, Practice: practice, Status: s.Status}
		})
		t.event(op, EvWaitingConfirm)
		select {
		case <-ctx.Done():
			t.toIdle()
			return t.failResult(req, CodeAborted)
		case v := <-op.answer:
			if v <= 0 || !t.setAbortable(op, false) {
				t.toIdle()
				return t.failResult(req, CodeAborted)
			}
		}
	}
	t.setAbortable(op, false)
	t.update(func(s *State) {
		*s = State{Phase: PhaseProcessing, Op: req.Op, RequestID: req.ID, Amount: amount, Original: &orig, Practice: practice, Status: s.Status}
	})
	t.event(op, EvProcessing)
	now := t.cfg.Now()
	kind := store.KindRefund
	if done == 0 && amount == orig.Amount && !orig.Closed && now.Before(cancelDeadline(orig.At)) {
		kind = store.KindCancel
	}
	for {
		txn := store.Txn{Kind: kind, MerchantTxnID: orig.MerchantTxnID, CenterID: t.newCenterID(map[string]string{store.KindCancel: "C", store.KindRefund: "R"}[kind]),
			PaymentID: orig.PaymentID, OriginalID: orig.ID, Brand: orig.Brand, Amount: amount, At: now.In(JST), Practice: practice, RequestID: req.ID}
		if err := t.store.BeginTxn(ctx, &txn); err != nil {
			if errors.Is(err, store.ErrSlipNo) {
				// The manual's codes for a slip number that could not be
				// made: QRNE0208 for a cancel or refund, QRNE0306 in practice.
				if practice {
					return t.fail(op, "QRNE0306")
				}
				return t.fail(op, "QRNE0208")
			}
			return t.fail(op, "QRNE0105")
		}
		crashPoint("reversal_after_intent")
		if practice {
			return t.settled(ctx, op, &txn, nil)
		}
		err := t.reverse(ctx, op, orig, &txn)
		crashPoint("reversal_after_answer")
		if ce, ok := center.AsError(err); ok && kind == store.KindCancel && ce.CenterCode == "ORDER_NOT_REVERSIBLE" && ce.Code != "Q1ET0033" {
			// The center's clock closed the window first: refund instead.
			t.store.SettleTxn(context.Background(), txn.ID, store.StateFailed, "", "", ce.Code, txn.At)
			kind = store.KindRefund
			continue
		}
		return t.settled(ctx, op, &txn, err)
	}
}

// reverse sends a cancel or refund, resending the same id while the outcome
// is unknown (both calls are idempotent at the center).
func (t *Terminal) reverse(ctx context.Context, op *operation, orig store.Txn, txn *store.Txn) error {
	deadline := time.Now().Add(2 * time.Minute)
	for attempt := 0; ; attempt++ {
		var err error
		if txn.Kind == store.KindCancel {
			err = t.center.CancelPayment(ctx, orig.CenterID)
		} else {
			var rf center.Refund
			rf, err = t.center.CreateRefund(ctx, center.RefundRequest{MerchantRefundID: txn.CenterID, PaymentID: orig.PaymentID,
				Amount: center.Yen(txn.Amount), RequestedAt: t.cfg.Now().Unix()})
			if err == nil && rf.AcceptedAt > 0 {
				txn.At = time.Unix(rf.AcceptedAt, 0).In(JST)
			}
		}
		ce, ok := center.AsError(err)
		if ok && ce.CenterCode == "ORDER_NOT_REVERSIBLE" && txn.Kind == store.KindCancel {
			// Our own earlier cancel may be what made it irreversible (a
			// resend after a crash or a lost answer): then it is done.
			if p, gerr := t.center.GetPayment(ctx, orig.CenterID); gerr == nil && (p.Status == center.StatusFailed || p.Status == center.StatusCanceled) {
				if attempt == 0 && op != nil {
					// Nothing of ours was sent before: it was cancelled
					// elsewhere. 取り消し済みです (Q1ET0033).
					ce.Code = "Q1ET0033"
					return ce
				}
				return nil
			}
		}
		if err == nil || !ok || !ce.Unknown || time.Now().After(deadline) {
			if ok && ce.CenterCode == "ORDER_NOT_REVERSIBLE" && txn.Kind == store.KindRefund {
				ce.Code = "Q1ET001D"
			}
			return err
		}
		if op != nil {
			t.event(op, EvRetryingCenter)
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(2 * time.Second):
		}
	}
}
