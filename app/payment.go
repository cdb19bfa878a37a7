package app

import (
	"context"
	"crypto/rand"
	"errors"
	"image"
	"math/big"
	"sync"
	"time"

	"codepay/app/center"
	"codepay/device/camera"
	"codepay/device/codes"
	"codepay/store"
)

// errCamera marks a camera failure during a scan (QRNE0011).
var errCamera = errors.New("camera failed")

// payment is 支払: the amount on screen, the customer's code read by the
// camera, the center asked, the outcome stored and shown.
func (t *Terminal) payment(ctx context.Context, op *operation, practice bool) *Result {
	req := op.req
	if !practice {
		n, err := t.store.CountOpen(ctx)
		if err != nil {
			return t.fail(op, "QRNE0105")
		}
		if n >= t.cfg.Capacity {
			return t.fail(op, CodeDataFull)
		}
	}
	t.setAbortable(op, true)
	t.update(func(s *State) {
		*s = State{Phase: PhaseWaitingCode, Op: req.Op, RequestID: req.ID, Amount: req.Amount, Abortable: true, Practice: practice, Status: s.Status}
	})
	t.event(op, EvWaitingCode)
	read, err := t.scan(ctx)
	if err != nil || !t.setAbortable(op, false) {
		if errors.Is(err, errCamera) {
			t.setAbortable(op, false)
			return t.fail(op, "QRNE0011")
		}
		t.toIdle()
		return t.failResult(req, CodeAborted)
	}
	t.event(op, EvCodeRead)
	brand, digits, err := codes.Identify(read.Text)
	if err != nil {
		return t.fail(op, "QRNE0018")
	}
	t.update(func(s *State) { s.Phase, s.Abortable, s.Brand = PhaseProcessing, false, brand.Name })
	t.event(op, EvProcessing)

	crashPoint("before_intent")
	now := t.cfg.Now().In(JST)
	txn := store.Txn{Kind: store.KindPayment, MerchantTxnID: req.MerchantTxnID, CenterID: t.newCenterID("P"), Brand: brand.Name,
		Amount: req.Amount, CodeMasked: center.MaskCode(digits), At: now, Practice: practice, RequestID: req.ID}
	if err := t.store.BeginTxn(ctx, &txn); err != nil {
		if errors.Is(err, store.ErrSlipNo) {
			if practice {
				return t.fail(op, "QRNE0306")
			}
			return t.fail(op, "QRNE0019")
		}
		return t.fail(op, "QRNE0105")
	}
	crashPoint("after_intent")
	if practice {
		// Practice: nothing reaches the center; the payment number is a dummy.
		txn.PaymentID = "PRACTICE-" + txn.SlipNo
		return t.settled(ctx, op, &txn, nil)
	}
	p, err := t.center.Pay(ctx, center.PaymentRequest{
		MerchantPaymentID: txn.CenterID, UserAuthorizationID: read.Text, Amount: center.Yen(req.Amount),
		RequestedAt: now.Unix(), StoreID: t.cfg.StoreID, TerminalID: t.cfg.TerminalID, OrderReceiptNumber: txn.SlipNo,
	}, func() {
		t.event(op, EvRetryingCenter)
		t.update(func(s *State) { s.Retrying = true })
	})
	crashPoint("after_answer")
	if err == nil {
		txn.PaymentID = p.PaymentID
		if p.AcceptedAt > 0 {
			txn.At = time.Unix(p.AcceptedAt, 0).In(JST)
		}
		if p.Brand != "" {
			txn.Brand = p.Brand
		}
	}
	return t.settled(ctx, op, &txn, err)
}

// settled stores the outcome of a payment, cancel or refund intent and
// shows it; err is the center's answer.
func (t *Terminal) settled(ctx context.Context, op *operation, txn *store.Txn, err error) *Result {
	if !txn.Practice {
		t.noteCenter(err)
	}
	if err != nil {
		code, state := "Q1ET0012", store.StateFailed
		if ce, ok := center.AsError(err); ok {
			code = ce.Code
			if ce.Unknown {
				state = store.StateUnknown
			}
		}
		txn.State, txn.ErrorCode = state, code
		if serr := t.store.SettleTxn(context.Background(), txn.ID, state, "", "", code, txn.At); serr != nil {
			// The intent row stays; the background retry asks the center
			// again and records what it finds.
			t.cfg.Log.Error("settle not stored", "slip", txn.SlipNo, "err", serr)
		}
		t.refreshUnsettled()
		return t.fail(op, code)
	}
	txn.State = store.StateDone
	crashPoint("before_commit")
	if serr := t.store.SettleTxn(context.Background(), txn.ID, store.StateDone, txn.PaymentID, txn.Brand, "", txn.At); serr != nil {
		// The center has the money but the terminal could not write it
		// down (a full disk). For the POS the outcome is unknown, never a
		// plain failure that would have the customer pay again: the intent
		// row stays, and the background retry (SettleNow) records the
		// charge once the disk has room, then pushes the settled result.
		t.cfg.Log.Error("a completed charge could not be recorded; settled in the background", "slip", txn.SlipNo, "centerId", txn.CenterID, "err", serr)
		t.refreshUnsettled()
		return t.fail(op, CodeNotRecorded)
	}
	var orig *store.Txn
	if txn.OriginalID != 0 {
		if o, err := t.store.Txn(ctx, txn.OriginalID); err == nil {
			orig = &o
		}
	}
	lines := t.Slip(*txn, orig, CopyCustomer, false)
	op.print = t.slipPages(*txn, orig)
	t.update(func(s *State) {
		*s = State{Phase: PhaseDone, Op: op.req.Op, RequestID: op.req.ID, Amount: txn.Amount, Txn: txn, Receipt: lines, Practice: txn.Practice, Status: s.Status,
			Brand: txn.Brand, ReturnAt: time.Now().Add(t.cfg.ResultHold)}
	})
	t.holdThenIdle()
	return &Result{Type: "result", ID: op.req.ID, Op: op.req.Op, OK: true, Txn: t.txnInfo(*txn, orig),
		Receipt: &Receipt{Width: t.cfg.ReceiptWidth, Lines: lines}}
}

// holdThenIdle leaves an outcome on screen for a while, then returns to
// 決済初期画面 unless something else happened meanwhile.
func (t *Terminal) holdThenIdle() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.holdTimer != nil {
		t.holdTimer.Stop()
	}
	t.holdTimer = time.AfterFunc(t.cfg.ResultHold, func() {
		t.mu.Lock()
		idle := t.running == nil && t.state.Phase == PhaseDone
		t.mu.Unlock()
		if idle {
			t.toIdle()
		}
	})
}

func (t *Terminal) txnInfo(txn store.Txn, orig *store.Txn) *TxnInfo {
	ti := &TxnInfo{Kind: txn.Kind, SlipNo: txn.SlipNo, MerchantTxnID: txn.MerchantTxnID, PaymentID: txn.PaymentID,
		Brand: txn.Brand, Amount: txn.Amount, At: txn.At.In(JST).Format(time.RFC3339)}
	if orig != nil {
		ti.OriginalSlipNo = orig.SlipNo
	}
	return ti
}

// fail shows an error and returns the failed result.
func (t *Terminal) fail(op *operation, code string) *Result {
	t.showError(op, code)
	return t.failResult(op.req, code)
}

// scan reads frames until one holds a code. Capture and decoding run on
// two goroutines, neither of them the UI's: the capture loop keeps the
// preview at the camera's rate and leaves only the newest frame for the
// decoder, so a slow frame never queues the next ones up.
func (t *Terminal) scan(ctx context.Context) (codes.Result, error) {
	if err := t.cam.Open(ctx); err != nil {
		t.update(func(s *State) { s.Status.Camera = LinkDown })
		return codes.Result{}, errCamera
	}
	defer t.cam.Close()
	t.mu.Lock()
	t.lastCode.seen = time.Now() // the camera was off: the code may still be there
	t.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	capDone := make(chan struct{})
	defer func() { cancel(); <-capDone }() // the capture loop ends before Close
	box := newLatest()
	capErr := make(chan error, 1)
	go func() {
		defer close(capDone)
		var lastPreview time.Time
		for {
			f, err := t.cam.Next(ctx)
			if ctx.Err() != nil {
				capErr <- ctx.Err()
				return
			}
			if err != nil {
				capErr <- err
				return
			}
			if time.Since(lastPreview) >= time.Second/20 {
				lastPreview = time.Now()
				t.mu.Lock()
				pv := append([]func(*image.Gray){}, t.previews...)
				t.mu.Unlock()
				for _, fn := range pv {
					fn(f)
				}
			}
			box.put(f) // copied: the camera may reuse f
		}
	}()
	for {
		f, err := box.take(ctx, capErr)
		if err != nil {
			if ctx.Err() != nil {
				return codes.Result{}, ctx.Err()
			}
			if errors.Is(err, camera.ErrUnavailable) {
				t.update(func(s *State) { s.Status.Camera = LinkDown })
			}
			return codes.Result{}, errCamera
		}
		r, derr := t.reader.Decode(f)
		box.release(f)
		if derr == nil && t.stillShown(r.Text) {
			continue // the code that was read last, never taken away
		}
		if derr == nil {
			t.update(func(s *State) {
				if s.Status.Camera == LinkDown {
					s.Status.Camera = t.cam.Name()
				}
			})
			return r, nil
		}
	}
}

// stillShown tells whether text is the code read last and a frame showed
// it less than codeGone ago; if so it is seen again now. Any other code is
// remembered as the one read last.
func (t *Terminal) stillShown(text string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if text == t.lastCode.text && now.Sub(t.lastCode.seen) < codeGone {
		t.lastCode.seen = now
		return true
	}
	t.lastCode = shownCode{text: text, seen: now}
	return false
}

// latest holds the newest frame for the decoder, in one of three buffers
// that are reused: one being decoded, one waiting, one being filled.
type latest struct {
	mu      sync.Mutex
	free    []*image.Gray
	waiting *image.Gray
	ready   chan struct{}
}

func newLatest() *latest { return &latest{ready: make(chan struct{}, 1)} }

func (l *latest) put(f *image.Gray) {
	l.mu.Lock()
	var buf *image.Gray
	for len(l.free) > 0 && buf == nil {
		buf = l.free[len(l.free)-1]
		l.free = l.free[:len(l.free)-1]
		if buf.Rect != f.Rect {
			buf = nil
		}
	}
	if buf == nil {
		if l.waiting != nil && l.waiting.Rect == f.Rect {
			buf, l.waiting = l.waiting, nil // the unread frame is overwritten
		} else {
			buf = &image.Gray{Rect: f.Rect, Stride: f.Rect.Dx(), Pix: make([]byte, f.Rect.Dx()*f.Rect.Dy())}
		}
	}
	if l.waiting != nil {
		l.free = append(l.free, l.waiting)
	}
	l.mu.Unlock()
	w := f.Rect.Dx()
	for y := 0; y < f.Rect.Dy(); y++ {
		copy(buf.Pix[y*w:(y+1)*w], f.Pix[y*f.Stride:y*f.Stride+w])
	}
	l.mu.Lock()
	l.waiting = buf
	l.mu.Unlock()
	select {
	case l.ready <- struct{}{}:
	default:
	}
}

func (l *latest) take(ctx context.Context, capErr <-chan error) (*image.Gray, error) {
	for {
		l.mu.Lock()
		f := l.waiting
		l.waiting = nil
		l.mu.Unlock()
		if f != nil {
			return f, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case err := <-capErr:
			return nil, err
		case <-l.ready:
		}
	}
}

func (l *latest) release(f *image.Gray) {
	l.mu.Lock()
	l.free = append(l.free, f)
	l.mu.Unlock()
}

func randDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b[i] = byte('0' + d.Int64())
	}
	return string(b)
}

// crashPoint lets the power-failure tests kill the process at a named
// point of a payment; it does nothing unless a test sets it.
var crashPoint = func(string) {}

// noteCenter keeps the status bar's center light in step with the last
// answer: up when the center answered; down when nothing could connect;
// after a time-out or a dropped connection, a light probe decides, since
// a slow answer is not a disconnection.
func (t *Terminal) noteCenter(err error) {
	state := LinkUp
	if ce, ok := center.AsError(err); ok && ce.CenterCode == "" {
		if ce.Kind != "network" {
			go t.probeCenter(context.Background())
			return
		}
		state = LinkDown
	}
	t.mu.Lock()
	same := t.state.Status.Center == state
	t.mu.Unlock()
	if !same {
		t.update(func(s *State) { s.Status.Center = state })
	}
}
