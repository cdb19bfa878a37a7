package app

import (
	"context"
	"errors"

	"codepay/store"
)

// HistoryLimit bounds the 業務再印字 list on screen.
const HistoryLimit = 200

// reprint is 業務再印字: the slip of a chosen transaction since the last 日計.
func (t *Terminal) reprint(ctx context.Context, op *operation) *Result {
	req := op.req
	practice := req.Practice || t.Practice()
	var txn store.Txn
	if req.SlipNo != "" {
		var err error
		txn, err = t.store.Find(ctx, req.SlipNo, "", "", practice, true)
		if errors.Is(err, store.ErrNotFound) {
			return t.fail(op, "QRNER016")
		} else if err != nil {
			return t.fail(op, "QRNE0105")
		}
	} else {
		list, err := t.store.History(ctx, practice, HistoryLimit)
		if err != nil {
			return t.fail(op, "QRNE0105")
		}
		t.setAbortable(op, true)
		t.update(func(s *State) {
			*s = State{Phase: PhaseChoose, Op: req.Op, RequestID: req.ID, Choices: list, Abortable: true, Practice: practice, Status: s.Status}
		})
		t.event(op, EvWaitingChoice)
		var id int64
		select {
		case <-ctx.Done():
		case id = <-op.answer:
		}
		if id <= 0 || !t.setAbortable(op, false) {
			t.toIdle()
			return t.failResult(req, CodeAborted)
		}
		if txn, err = t.store.Txn(ctx, id); err != nil {
			return t.fail(op, "QRNER016")
		}
	}
	var orig *store.Txn
	if txn.OriginalID != 0 {
		if o, err := t.store.Txn(ctx, txn.OriginalID); err == nil {
			orig = &o
		}
	}
	lines := t.Slip(txn, orig, CopyMerchant, true)
	t.update(func(s *State) {
		*s = State{Phase: PhaseReport, Op: req.Op, RequestID: req.ID, Txn: &txn, Receipt: lines, Practice: practice, Status: s.Status}
	})
	return &Result{Type: "result", ID: req.ID, Op: req.Op, OK: true, Txn: t.txnInfo(txn, orig), Receipt: &Receipt{Width: t.cfg.ReceiptWidth, Lines: lines}}
}
