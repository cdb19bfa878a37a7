package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"codepay/app/center"
	"codepay/store"
)

// OpenStore opens the terminal's store; when it cannot be used (damaged,
// lost or replaced, not writable) it returns the fault that keeps the
// terminal out of service, and the file is left as it was found.
func OpenStore(path string) (*store.DB, *Fault) {
	db, err := store.Open(path)
	if err == nil {
		return db, nil
	}
	code := CodeStoreDamaged
	switch {
	case errors.Is(err, store.ErrReplaced):
		code = CodeStoreLost
	case errors.Is(err, store.ErrReadOnly):
		code = CodeStoreReadOnly
	}
	return nil, &Fault{Code: code, Detail: err.Error()}
}

// Start checks the store, then recovers. After a power failure, a crash
// or a change from outside (the file is not as the last clean stop left
// it), the whole file is checked first, while 「データ復元中」 is on screen
// and the POS hears busy: a damaged store takes the terminal out of
// service before anything is written to it. After a clean stop the check
// (seconds on a million transactions) runs in the background behind
// 決済初期画面, and takes the terminal out of service if it fails.
func (t *Terminal) Start(ctx context.Context) error {
	if t.Fault() != nil {
		return nil
	}
	if t.store.CleanStart() {
		if err := t.Recover(ctx); err != nil {
			// Recovery could not read the store: check it now; a damaged
			// file takes the terminal out of service.
			if verr := t.verify(); verr != nil {
				return verr
			}
			t.endRecovery()
			return err
		}
		vctx, stop := context.WithCancel(context.Background())
		t.mu.Lock()
		t.stopVerify = stop
		t.mu.Unlock()
		t.verifying.Add(1)
		go func() {
			defer t.verifying.Done()
			defer stop()
			t.verifyContext(vctx)
		}()
		return nil
	}
	if err := t.verify(); err != nil {
		return err
	}
	if err := t.Recover(ctx); err != nil {
		t.endRecovery()
		return err
	}
	return nil
}

// endRecovery lets the terminal take work after a recovery that could not
// finish on a store that passed its check (the background retry goes on).
func (t *Terminal) endRecovery() {
	t.mu.Lock()
	t.recovering = false
	t.mu.Unlock()
	if t.Fault() == nil {
		t.toIdle()
	}
}

// WaitVerified waits for a background integrity check to end.
func (t *Terminal) WaitVerified() { t.verifying.Wait() }

// StopVerify ends a background integrity check early (the terminal is
// closing); an unfinished check finds nothing.
func (t *Terminal) StopVerify() {
	t.mu.Lock()
	stop := t.stopVerify
	t.mu.Unlock()
	if stop != nil {
		stop()
	}
	t.verifying.Wait()
}

// verify runs the integrity check of the whole store file.
func (t *Terminal) verify() error { return t.verifyContext(context.Background()) }

func (t *Terminal) verifyContext(ctx context.Context) error {
	if err := t.store.VerifyContext(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped, not failed
		}
		t.cfg.Log.Error("the store failed its integrity check", "err", err)
		t.SetFault(Fault{Code: CodeStoreDamaged, Detail: err.Error()})
		return err
	}
	return nil
}

// Recover settles what a power failure or crash left open, with
// 「データ復元中」 on screen, then shows 決済初期画面. Every intent is asked
// about at the center (and cancelled where the outcome stays unknown), and
// every journaled request gets its final result for the POS to ask about.
// Until the last one has it, the terminal is busy to the POS, and a resend
// of an interrupted request waits for its result.
func (t *Terminal) Recover(ctx context.Context) (err error) {
	t.mu.Lock()
	t.recovering = true
	t.mu.Unlock()
	t.update(func(s *State) { s.Phase = PhaseRecovering })
	defer func() {
		if err != nil {
			return // stays busy: Start decides (the store may be damaged)
		}
		t.mu.Lock()
		t.recovering = false
		t.mu.Unlock()
		if t.Fault() == nil {
			t.toIdle()
		}
	}()
	open, err := t.store.Unsettled(ctx)
	if err != nil {
		return err
	}
	for _, txn := range open {
		t.settleOne(ctx, txn)
	}
	if err := t.settleDaily(ctx); err != nil {
		t.cfg.Log.Warn("a 日計 whose answer was lost is still unsettled", "err", err)
	}
	running, err := t.store.RunningRequests(ctx)
	if err != nil {
		return err
	}
	for _, r := range running {
		res := t.recoveredResult(ctx, r)
		t.keepResult(r.ID, res)
		t.mu.Lock()
		ws := t.waiters[r.ID]
		delete(t.waiters, r.ID)
		t.mu.Unlock()
		for _, w := range ws {
			w(res)
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
	req := Request{ID: r.ID, Op: r.Op, Practice: r.Practice}
	op := &operation{req: req, reply: func(any) {}, answer: make(chan int64, 1), sales: make(chan salesStep, 1)}
	switch r.Op {
	// The center may have closed the day before the power went: the same
	// merchantTotalsId gives the same closed totals, which are stored and
	// cleared now, so the terminal and the center agree. Interim totals
	// close nothing and are simply asked again.
	case OpDailyTotal:
		return t.totals(ctx, op, true, r.Practice)
	case OpInterimTotal:
		return t.totals(ctx, op, false, r.Practice)
	case OpBatchDaily:
		return t.batchTotals(ctx, op, true, r.Practice)
	case OpBatchInterim:
		return t.batchTotals(ctx, op, false, r.Practice)
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
		// An intent no operation owns is a charge the disk could not
		// record: it needs checking as much as an unknown outcome.
		if x.State == store.StateUnknown || (x.State == store.StateIntent && !t.owned(x.RequestID)) {
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
	repeat(ctx, every, t.SettleNow)
}

// repeat runs fn every interval until ctx ends.
func repeat(ctx context.Context, every time.Duration, fn func(context.Context)) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		fn(ctx)
	}
}

// SettleNow is one pass of the background retry: final results the disk
// had no room for are written, intents and unknown outcomes that no
// running operation owns are settled (asking the center, cancelling where
// the rules say so), a 日計 whose answer was lost is fetched, and each
// request whose result was an unknown outcome gets its settled result,
// stored and pushed to the POS (EvSettled).
func (t *Terminal) SettleNow(ctx context.Context) {
	t.mu.Lock()
	if t.recovering || t.fault != nil {
		t.mu.Unlock()
		return
	}
	kept := make(map[string]*Result, len(t.unstored))
	for id, r := range t.unstored {
		kept[id] = r
	}
	t.mu.Unlock()
	for id, res := range kept {
		t.keepResult(id, res)
	}
	list, err := t.store.Unsettled(ctx)
	if err != nil {
		return
	}
	for _, x := range list {
		if t.owned(x.RequestID) {
			continue // its own operation is still deciding
		}
		if t.settleOne(ctx, x) {
			t.refreshUnsettled() // the status bar follows the list at once
			t.resettle(ctx, x.RequestID)
		}
	}
	// A pending 日計 is left to a running operation (it may be the 日計
	// itself, closing under the same id): settled on the next pass.
	t.mu.Lock()
	busy := t.running != nil
	t.mu.Unlock()
	if !busy {
		if err := t.settleDaily(ctx); err == nil {
			t.resettleDaily(ctx)
		}
	}
	t.refreshUnsettled()
}

// owned tells whether requestID is the running operation's.
func (t *Terminal) owned(requestID string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.running != nil && t.running.req.ID == requestID
}

// resettle replaces the unknown-outcome result of requestID with the
// settled one, stores it and tells the POS. A definite result is never
// replaced: a request has one final outcome.
func (t *Terminal) resettle(ctx context.Context, requestID string) {
	if requestID == "" || t.owned(requestID) {
		return
	}
	j, seen, err := t.store.Request(ctx, requestID)
	if err != nil || !seen {
		return
	}
	t.mu.Lock()
	mem, inMemory := t.unstored[requestID]
	t.mu.Unlock()
	var prev Result
	switch {
	case inMemory:
		prev = *mem
	case j.Result != "":
		if json.Unmarshal([]byte(j.Result), &prev) != nil {
			return
		}
	default:
		return // no result yet: recovery or the operation gives it
	}
	if prev.OK || prev.Error == nil || !prev.Error.OutcomeUnknown {
		return
	}
	switch j.Op {
	case OpPayment, OpRefund:
	default:
		return // totals are settled by resettleDaily, never run again here
	}
	res := t.recoveredResult(ctx, j)
	if res.Error != nil && res.Error.OutcomeUnknown {
		return
	}
	res.Practice = j.Practice
	t.pushSettled(requestID, res)
}

// pushSettled stores the settled result of a request whose outcome was
// unknown and tells the POS.
func (t *Terminal) pushSettled(id string, res *Result) {
	t.keepResult(id, res)
	t.cfg.Log.Info("an unknown outcome was settled", "id", id, "ok", res.OK)
	t.mu.Lock()
	n := t.notify
	t.mu.Unlock()
	if n != nil {
		n(&Event{Type: "event", ID: id, Event: EvSettled, Result: res})
	}
}

// WatchCenter keeps the status bar's center light true: while it is out
// (or after a time-out, which is not a disconnection), a light online
// test every interval finds out when the center answers again, so that
// status.state leaves offline without waiting for a payment.
func (t *Terminal) WatchCenter(ctx context.Context, every time.Duration) {
	repeat(ctx, every, func(ctx context.Context) {
		t.mu.Lock()
		down := t.state.Status.Center == LinkDown
		t.mu.Unlock()
		if down {
			t.probeCenter(ctx)
		}
	})
}

// probeCenter asks the center for an online test and sets the light.
func (t *Terminal) probeCenter(ctx context.Context) bool {
	_, _, err := t.center.OnlineTest(ctx, "probe")
	// Up when the center itself answered, even with an error code; a
	// proxy's bare 5xx or no answer at all is down.
	ce, isCenter := center.AsError(err)
	up := err == nil || (isCenter && ce.CenterCode != "")
	t.update(func(s *State) {
		if up {
			s.Status.Center = LinkUp
		} else {
			s.Status.Center = LinkDown
		}
	})
	return up
}

// PrepareDataDir makes the data folder, private to the terminal's user: it
// holds every payment record. A folder that exists and lets others in is
// closed to them (its owner chose the place, not who may read it).
func PrepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data.dir: %w", err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("data.dir: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, st.Mode().Perm()&0o700); err != nil {
			return fmt.Errorf("data.dir %s: mode %04o lets others in and cannot be changed: %w", dir, st.Mode().Perm(), err)
		}
	}
	return nil
}
