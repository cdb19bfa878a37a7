package screens

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"slices"
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
	"codepay/device/printer"
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
	ui, w, term, panel := demoUI(t, true)
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
	for drain(); len(panel.logText()) == 0; drain() {
		if time.Now().After(deadline) {
			t.Fatal("no result in the panel's log")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := panel.logText()[0]; got != "支払 OK ¥1,980\nPayPay  伝票 00001" {
		t.Fatalf("panel log entry %q", got)
	}
	shot(t, w, "paid")
}

// The POS panel speaks the staff's words: scenarios with the code they
// lead to, formats by name, results one per entry, newest first.
func TestPosPanelLabelsAndLog(t *testing.T) {
	_, _, term, panel := demoUI(t, true)
	customer := panel.customer
	drain()
	for _, sel := range []*widget.Select{panel.scenarioSel, panel.formatSel, panel.brandSel} {
		for _, o := range sel.Options {
			if strings.Contains(o, "_") {
				t.Errorf("a raw identifier in a choice: %q", o)
			}
		}
	}
	if !slices.Contains(panel.scenarioSel.Options, "残高不足 → Q1ET0006") || !slices.Contains(panel.scenarioSel.Options, "正常 → 完了") {
		t.Errorf("scenario choices: %q", panel.scenarioSel.Options)
	}
	if !slices.Contains(panel.formatSel.Options, "バーコード (Code128)") {
		t.Errorf("format choices: %q", panel.formatSel.Options)
	}
	// A choice in words chooses the scenario behind it.
	panel.scenarioSel.SetSelected("残高不足 → Q1ET0006")
	panel.formatSel.SetSelected("バーコード (Code128)")
	if _, sc, f := customer.Chosen(); sc != "insufficient" || f != "CODE_128" {
		t.Fatalf("chosen %s %s", sc, f)
	}
	results := make(chan *app.Result, 1)
	term.Handle([]byte(`{"type":"request","id":"P-1","op":"payment","amount":700}`), func(m any) {
		if r, ok := m.(*app.Result); ok {
			results <- r
		}
	})
	if r := <-results; r.OK || r.Error.Code != "Q1ET0006" {
		t.Fatalf("the scenario chosen gave %+v", r.Error)
	}
	panel.onReply(&app.Result{Op: app.OpPayment, OK: false, Error: &app.ErrorInfo{Code: "Q1ET0006", Message: "残高が不足しています\nお客様にご確認ください"}})
	panel.onReply(&app.Result{Op: app.OpPayment, OK: true, Txn: &app.TxnInfo{Brand: "d払い", Amount: 500, SlipNo: "00002"}})
	log := panel.logText()
	if len(log) != 2 || log[0] != "支払 OK ¥500\nd払い  伝票 00002" || !strings.HasPrefix(log[1], "支払 NG Q1ET0006\n残高が不足しています") {
		t.Fatalf("log, newest first: %q", log)
	}
	if len(panel.log.Objects) != 3 {
		t.Errorf("entries are not separated: %d objects", len(panel.log.Objects))
	}
}

// A laptop's keyboard: digits, Backspace, Esc and Enter on the POS panel;
// Enter is [OK] and Esc is [×] on the confirmation; Space on a button
// reached with Tab does not pay.
func TestKeyboardOnPanelAndScreens(t *testing.T) {
	ui, w, term, panel := demoUI(t, true)
	ui.BindKeys(w.Canvas())
	drain()
	key := func(name fyne.KeyName) { w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: name}); drain() }
	test.TypeOnCanvas(w.Canvas(), "12x34")
	if panel.amount.Text != "¥1,234" {
		t.Fatalf("typed 12x34: %q", panel.amount.Text)
	}
	key(fyne.KeyBackspace)
	if panel.amount.Text != "¥123" {
		t.Fatalf("after Backspace: %q", panel.amount.Text)
	}
	key(fyne.KeyEscape)
	if panel.amount.Text != "¥0" {
		t.Fatalf("after Esc: %q", panel.amount.Text)
	}
	key(fyne.KeyReturn) // nothing typed: no payment
	drain()
	if p := term.State().Phase; p != app.PhaseIdle {
		t.Fatalf("Enter with no amount started %s", p)
	}
	test.TypeOnCanvas(w.Canvas(), "800")
	key(fyne.KeyReturn)
	waitPhase(t, term, app.PhaseDone)
	test.TypeOnCanvas(w.Canvas(), "5") // not on the outcome screen
	if panel.amount.Text != "¥0" {
		t.Fatalf("digits typed during the outcome went to the panel: %q", panel.amount.Text)
	}
	key(fyne.KeyReturn) // [OK]
	waitPhase(t, term, app.PhaseIdle)
	results := make(chan *app.Result, 2)
	reply := func(m any) {
		if r, ok := m.(*app.Result); ok {
			results <- r
		}
	}
	term.Handle([]byte(`{"type":"request","id":"R-1","op":"refund","slipNo":"00001"}`), reply)
	waitPhase(t, term, app.PhaseConfirm)
	key(fyne.KeyEscape) // [×]
	if r := <-results; r.OK || r.Error.Code != app.CodeAborted {
		t.Fatalf("Esc on the confirmation: %+v", r.Error)
	}
	waitPhase(t, term, app.PhaseIdle)
	term.Handle([]byte(`{"type":"request","id":"R-2","op":"refund","slipNo":"00001"}`), reply)
	waitPhase(t, term, app.PhaseConfirm)
	key(fyne.KeyReturn) // [OK]
	key(fyne.KeyReturn) // once only
	if r := <-results; !r.OK || r.Txn.Kind != "cancel" {
		t.Fatalf("Enter on the confirmation: %+v %+v", r.Txn, r.Error)
	}
	// The second Enter confirms nothing more; where the cancel was done
	// before it came (a fast center), it was [OK] on the outcome screen.
	if term.State().Phase != app.PhaseIdle {
		waitPhase(t, term, app.PhaseDone)
		key(fyne.KeyEscape)
	}
	waitPhase(t, term, app.PhaseIdle)
	select {
	case r := <-results:
		t.Fatalf("a second result from Enter pressed twice: %+v", r)
	case <-time.After(200 * time.Millisecond):
	}
	// Tab to 支払 with an amount typed, then Space and Enter: no payment.
	test.TypeOnCanvas(w.Canvas(), "300")
	w.Canvas().Focus(panel.buttons["支払"])
	for _, k := range []fyne.KeyName{fyne.KeySpace, fyne.KeyReturn} {
		if f, ok := w.Canvas().Focused().(fyne.Focusable); ok {
			f.TypedKey(&fyne.KeyEvent{Name: k})
		}
	}
	time.Sleep(200 * time.Millisecond)
	drain()
	if p := term.State().Phase; p != app.PhaseIdle {
		t.Fatalf("a key on the focused 支払 button started %s", p)
	}
}

// The demo's virtual printer: a payment's two slips come out on the POS
// panel's paper roll, drawn from the ESC/POS bytes the printer got.
func TestDemoPrinterRollShowsTheSlips(t *testing.T) {
	ui, w, term, panel := demoUI(t, true)
	render, err := printer.NewRenderer(theme.FontMono.Content(), 32)
	if err != nil {
		t.Fatal(err)
	}
	v := &printer.Virtual{OnPage: func(p printer.Page) { panel.ShowPrinted(render.Page(p)) }}
	term.SetPrinter(app.PrintOut{Printer: printer.NewWith(v.Open), Kanji: true, Render: render})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go term.StartPrinter(ctx)
	ui.BindKeys(w.Canvas())
	drain()
	test.TypeOnCanvas(w.Canvas(), "1980")
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitPhase(t, term, app.PhaseDone)
	deadline := time.Now().Add(10 * time.Second)
	for drain(); panel.paperPages() < 2; drain() {
		if time.Now().After(deadline) {
			t.Fatalf("%d pages on the roll", panel.paperPages())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if panel.tabs.SelectedIndex() != 2 {
		t.Error("the roll is not shown when a slip comes out")
	}
	if s := texts(ui.status.box); !strings.Contains(s, "プリンター: 準備OK") {
		t.Errorf("status bar: %q", s)
	}
	shot(t, w, "demo_printed")
}
