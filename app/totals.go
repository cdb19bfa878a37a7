package app

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

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
	// The id is derived from the request so that a 日計 interrupted by a
	// power failure is replayed, not closed twice. A 日計 whose answer was
	// lost left its id behind as pending: every later 日計 uses that id
	// until the center's answer for it is stored, so the day it closed is
	// the one shown, never hidden by a second close.
	mtid := "D-" + req.ID
	var upTo int64 // the last transaction the close covers (0: all)
	var tot center.Totals
	var details []store.Txn // the report's lines (a real report reads them after the center's figures)
	var err error
	switch {
	case practice:
		if details, err = t.store.Details(ctx, true, 0); err != nil {
			return t.fail(op, "QRNE0105")
		}
		tot = practiceReport(t.cfg.TerminalID, daily, details, t.cfg.Now().Unix())
	case daily:
		pending, p, ok, perr := t.store.PendingDaily(ctx)
		if perr != nil {
			return t.fail(op, "QRNE0105")
		}
		if ok {
			mtid, upTo = pending, p
		} else if upTo, err = t.store.BeginDaily(ctx, mtid); err != nil {
			return t.fail(op, "QRNE0105") // nothing was asked of the center
		}
		resume := ok
		// The journal's request (a batch's QR part has the batch's id)
		// remembers which close it asked for.
		jid := req.ID
		if op.part {
			jid = strings.TrimSuffix(req.ID, "-QR")
		}
		if err := t.store.SetRequestRef(ctx, jid, mtid); err != nil {
			return t.fail(op, "QRNE0105")
		}
		tot, upTo, err = t.dailyTotals(ctx, mtid, upTo, resume)
	default:
		tot, err = t.center.InterimTotals(ctx)
	}
	if err != nil {
		code := "Q1ET0012"
		if ce, ok := center.AsError(err); ok {
			code = ce.Code
		}
		if !practice {
			t.noteCenter(err)
		}
		if daily && !practice && unknownCode(code) {
			t.cfg.Log.Warn("日計 answer lost; settled by asking the center for the same close", "merchantTotalsId", mtid, "err", err)
		}
		return t.fail(op, code)
	}
	if !practice {
		t.noteCenter(nil)
		// The lines are read after the center's figures, once the payments
		// it holds as reversed are known, so both cover the same period.
		t.markReversed(ctx, tot.PeriodFrom, tot.PeriodTo)
		if details, err = t.store.Details(ctx, false, upTo); err != nil {
			return t.fail(op, "QRNE0105")
		}
	}
	crashPoint("after_totals")
	body, _ := json.Marshal(tot)
	rep := &store.Report{Seq: tot.SequenceNo, MerchantTotalsID: mtid, Service: "QR", Body: string(body), At: t.cfg.Now(), Practice: practice}
	if daily {
		err = t.store.SaveDaily(ctx, rep, upTo)
		if err == nil && !practice {
			// Details are those the close covered: taken again in case a
			// replay stored them under an earlier report.
			if stored, ok := t.store.DailyByID(ctx, mtid); ok == nil {
				rep = &stored
				details, _ = t.store.ClosedTxns(ctx, stored.ID, 100000)
			}
		}
	} else {
		err = t.store.SaveInterim(ctx, rep)
	}
	if err != nil {
		if daily && !practice {
			// The center closed the day but the terminal could not store
			// it: the pending id stays, and the next 日計 (or 日計再印字
			// after the background retry) gets the same close again.
			return t.fail(op, CodeNotRecorded)
		}
		return t.fail(op, "QRNE0105")
	}
	if details == nil {
		details = []store.Txn{} // checked against the figures, even when empty
	}
	printed := t.cfg.Now()
	lines := t.TotalsReport(tot, details, DetailFull, practice, false, printed)
	mismatch := t.CheckReport(tot, details)
	if mismatch != nil {
		t.cfg.Log.Error("a report's figures and its lines disagree", "id", req.ID, "diff", mismatch.Lines)
	}
	if !op.part {
		t.update(func(s *State) {
			*s = State{Phase: PhaseReport, Op: req.Op, RequestID: req.ID, Receipt: lines, Totals: &tot, Details: details, ReportAt: printed, Practice: practice, Status: s.Status, Mismatch: mismatch}
		})
	}
	return &Result{Type: "result", ID: req.ID, Op: req.Op, OK: true, Totals: &tot, Receipt: &Receipt{Width: t.cfg.ReceiptWidth, Lines: lines}, Mismatch: mismatch, details: details}
}

// dailyTotals closes the day at the center under mtid, covering the
// transactions numbered up to upTo; it returns the close and what it
// covers. When the answer is lost (a time-out, a dropped connection, a
// 5xx) the close may or may not have happened: the same id is asked for
// (GET), and sent again if the center has no such close, so the outcome is
// settled while staff wait. resume is a close an earlier 日計 sent whose
// answer was lost: asked for first. A close that happens only now covers
// everything numbered so far; a definite refusal closed nothing and
// leaves nothing pending.
func (t *Terminal) dailyTotals(ctx context.Context, mtid string, upTo int64, resume bool) (center.Totals, int64, error) {
	// closeNow sends the close, first moving the pending 日計's watermark
	// to now: a close made now covers what was paid meanwhile.
	closeNow := func() (center.Totals, error) {
		if resume {
			u, err := t.store.BeginDaily(ctx, mtid)
			if err != nil {
				return center.Totals{}, err
			}
			upTo = u
		}
		return t.center.DailyTotals(ctx, mtid)
	}
	var tot center.Totals
	var err error
	if resume {
		g, gerr := t.center.GetDailyTotals(ctx, mtid)
		if gerr == nil {
			return g, upTo, nil // the earlier 日計 did close the day
		}
		if ge, ok := center.AsError(gerr); !ok || ge.HTTPStatus != 404 {
			return g, upTo, gerr // still no answer: the outcome stays unknown
		}
	}
	tot, err = closeNow()
	ce, ok := center.AsError(err)
	if err == nil {
		return tot, upTo, nil
	}
	if !ok || !ce.Unknown {
		if ok {
			// Refused: nothing was closed, nothing is pending.
			if cerr := t.store.ClearPendingDaily(ctx); cerr != nil {
				t.cfg.Log.Warn("pending 日計 not cleared", "err", cerr)
			}
		}
		return tot, upTo, err
	}
	resume = true
	for attempt := 0; attempt < 2; attempt++ {
		if g, gerr := t.center.GetDailyTotals(ctx, mtid); gerr == nil {
			return g, upTo, nil
		} else if ge, ok := center.AsError(gerr); ok && ge.HTTPStatus == 404 {
			if p, perr := closeNow(); perr == nil {
				return p, upTo, nil
			}
		}
		select {
		case <-ctx.Done():
			return tot, upTo, err
		case <-time.After(500 * time.Millisecond):
		}
	}
	return tot, upTo, err
}

// settleDaily stores the close of a 日計 whose answer was lost, when the
// center has it, so that 日計再印字 shows it. It returns nil when nothing
// is pending any more.
func (t *Terminal) settleDaily(ctx context.Context) error {
	mtid, upTo, ok, err := t.store.PendingDaily(ctx)
	if err != nil || !ok {
		return err
	}
	tot, err := t.center.GetDailyTotals(ctx, mtid)
	if err != nil {
		if ce, ok := center.AsError(err); ok && ce.HTTPStatus == 404 {
			// The center never closed it: nothing was lost, the next 日計
			// sends it again (the same id).
			return errors.New("the 日計 is not closed at the center")
		}
		return err
	}
	t.markReversed(ctx, tot.PeriodFrom, tot.PeriodTo)
	body, _ := json.Marshal(tot)
	rep := &store.Report{Seq: tot.SequenceNo, MerchantTotalsID: mtid, Service: "QR", Body: string(body), At: t.cfg.Now(), Practice: false}
	return t.store.SaveDaily(ctx, rep, upTo)
}

// resettleDaily gives each 日計 request whose result was an unknown
// outcome the close now stored.
func (t *Terminal) resettleDaily(ctx context.Context) {
	for _, opName := range []string{OpDailyTotal, OpBatchDaily} {
		ids, err := t.store.UnknownRequests(ctx, opName)
		if err != nil {
			return
		}
		for _, id := range ids {
			if t.owned(id) {
				continue
			}
			j, seen, err := t.store.Request(ctx, id)
			ref, rerr := t.store.RequestRef(ctx, id)
			if err != nil || !seen || rerr != nil || ref == "" {
				continue
			}
			rep, err := t.store.DailyByID(ctx, ref)
			if err != nil {
				continue // not closed yet
			}
			res := t.dailyResult(ctx, j, rep)
			if res == nil {
				continue
			}
			t.pushSettled(id, res)
		}
	}
}

// dailyResult is the result of a 日計 request from its stored report.
func (t *Terminal) dailyResult(ctx context.Context, j store.Request, rep store.Report) *Result {
	var tot center.Totals
	if json.Unmarshal([]byte(rep.Body), &tot) != nil {
		return nil
	}
	details, _ := t.store.ClosedTxns(ctx, rep.ID, 100000)
	lines := t.TotalsReport(tot, details, DetailFull, rep.Practice, false, rep.At)
	return &Result{Type: "result", ID: j.ID, Op: j.Op, OK: true, Practice: rep.Practice, Totals: &tot,
		Receipt: &Receipt{Width: t.cfg.ReceiptWidth, Lines: lines}}
}
