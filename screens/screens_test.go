package screens

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
	"codepay/app/center"
	"codepay/device/camera"
	"codepay/device/codes"
	"codepay/store"
	"codepay/theme"
)

// kiosk is the reference resolution of the screen tests.
var kiosk = fyne.NewSize(1280, 800)

// newTerminal builds a terminal on its real parts: the SQLite file, the
// simulator over HTTP on loopback and the demo camera with the real reader.
func newTerminal(t *testing.T, customer *app.DemoCustomer) *app.Terminal {
	t.Helper()
	sim, err := center.NewSim(center.SimOptions{Keys: map[string]string{"k": "s"}, DBPath: filepath.Join(t.TempDir(), "sim.db")})
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := sim.ServeLoopback()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(); sim.Close() })
	cl, err := center.NewClient(center.Config{BaseURL: url, APIKey: "k", APISecret: "s", TerminalID: "T0001"})
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "codepay.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cam := camera.NewDemo(customer.Present)
	cam.Delay = 300 * time.Millisecond
	term := app.New(app.Config{TerminalID: "T0001", MerchantName: "codepay デモ店", Lang: "ja", ResultHold: time.Hour}, db, cl, cam, codes.NewReader())
	if err := term.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}
	return term
}

// uiQueue stands in for the driver's event loop: the app's goroutines
// queue UI work, and the test goroutine runs it (drain), so widgets are
// only ever touched by one goroutine, as in the real app.
var uiQueue struct {
	mu sync.Mutex
	fs []func()
}

func TestMain(m *testing.M) {
	uiDo = func(f func()) {
		uiQueue.mu.Lock()
		uiQueue.fs = append(uiQueue.fs, f)
		uiQueue.mu.Unlock()
	}
	os.Exit(m.Run())
}

// drain runs the queued UI work on the calling (test) goroutine.
func drain() {
	for {
		uiQueue.mu.Lock()
		fs := uiQueue.fs
		uiQueue.fs = nil
		uiQueue.mu.Unlock()
		if len(fs) == 0 {
			return
		}
		for _, f := range fs {
			f()
		}
	}
}

func waitPhase(t *testing.T, term *app.Terminal, p app.Phase) app.State {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		drain()
		s := term.State()
		if s.Phase == p {
			drain()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("phase %s never came; now %s (%s)", p, s.Phase, s.ErrorCode)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shot saves a capture to docs/screens when CODEPAY_SCREENSHOTS names a folder.
func shot(t *testing.T, w fyne.Window, name string) {
	dir := os.Getenv("CODEPAY_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	png.Encode(f, w.Canvas().Capture())
}

// texts collects every label and button text on the canvas.
func texts(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString(w.Text + "\n")
		case *canvas.Text:
			b.WriteString(w.Text + "\n")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
		if wr, ok := o.(fyne.Widget); ok {
			if _, isLabel := o.(*widget.Label); !isLabel {
				r := test.WidgetRenderer(wr)
				for _, c := range r.Objects() {
					walk(c)
				}
			}
		}
	}
	walk(o)
	return b.String()
}

func TestDemoPaymentOnScreen(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(&theme.Kiosk{})
	customer := app.NewDemoCustomer()
	term := newTerminal(t, customer)
	panel := NewPosPanel(term, customer)
	ui := New(a, term, panel)
	w := test.NewTempWindow(t, ui.Content())
	w.Resize(kiosk)
	drain()
	if s := texts(ui.body); !strings.Contains(s, "コード決済") {
		t.Fatalf("決済初期画面 not shown: %q", s)
	}
	shot(t, w, "idle")
	for _, k := range []string{"1", "9", "8", "0"} {
		test.Tap(panel.buttons[k])
	}
	if panel.amount.Text != "¥1,980" {
		t.Fatalf("panel amount %q", panel.amount.Text)
	}
	test.Tap(panel.buttons["支払"])
	waitPhase(t, term, app.PhaseWaitingCode)
	if s := texts(ui.body); !strings.Contains(s, "QRコードをかざしてください") || !strings.Contains(s, "¥1,980") || !strings.Contains(s, "リセット") {
		t.Fatalf("payment prompt shows %q", s)
	}
	shot(t, w, "pay_prompt")
	st := waitPhase(t, term, app.PhaseDone)
	if st.Txn == nil || st.Txn.Brand != "PayPay" || st.Txn.Amount != 1980 {
		t.Fatalf("done state %+v", st.Txn)
	}
	if s := texts(ui.body); !strings.Contains(s, "お支払いが完了しました") {
		t.Fatalf("outcome shows %q", s)
	}
	// The panel shows the POS's result.
	deadline := time.Now().Add(10 * time.Second)
	for drain(); !strings.Contains(panel.log.Text, "支払 OK PayPay ¥1,980"); drain() {
		if time.Now().After(deadline) {
			t.Fatalf("panel log %q", panel.log.Text)
		}
		time.Sleep(20 * time.Millisecond)
	}
	shot(t, w, "paid")
}

func TestErrorScreenShowsCodeMessageAndRemedy(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(&theme.Kiosk{})
	customer := app.NewDemoCustomer()
	customer.Choose("PayPay", "insufficient", string(codes.QR))
	term := newTerminal(t, customer)
	panel := NewPosPanel(term, customer)
	ui := New(a, term, panel)
	w := test.NewTempWindow(t, ui.Content())
	w.Resize(kiosk)
	for _, k := range []string{"5", "0", "0"} {
		test.Tap(panel.buttons[k])
	}
	test.Tap(panel.buttons["支払"])
	waitPhase(t, term, app.PhaseError)
	s := texts(ui.body)
	for _, want := range []string{"Q1ET0006", "お客様の取引残高が不足しています", "残高が不足していますので", "×"} {
		if !strings.Contains(s, want) {
			t.Errorf("error screen lacks %q:\n%s", want, s)
		}
	}
	shot(t, w, "error_Q1ET0006")
}

// [OK] acts once however fast it is tapped (the manual warns against
// repeated taps): two taps on the cancel confirmation make one cancel.
func TestOKActsOnce(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(&theme.Kiosk{})
	customer := app.NewDemoCustomer()
	term := newTerminal(t, customer)
	ui := New(a, term, nil)
	w := test.NewTempWindow(t, ui.Content())
	w.Resize(kiosk)
	results := make(chan *app.Result, 4)
	reply := func(msg any) {
		if r, ok := msg.(*app.Result); ok {
			results <- r
		}
	}
	term.Handle([]byte(`{"type":"request","id":"P-1","op":"payment","amount":800}`), reply)
	waitPhase(t, term, app.PhaseDone)
	<-results
	term.Handle([]byte(`{"type":"request","id":"R-1","op":"refund","slipNo":"00001"}`), reply)
	waitPhase(t, term, app.PhaseConfirm)
	ok := findButton(t, w, "OK")
	test.Tap(ok)
	test.Tap(ok)
	res := <-results
	if !res.OK || res.Txn.Kind != "cancel" {
		t.Fatalf("cancel: %+v %+v", res.Txn, res.Error)
	}
	// The second tap acted on nothing: the outcome stays on screen (it
	// leaves only by a tap, the hold being an hour here) ...
	waitPhase(t, term, app.PhaseDone)
	time.Sleep(300 * time.Millisecond)
	drain()
	if p := term.State().Phase; p != app.PhaseDone {
		t.Fatalf("the second tap dismissed the outcome: %s", p)
	}
	test.Tap(findButton(t, w, "OK"))
	waitPhase(t, term, app.PhaseIdle)
	// ... and was not kept as the answer of the next confirmation.
	term.Handle([]byte(`{"type":"request","id":"P-2","op":"payment","amount":500}`), reply)
	waitPhase(t, term, app.PhaseDone)
	<-results
	test.Tap(findButton(t, w, "OK"))
	waitPhase(t, term, app.PhaseIdle)
	term.Handle([]byte(`{"type":"request","id":"R-2","op":"refund","slipNo":"00003"}`), reply)
	waitPhase(t, term, app.PhaseConfirm)
	time.Sleep(300 * time.Millisecond)
	drain()
	if p := term.State().Phase; p != app.PhaseConfirm {
		t.Fatalf("the next confirmation did not wait for staff: %s", p)
	}
	select {
	case r := <-results:
		t.Fatalf("a result before staff answered: %+v", r)
	default:
	}
}
