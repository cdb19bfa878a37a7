package app

import (
	"context"
	"image"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"codepay/app/center"
	"codepay/device/camera"
	"codepay/device/codes"
	"codepay/store"
)

func TestPaymentEndToEnd(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	r.hold("PayPay", "ok", codes.QR)
	res, events := r.do(`{"seq":1,"type":"request","id":"R-0001","op":"payment","amount":1980,"merchantTxnId":"00"}`)
	if !res.OK || res.Txn == nil {
		t.Fatalf("payment failed: %+v %+v", res, res.Error)
	}
	if res.Txn.Brand != "PayPay" || res.Txn.Amount != 1980 || res.Txn.SlipNo != "00001" || res.Txn.PaymentID == "" {
		t.Errorf("txn = %+v", res.Txn)
	}
	for _, ev := range []string{EvAccepted, EvWaitingCode, EvCodeRead, EvProcessing} {
		if !slices.Contains(events, ev) {
			t.Errorf("event %s missing from %v", ev, events)
		}
	}
	// The store has it, settled, and the center agrees.
	hist, err := r.db.History(context.Background(), false, 10)
	if err != nil || len(hist) != 1 {
		t.Fatalf("history = %v %v", hist, err)
	}
	h := hist[0]
	if h.State != store.StateDone || h.PaymentID != res.Txn.PaymentID || h.Amount != 1980 || h.MerchantTxnID != "00" {
		t.Errorf("stored = %+v", h)
	}
	p, err := r.client.GetPayment(context.Background(), h.CenterID)
	if err != nil || p.Status != center.StatusCompleted || p.Amount.Amount != 1980 || p.PaymentID != h.PaymentID {
		t.Errorf("center has %+v %v", p, err)
	}
	if st := r.term.State(); st.Phase != PhaseDone || st.Txn == nil || st.Txn.SlipNo != "00001" {
		t.Errorf("screen state = %+v", st)
	}
	if res.Receipt == nil || !strings.Contains(strings.Join(res.Receipt.Lines, "\n"), "¥1,980") {
		t.Errorf("receipt = %+v", res.Receipt)
	}
	// The same request again is replayed, not charged again.
	again, _ := r.do(`{"seq":2,"type":"request","id":"R-0001","op":"payment","amount":1980,"merchantTxnId":"00"}`)
	if !again.Replayed || !again.OK || again.Txn.PaymentID != res.Txn.PaymentID {
		t.Errorf("replay = %+v", again)
	}
	if n, _ := r.db.CountOpen(context.Background()); n != 1 {
		t.Errorf("%d transactions after a replay, want 1", n)
	}
	reused, _ := r.do(`{"type":"request","id":"R-0001","op":"payment","amount":500}`)
	if reused.OK || reused.Error.Code != CodeIDReused {
		t.Errorf("reused id = %+v", reused.Error)
	}
}

func TestPaymentErrorsFromTheCenter(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	cases := []struct {
		brand, scenario string
		format          codes.Format
		code            string
	}{
		{"PayPay", "insufficient", codes.QR, "Q1ET0006"},
		{"d払い", "expired", codes.QR, "Q1ET000A"},
		{"au PAY", "merchant_limit", codes.Code128, "Q1ET0007"},
		{"楽天ペイ", "unknown_code", codes.QR, "Q1ET0002"},
		{"WeChat Pay", "maintenance", codes.QR, "Q1ET0028"},
		{"メルペイ", "failed", codes.QR, "Q1ET0030"},
	}
	for i, c := range cases {
		t.Run(c.scenario, func(t *testing.T) {
			r.hold(c.brand, c.scenario, c.format)
			res, _ := r.do(`{"type":"request","id":"E-` + string(rune('a'+i)) + `","op":"payment","amount":500}`)
			if res.OK || res.Error.Code != c.code {
				t.Fatalf("got %+v, want %s", res.Error, c.code)
			}
			if res.Error.Message == "" || strings.HasPrefix(res.Error.Message, "error.") {
				t.Errorf("no message for %s: %q", c.code, res.Error.Message)
			}
			if st := r.term.State(); st.Phase != PhaseError || st.ErrorCode != c.code {
				t.Errorf("screen = %s %s", st.Phase, st.ErrorCode)
			}
			r.term.Dismiss()
		})
	}
}

func TestPaymentResetWhileWaiting(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	// Nothing is held up: the terminal waits for a code until [リセット].
	res, _ := r.do(`{"type":"request","id":"A-1","op":"payment","amount":300}`, func(ev string) {
		if ev == EvWaitingCode {
			r.term.Reset()
		}
	})
	if res.OK || res.Error.Code != CodeAborted {
		t.Fatalf("got %+v", res.Error)
	}
	if st := r.term.State(); st.Phase != PhaseIdle {
		t.Errorf("phase after reset = %s", st.Phase)
	}
}

func TestUnknownOutcomeGoesToTheCheckListAndIsSettledInTheBackground(t *testing.T) {
	r := newRig(t, center.SimOptions{UnsettledFor: 4 * time.Second})
	r.hold("PayPay", "unsettled", codes.QR)
	res, events := r.do(`{"type":"request","id":"U-1","op":"payment","amount":700}`)
	if res.OK || res.Error.Code != "Q1ET0042" || !res.Error.OutcomeUnknown {
		t.Fatalf("got %+v", res.Error)
	}
	if !slices.Contains(events, EvRetryingCenter) {
		t.Errorf("no retrying_center event in %v", events)
	}
	list, _ := r.term.Unsettled(context.Background())
	if len(list) != 1 || list[0].State != store.StateUnknown {
		t.Fatalf("要確認 list = %+v", list)
	}
	if st := r.term.State(); st.Status.Unsettled != 1 {
		t.Errorf("status bar shows %d to check", st.Status.Unsettled)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.term.RetryUnsettled(ctx, 500*time.Millisecond)
	deadline := time.Now().Add(15 * time.Second)
	for {
		list, _ = r.term.Unsettled(context.Background())
		if len(list) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still unsettled: %+v", list)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Settled by cancel: nothing was charged, the center agrees.
	txns, _ := r.db.TxnsOfRequest(context.Background(), "U-1")
	if len(txns) != 1 || txns[0].State != store.StateFailed {
		t.Fatalf("settled as %+v", txns)
	}
	if p, err := r.client.GetPayment(context.Background(), txns[0].CenterID); err == nil && p.Status == center.StatusCompleted {
		t.Fatalf("center charged it: %+v", p)
	}
	// The status bar is counted after the settling pass writes the list:
	// it clears within a moment of the list, not necessarily at once.
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		st := r.term.State()
		if st.Status.Unsettled == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status bar still shows %d", st.Status.Unsettled)
		}
	}
}

func TestCameraFailureIsQRNE0011(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	dir := t.TempDir()
	cam, err := camera.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	r.term.cam = cam
	os.RemoveAll(dir) // the camera goes away
	res, _ := r.do(`{"type":"request","id":"CAM-1","op":"payment","amount":100}`)
	if res.OK || res.Error.Code != "QRNE0011" {
		t.Fatalf("got %+v", res.Error)
	}
	if st := r.term.State(); st.Phase != PhaseError || st.Status.Camera != LinkDown {
		t.Errorf("screen %s camera %s", st.Phase, st.Status.Camera)
	}
}

func TestNotAPaymentCodeIsQRNE0018(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	img, _ := codes.Encode("https://example.com/menu", codes.QR, 300)
	r.mu.Lock()
	r.present = img
	r.mu.Unlock()
	res, _ := r.do(`{"type":"request","id":"NP-1","op":"payment","amount":100}`)
	if res.OK || res.Error.Code != "QRNE0018" {
		t.Fatalf("got %+v", res.Error)
	}
	if n, _ := r.db.CountOpen(context.Background()); n != 0 {
		t.Errorf("%d transactions stored for a code that is not a payment code", n)
	}
}

// A tap on [OK] the moment the outcome appears, before the operation has
// stored its final result, is not lost.
func TestDismissAsTheOutcomeAppears(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	r.term.Subscribe(func(s State) {
		if s.Phase == PhaseDone {
			r.term.Dismiss() // synchronously: the operation is still running
		}
	})
	r.hold("PayPay", "ok", codes.QR)
	r.do(`{"type":"request","id":"DIS-1","op":"payment","amount":100}`)
	waitFor(t, func() bool { return r.term.State().Phase == PhaseIdle })
}

// sceneCamera shows, frame after frame, whatever the test puts in front
// of it: a customer who can take the phone away and hold it up again
// within one scan (the demo camera picks its picture when a scan starts).
type sceneCamera struct {
	mu    sync.Mutex
	scene image.Image
}

func (c *sceneCamera) show(img image.Image)       { c.mu.Lock(); c.scene = img; c.mu.Unlock() }
func (c *sceneCamera) Open(context.Context) error { return nil }
func (c *sceneCamera) Close() error               { return nil }
func (c *sceneCamera) Name() string               { return "scene" }
func (c *sceneCamera) Next(ctx context.Context) (*image.Gray, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(time.Second / 30):
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.scene == nil {
		return image.NewGray(image.Rect(0, 0, 320, 240)), nil
	}
	return camera.ToGray(c.scene), nil
}

// A phone still held up after paying does not pay again: the same code is
// read once per presentation, and again only after it was taken away.
func TestOneReadPerPresentation(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	cam := &sceneCamera{}
	r.term.cam = cam
	text := r.hold("PayPay", "ok", codes.QR)
	code, err := codes.Encode(text, codes.QR, 300)
	if err != nil {
		t.Fatal(err)
	}
	cam.show(code)
	first := r.req(`{"op":"payment","amount":500,"practice":true}`)
	if !first.OK {
		t.Fatalf("first payment: %+v", first.Error)
	}
	r.term.Dismiss()
	second := make(chan *Result, 1)
	go func() {
		res, _ := r.do(`{"type":"request","id":"P-2","op":"payment","amount":600,"practice":true}`)
		second <- res
	}()
	select {
	case res := <-second:
		t.Fatalf("the code still held up paid again: %+v", res)
	case <-time.After(2 * time.Second):
	}
	if p := r.term.State().Phase; p != PhaseWaitingCode {
		t.Fatalf("the terminal shows %s, want the prompt", p)
	}
	cam.show(nil) // taken away, then held up again
	time.Sleep(codeGone + 300*time.Millisecond)
	cam.show(code)
	select {
	case res := <-second:
		if !res.OK || res.Txn.Amount != 600 {
			t.Fatalf("second payment: %+v %+v", res.Txn, res.Error)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the code held up again was not read")
	}
}

// A POS that resends a payment while it runs (its line dropped the
// request's ACK) gets the one result twice: the first as it is, the copy
// for the resend marked replayed with the same slip, so the POS never
// counts it as a second payment (the noisy-line soak once took such a copy
// for the answer to its next ask).
func TestResendWhileRunningGetsTheResultMarkedReplayed(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	cam := &sceneCamera{}
	r.term.cam = cam
	body := `{"type":"request","id":"RS-1","op":"payment","amount":700}`
	results := make(chan *Result, 2)
	reply := func(msg any) {
		if res, ok := msg.(*Result); ok {
			results <- res
		}
	}
	r.term.Handle([]byte(body), reply)
	deadline := time.Now().Add(5 * time.Second)
	for r.term.State().Phase != PhaseWaitingCode && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	r.term.Handle([]byte(body), reply) // the resend, while the first waits for a code
	code, err := codes.Encode(r.hold("PayPay", "ok", codes.QR), codes.QR, 300)
	if err != nil {
		t.Fatal(err)
	}
	cam.show(code)
	var got []*Result
	for len(got) < 2 {
		select {
		case res := <-results:
			got = append(got, res)
		case <-time.After(15 * time.Second):
			t.Fatalf("%d results of 2; the terminal is at %s (%s)", len(got), r.term.State().Phase, r.term.State().ErrorCode)
		}
	}
	first, copy := got[0], got[1]
	if !first.OK || first.Replayed {
		t.Fatalf("first result: ok %v replayed %v", first.OK, first.Replayed)
	}
	if !copy.OK || !copy.Replayed || copy.Txn.SlipNo != first.Txn.SlipNo {
		t.Fatalf("the resend's result: ok %v replayed %v slip %s (first %s)", copy.OK, copy.Replayed, copy.Txn.SlipNo, first.Txn.SlipNo)
	}
	ledger, err := r.sim.Ledger()
	if err != nil {
		t.Fatal(err)
	}
	if len(ledger.Payments) != 1 {
		t.Fatalf("the center holds %d payments", len(ledger.Payments))
	}
}
