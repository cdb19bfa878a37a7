package screens

import (
	"context"
	"fmt"
	"image"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"codepay/app"
	"codepay/app/center"
	"codepay/device/camera"
	"codepay/device/codes"
	"codepay/i18n"
	"codepay/store"
	"codepay/theme"
)

var at = time.Date(2026, 11, 24, 18, 30, 5, 0, app.JST)

func sampleStates(t *testing.T) []struct {
	name  string
	state app.State
} {
	pay := &store.Txn{ID: 1, Kind: store.KindPayment, SlipNo: "00012", MerchantTxnID: "00", PaymentID: "1795500000a1b2c3", Brand: "PayPay", Amount: 1980, At: at}
	other := store.Txn{ID: 2, Kind: store.KindPayment, SlipNo: "00013", Brand: "d払い", Amount: 500, At: at.Add(time.Minute)}
	st := app.Status{POS: app.LinkUp, Center: app.LinkUp, Camera: "demo"}
	form := &app.SalesForm{Step: 1, Format: center.DefaultReportFormat()}
	form.Report.Basic.SalesDate, form.Report.Basic.StoreCode = "20261124", "S001"
	form2, form3 := *form, *form
	form2.Step, form3.Step = 2, 3
	return []struct {
		name  string
		state app.State
	}{
		{"idle", app.State{Phase: app.PhaseIdle, Status: st}},
		{"recovering", app.State{Phase: app.PhaseRecovering, Status: st}},
		{"waiting_code", app.State{Phase: app.PhaseWaitingCode, Op: app.OpPayment, Amount: 1980, Abortable: true, Status: st}},
		{"processing", app.State{Phase: app.PhaseProcessing, Op: app.OpPayment, Amount: 1980, Status: st}},
		{"processing_retrying", app.State{Phase: app.PhaseProcessing, Op: app.OpPayment, Amount: 1980, Retrying: true, Status: st}},
		{"done", app.State{Phase: app.PhaseDone, Op: app.OpPayment, Amount: 1980, Txn: pay, Status: st}},
		{"error_Q1ET0006", app.State{Phase: app.PhaseError, Op: app.OpPayment, ErrorCode: "Q1ET0006", Status: st}},
		{"error_Q1ET0042", app.State{Phase: app.PhaseError, Op: app.OpPayment, ErrorCode: "Q1ET0042", Status: app.Status{POS: app.LinkUp, Center: app.LinkUp, Camera: "demo", Unsettled: 1}}},
		{"error_QRNE0011", app.State{Phase: app.PhaseError, Op: app.OpPayment, ErrorCode: "QRNE0011", Status: app.Status{POS: app.LinkDown, Center: app.LinkUp, Camera: app.LinkDown}}},
		{"confirm", app.State{Phase: app.PhaseConfirm, Op: app.OpRefund, Amount: 1980, Original: pay, Abortable: true, Status: st}},
		{"choose", app.State{Phase: app.PhaseChoose, Op: app.OpReprint, Choices: []store.Txn{other, *pay}, Status: st}},
		{"report_slip", app.State{Phase: app.PhaseReport, Op: app.OpReprint, Txn: pay, Receipt: strings.Split("           コード決済\n         【加盟店控え】\n           ＊再印字＊\n--------------------------------\n伝票番号                   00012", "\n"), Status: st}},
		{"report_totals", engineReport(t, st)},
		{"online_ok", app.State{Phase: app.PhaseOnline, Online: &app.OnlineResult{OK: true, RoundTrip: 12 * time.Millisecond, TerminalStatus: "ACTIVE", CenterVersion: "codepay-sim/1"}, Status: st}},
		{"online_ng", app.State{Phase: app.PhaseOnline, Online: &app.OnlineResult{ErrorCode: "Q1ET002E"}, Status: app.Status{POS: app.LinkUp, Center: app.LinkDown, Camera: "demo"}}},
		{"sales_basic", app.State{Phase: app.PhaseSales, Op: app.OpSalesReport, Sales: form, Status: st}},
		{"sales_figures", app.State{Phase: app.PhaseSales, Op: app.OpSalesReport, Sales: &form2, Status: st}},
		{"sales_choice", app.State{Phase: app.PhaseSales, Op: app.OpSalesReport, Sales: &form3, Status: st}},
		{"practice_idle", app.State{Phase: app.PhaseIdle, Practice: true, Status: app.Status{POS: app.LinkUp, Center: app.LinkUp, Camera: "demo", Practice: true}}},
		{"practice_waiting_code", app.State{Phase: app.PhaseWaitingCode, Op: app.OpPayment, Amount: 500, Abortable: true, Practice: true, Status: app.Status{POS: app.LinkUp, Center: app.LinkUp, Camera: "demo", Practice: true}}},
	}
}

// engineReport is the 日計 report state as the real engine makes it: two
// payments read from codes by the camera, paid at the simulator over HTTP,
// then 日計, all on a fixed clock so that the markup is the same each run.
// A screenshot can never show figures that do not add up to their lines.
func engineReport(t *testing.T, st app.Status) app.State {
	t.Helper()
	var mu sync.Mutex
	now := at.Add(-8 * time.Hour)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	setClock := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	sim, err := center.NewSim(center.SimOptions{Keys: map[string]string{"k": "s"}, DBPath: filepath.Join(t.TempDir(), "sim.db"), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := sim.ServeLoopback()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { stop(); sim.Close() }()
	cl, err := center.NewClient(center.Config{BaseURL: url, APIKey: "k", APISecret: "s", TerminalID: "T0001", Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "codepay.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	customer := app.NewDemoCustomer()
	cam := camera.NewDemo(customer.Present)
	cam.Delay = 50 * time.Millisecond
	term := app.New(app.Config{TerminalID: "T0001", MerchantName: "codepay デモ店", Lang: "ja", ResultHold: time.Hour, Now: clock}, db, cl, cam, codes.NewReader())
	if err := term.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}
	do := func(body string) *app.Result {
		got := make(chan *app.Result, 1)
		term.Handle([]byte(body), func(m any) {
			if r, ok := m.(*app.Result); ok {
				got <- r
			}
		})
		select {
		case r := <-got:
			return r
		case <-time.After(20 * time.Second):
			t.Fatalf("no result for %s", body)
			return nil
		}
	}
	for i, p := range []struct {
		brand  string
		amount int
		at     time.Time
	}{{"PayPay", 1980, at.Add(-8*time.Hour + 12*time.Minute)}, {"d払い", 500, at.Add(-3*time.Hour - 48*time.Minute)}} {
		setClock(p.at)
		customer.Choose(p.brand, "ok", string(codes.QR))
		if r := do(fmt.Sprintf(`{"type":"request","id":"G-%d","op":"payment","amount":%d}`, i, p.amount)); !r.OK {
			t.Fatalf("payment: %+v", r.Error)
		}
	}
	setClock(at)
	if r := do(`{"type":"request","id":"G-D","op":"daily_total"}`); !r.OK || r.Mismatch != nil {
		t.Fatalf("日計: %+v %+v", r.Error, r.Mismatch)
	}
	s := term.State()
	if s.Phase != app.PhaseReport || s.Totals == nil || s.Totals.Total.Sales.Amount != 2480 || len(s.Details) != 2 {
		t.Fatalf("the engine's report: %+v", s)
	}
	s.Status = st
	return s
}

// TestScreensRenderAsGoldens renders every screen state at 1280x800 and
// compares it with screens/testdata/<state>.xml. A changed screen fails
// and leaves the new markup in testdata/failed/ to inspect and copy over.
func TestScreensRenderAsGoldens(t *testing.T) {
	for _, c := range sampleStates(t) {
		t.Run(c.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			a.Settings().SetTheme(&theme.Kiosk{})
			term := newTerminal(t, app.NewDemoCustomer())
			u := New(a, term, nil)
			w := test.NewTempWindow(t, u.Content())
			w.Resize(kiosk)
			drain() // the first state, as the event loop would draw it
			if c.state.Phase == app.PhaseWaitingCode {
				// What the demo camera sees: the customer's phone held up.
				u.onPreview(heldPhone(t))
				drain()
			}
			u.render(c.state)
			test.AssertRendersToMarkup(t, filepath.Join("states", c.name+".xml"), w.Canvas())
			shot(t, w, c.name)
			for _, size := range []fyne.Size{kiosk, fyne.NewSize(1024, 600)} {
				w.Resize(size)
				checkTargets(t, w, size)
				checkText(t, w, size)
			}
			w.Resize(kiosk)
			if c.name == "error_Q1ET0006" {
				// Readable at the small kiosk size too.
				w.Resize(fyne.NewSize(1024, 600))
				shot(t, w, c.name+"_1024x600")
			}
		})
	}
}

// The staff's way through 業務メニュー: swipe, password, 日計 → 日計 → QR → OK,
// the report, back to the menu, practice, and out.
func TestMenuFlow(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(&theme.Kiosk{})
	term := newTerminal(t, app.NewDemoCustomer())
	if err := term.EnsurePassword("1234"); err != nil {
		t.Fatal(err)
	}
	u := New(a, term, nil)
	w := test.NewTempWindow(t, u.Content())
	drain()
	w.SetPadded(false) // as in the kiosk: the swipe strip is flush with the screen's edge
	w.Resize(kiosk)

	test.Drag(w.Canvas(), fyne.NewPos(300, 300), 150, 0) // not from the edge: nothing
	if u.menu.page != pageNone {
		t.Fatal("a drag in the middle opened the menu")
	}
	test.Drag(w.Canvas(), fyne.NewPos(5, 300), 40, 0) // too short
	if u.menu.page != pageNone {
		t.Fatal("a short drag opened the menu")
	}
	test.Drag(w.Canvas(), fyne.NewPos(5, 300), 150, 0)
	if u.menu.page != pageDrawer {
		t.Fatalf("swipe from the left edge: page %q", u.menu.page)
	}
	shot(t, w, "menu_drawer")
	tapText(t, w, "業務メニュー")
	if u.menu.page != pagePassword {
		t.Fatalf("page %q, want the password keypad", u.menu.page)
	}
	for _, d := range []string{"9", "9", "9", "9"} {
		tapText(t, w, d)
	}
	tapText(t, w, "OK")
	if !strings.Contains(texts(u.body), "パスワードが違います") {
		t.Fatalf("a wrong password gave: %s", texts(u.body))
	}
	shot(t, w, "menu_password_wrong")
	for _, d := range []string{"1", "2", "3", "4"} {
		tapText(t, w, d)
	}
	tapText(t, w, "OK")
	if u.menu.page != pageMenu || !term.MenuOpen() {
		t.Fatalf("right password: page %q", u.menu.page)
	}
	shot(t, w, "menu_main")
	tapText(t, w, "日計")
	shot(t, w, "menu_daily")
	tapText(t, w, "中間計")
	shot(t, w, "menu_confirm_interim")
	tapText(t, w, "OK")
	waitPhase(t, term, app.PhaseReport)
	if s := texts(u.body); !strings.Contains(s, "中間計表") || !strings.Contains(s, "簡易明細") {
		t.Fatalf("interim report: %s", s)
	}
	tapText(t, w, "簡易明細")
	shot(t, w, "report_interim_simple")
	tapText(t, w, "OK")
	waitPhase(t, term, app.PhaseIdle)
	drain()
	if u.menu.page != pageDaily {
		t.Fatalf("after the report [OK] the menu page is %q, want the 日計 list", u.menu.page)
	}
	// 日計 from the menu, then one [OK] too many where the confirmation's
	// [OK] was: it must not start a second 日計.
	tapText(t, w, "日計")
	okAt := findButton(t, w, "OK")
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(okAt).Add(fyne.NewPos(okAt.Size().Width/2, okAt.Size().Height/2))
	test.TapCanvas(w.Canvas(), pos)
	drain()
	waitPhase(t, term, app.PhaseReport)
	tapText(t, w, "OK")
	waitPhase(t, term, app.PhaseIdle)
	drain()
	test.TapCanvas(w.Canvas(), pos) // the extra tap
	drain()
	time.Sleep(300 * time.Millisecond)
	drain()
	if reps, _ := term.DailyHistory(context.Background()); len(reps) != 1 {
		t.Fatalf("an extra [OK] after the 日計 report made %d 日計", len(reps))
	}
	if p := term.State().Phase; p != app.PhaseIdle {
		t.Fatalf("the extra [OK] started %s", p)
	}
	u.menu.show(pageMenu)
	tapText(t, w, "QR")
	tapText(t, w, "オンラインテスト")
	waitPhase(t, term, app.PhaseOnline)
	if s := texts(u.body); !strings.Contains(s, "センターとの通信は正常です") {
		t.Fatalf("online test: %s", s)
	}
	tapText(t, w, "OK")
	waitPhase(t, term, app.PhaseIdle)
	u.menu.show(pageQR)
	tapText(t, w, "要確認一覧")
	if s := texts(u.body); !strings.Contains(s, "要確認の取引はありません") {
		t.Fatalf("要確認 list: %s", s)
	}
	tapText(t, w, "前の画面に戻る")
	u.menu.show(pageMenu)
	tapText(t, w, "練習")
	if !term.Practice() {
		t.Fatal("practice mode not on")
	}
	if s := texts(u.body); !strings.Contains(s, "練習メニュー") || !strings.Contains(s, "前の画面に戻る") {
		t.Fatalf("practice menu: %s", s)
	}
	shot(t, w, "menu_practice")
	if c := w.Canvas().Capture().At(640, 700); c == nil {
		t.Fatal("no capture")
	} else if r, g, b, _ := c.RGBA(); r>>8 < 0xf0 || g>>8 < 0xd0 || b>>8 > 0x60 {
		t.Errorf("practice background is not yellow: %v", c)
	}
	// 前の画面に戻る goes back to 業務メニュー and practice stays on; only
	// 業務メニュー終了 ends it.
	tapText(t, w, "前の画面に戻る")
	if !term.Practice() || u.menu.page != pageMenu {
		t.Fatalf("前の画面に戻る: practice=%v page=%q", term.Practice(), u.menu.page)
	}
	tapText(t, w, "業務メニュー終了")
	if term.Practice() || term.MenuOpen() || u.menu.page != pageNone {
		t.Fatalf("after 業務メニュー終了: practice=%v open=%v page=%q", term.Practice(), term.MenuOpen(), u.menu.page)
	}
}

func TestCustomerDisplayShowsNoStaffDetails(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(&theme.Kiosk{})
	drain()
	c := NewCustomerDisplay()
	w := test.NewTempWindow(t, c.Content())
	w.Resize(fyne.NewSize(1024, 600))
	c.render(app.State{Phase: app.PhaseWaitingCode, Op: app.OpPayment, Amount: 1980})
	s := texts(c.body)
	for _, want := range []string{"¥1,980", "QRコードをかざしてください", "Please hold up your QR code"} {
		if !strings.Contains(s, want) {
			t.Errorf("prompt lacks %q: %s", want, s)
		}
	}
	shot(t, w, "customer_prompt")
	checkText(t, w, fyne.NewSize(1024, 600))
	// Once the code is read, its brand's badge and the customers' languages.
	c.render(app.State{Phase: app.PhaseProcessing, Op: app.OpPayment, Amount: 1980, Brand: "Alipay+"})
	if s := texts(c.body); !strings.Contains(s, "Alipay+") || !strings.Contains(s, "处理中") || !strings.Contains(s, "¥1,980") {
		t.Errorf("processing: %s", s)
	}
	shot(t, w, "customer_processing")
	checkText(t, w, fyne.NewSize(1024, 600))
	c.render(app.State{Phase: app.PhaseError, Op: app.OpPayment, ErrorCode: "Q1ET0006", Brand: "PayPay"})
	s = texts(c.body)
	if strings.Contains(s, "Q1ET") || strings.Contains(s, "ヘルプデスク") || !strings.Contains(s, "お支払いできませんでした") {
		t.Errorf("staff details on the customer display, or no outcome: %s", s)
	}
	checkText(t, w, fyne.NewSize(1024, 600))
	done := &store.Txn{Brand: "WeChat Pay", Amount: 1980, At: at}
	c.render(app.State{Phase: app.PhaseDone, Op: app.OpPayment, Txn: done})
	s = texts(c.body)
	if !strings.Contains(s, "支付成功") || !strings.Contains(s, "Payment complete") || !strings.Contains(s, "WeChat Pay") {
		t.Errorf("WeChat Pay outcome lacks Chinese or its badge: %s", s)
	}
	shot(t, w, "customer_done_wechat")
	checkText(t, w, fyne.NewSize(1024, 600))
}

// tapText taps the first button whose text is label.
func tapText(t *testing.T, w fyne.Window, label string) {
	t.Helper()
	test.Tap(findButton(t, w, label))
	drain() // what the tap made the app publish
}

// tappable is a button or a side of a segmented control.
type tappable interface {
	fyne.CanvasObject
	fyne.Tappable
}

// findButton finds the first visible button (or segment) whose text is label.
func findButton(t *testing.T, w fyne.Window, label string) tappable {
	t.Helper()
	var found tappable
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *widget.Button:
			if x.Text == label {
				found = x
			}
			return
		case *segment:
			if x.text == label {
				found = x
			}
			return
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
			return
		}
		if wd, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(wd).Objects() {
				walk(c)
			}
		}
	}
	for _, o := range w.Canvas().Overlays().List() {
		walk(o)
	}
	walk(w.Canvas().Content())
	if found == nil {
		t.Fatalf("no button %q on screen", label)
	}
	return found
}

// TestMenuPagesRenderAsGoldens: every page of the staff menu.
func TestMenuPagesRenderAsGoldens(t *testing.T) {
	for _, c := range []struct {
		name     string
		page     menuPage
		practice bool
		pending  string
	}{
		{"drawer", pageDrawer, false, ""},
		{"password", pagePassword, false, ""},
		{"menu", pageMenu, false, ""},
		{"daily_group", pageDaily, false, ""},
		{"qr_group", pageQR, false, ""},
		{"confirm_daily", pageConfirm, false, app.OpDailyTotal},
		{"confirm_batch", pageConfirm, false, app.OpBatchDaily},
		{"daily_reprint_list", pageDailyList, false, ""},
		{"unsettled_list", pageUnsettled, false, ""},
		{"practice_menu", pagePractice, true, ""},
		{"practice_main_menu", pageMenu, true, ""},
		{"confirm_sales", pageConfirm, false, app.OpSalesReport},
		{"set_password", pageSetPassword, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			a.Settings().SetTheme(&theme.Kiosk{})
			term := newTerminal(t, app.NewDemoCustomer())
			term.EnsurePassword("1234")
			if c.page != pageDrawer && c.page != pagePassword {
				if err := term.Login(context.Background(), "1234"); err != nil {
					t.Fatal(err)
				}
			}
			u := New(a, term, nil)
			w := test.NewTempWindow(t, u.Content())
			w.SetPadded(false)
			w.Resize(kiosk)
			drain()
			term.SetPractice(c.practice)
			drain()
			u.menu.pending = c.pending
			u.menu.show(c.page)
			test.AssertRendersToMarkup(t, filepath.Join("menu", c.name+".xml"), w.Canvas())
			shot(t, w, "menu_page_"+c.name)
			checkTargets(t, w, kiosk)
			checkText(t, w, kiosk)
			w.Resize(fyne.NewSize(1024, 600))
			checkTargets(t, w, fyne.NewSize(1024, 600))
			checkText(t, w, fyne.NewSize(1024, 600))
		})
	}
}

// A terminal started without a password (not the demo) asks staff to set
// one, twice, before 業務メニュー opens; a mismatch starts over.
func TestFirstPasswordIsSetOnScreen(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(&theme.Kiosk{})
	term := newTerminal(t, app.NewDemoCustomer())
	if err := term.EnsurePasswordFor("", false); err != nil {
		t.Fatal(err)
	}
	u := New(a, term, nil)
	w := test.NewTempWindow(t, u.Content())
	w.SetPadded(false)
	w.Resize(kiosk)
	drain()
	u.AskFirstPassword()
	drain()
	if u.menu.page != pageSetPassword || !strings.Contains(texts(u.body), "係員パスワードを設定してください") {
		t.Fatalf("start-up without a password shows %q: %s", u.menu.page, texts(u.body))
	}
	shot(t, w, "menu_set_password")
	enter := func(ds ...string) {
		for _, d := range ds {
			tapText(t, w, d)
		}
		tapText(t, w, "OK")
	}
	enter("4", "8", "2", "6")
	enter("4", "8", "2", "7")
	if !strings.Contains(texts(u.body), "一致しません") || !term.NeedsPassword() {
		t.Fatalf("a mismatch: %s", texts(u.body))
	}
	enter("4", "8", "2", "6")
	enter("4", "8", "2", "6")
	if term.NeedsPassword() || u.menu.page != pagePassword {
		t.Fatalf("after setting: page %q, needs %v", u.menu.page, term.NeedsPassword())
	}
	enter("4", "8", "2", "6")
	if u.menu.page != pageMenu {
		t.Fatalf("the new password did not open the menu: %q", u.menu.page)
	}
}

// A damaged store: the out-of-service screen shows its code, message and
// remedy, and the menu cannot be opened from it.
func TestOutOfServiceScreen(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(&theme.Kiosk{})
	term := newTerminal(t, app.NewDemoCustomer())
	u := New(a, term, nil)
	w := test.NewTempWindow(t, u.Content())
	w.SetPadded(false)
	w.Resize(kiosk)
	term.SetFault(app.Fault{Code: app.CodeStoreDamaged, Detail: "store /var/lib/codepay/codepay.db: database disk image is malformed"})
	drain()
	got := texts(u.body)
	for _, want := range []string{"QRNX0002", "データが壊れています", "ヘルプデスク", "malformed"} {
		if !strings.Contains(got, want) {
			t.Errorf("the out-of-service screen lacks %q: %s", want, got)
		}
	}
	shot(t, w, "fault_store_damaged")
	test.Drag(w.Canvas(), fyne.NewPos(5, 300), 150, 0)
	if u.menu.page != pageNone {
		t.Fatal("the menu opened on a terminal out of service")
	}
}

// 売上報告 on screen: a bad 売上計上日 is refused with a message on 基本情報;
// figures typed on 送信情報 survive [確認] and are sent as typed; the
// output uses the labels the center sent.
func TestSalesReportOnScreen(t *testing.T) {
	u, w, term := kioskUI(t)
	if !term.StartLocal(app.OpSalesReport) {
		t.Fatal("not started")
	}
	waitPhase(t, term, app.PhaseSales)
	drain()
	typeInto := func(field, digits string) {
		u.sales.field = field
		tapText(t, w, "C")
		for _, d := range digits {
			tapText(t, w, string(d))
		}
	}
	step := func(n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			drain()
			if s := term.State(); s.Sales != nil && s.Sales.Step == n {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("not on step %d: %+v", n, term.State().Sales)
	}
	typeInto("salesDate", "20261399")
	tapText(t, w, "OK")
	time.Sleep(100 * time.Millisecond)
	drain()
	step(1)
	if !strings.Contains(texts(u.body), "売上計上日が正しくありません") {
		t.Fatalf("a bad date gave no message: %s", texts(u.body))
	}
	shot(t, w, "sales_bad_date")
	typeInto("salesDate", "20261124")
	tapText(t, w, "OK")
	step(2)
	typeInto("netSales", "50000")
	typeInto("taxAndOther", "5000")
	typeInto("customerCount", "42")
	tapText(t, w, "OK")
	step(3)
	tapText(t, w, "確認")
	tapText(t, w, "OK")
	step(1)
	tapText(t, w, "OK")
	step(2)
	if s := texts(u.body); !strings.Contains(s, "5000") || !strings.Contains(s, "42") {
		t.Fatalf("figures lost after [確認]: %s", s)
	}
	tapText(t, w, "OK")
	step(3)
	tapText(t, w, "送信")
	tapText(t, w, "OK")
	waitPhase(t, term, app.PhaseReport)
	body := strings.Join(term.State().Receipt, "\n")
	for _, want := range []string{"税・その他金額", "5,000", "来客数", "42", "50,000"} {
		if !strings.Contains(body, want) {
			t.Errorf("the sent report lacks %q:\n%s", want, body)
		}
	}
}

// A start-up failure before there is a terminal (a bad config value) is
// shown on screen with its code and the field named.
func TestStartupFaultIsShownOnScreen(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(&theme.Kiosk{})
	w := test.NewTempWindow(t, FaultContent(i18n.New("ja"), app.CodeConfig, "terminal.capacity 0: 1 to 1000000"))
	w.Resize(kiosk)
	got := texts(w.Content())
	for _, want := range []string{"QRNX0001", "初期化エラー", "terminal.capacity"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q: %s", want, got)
		}
	}
	shot(t, w, "fault_config")
}

// The cancel confirmation leaves out an empty 加盟店取引番号 (as the slip
// does); the reprint list shows what a cancel takes back with a minus and
// marks the payment it cancelled; practice slips carry the mark.
func TestConfirmAndReprintListDetails(t *testing.T) {
	u, _, _ := kioskUI(t)
	pay := &store.Txn{ID: 1, Kind: store.KindPayment, SlipNo: "00012", Brand: "PayPay", Amount: 1980, At: at}
	u.render(app.State{Phase: app.PhaseConfirm, Op: app.OpRefund, Amount: 1980, Original: pay})
	if s := texts(u.body); strings.Contains(s, "加盟店取引番号") || !strings.Contains(s, "00012") {
		t.Fatalf("confirmation: %s", s)
	}
	cancel := store.Txn{ID: 2, Kind: store.KindCancel, SlipNo: "00013", OriginalID: 1, Brand: "PayPay", Amount: 1980, At: at}
	practice := store.Txn{ID: 3, Kind: store.KindPayment, SlipNo: "00001", Brand: "d払い", Amount: 100, At: at, Practice: true}
	u.render(app.State{Phase: app.PhaseChoose, Op: app.OpReprint, Choices: []store.Txn{practice, cancel, *pay}})
	var lines []string
	for _, o := range test.LaidOutObjects(u.body) {
		if l, ok := o.(*widget.Label); ok {
			lines = append(lines, l.Text)
		}
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{"-¥1,980", "［取消済］", "練00001"} {
		if !strings.Contains(all, want) {
			t.Errorf("reprint list lacks %q:\n%s", want, all)
		}
	}
}

// checkTargets fails for a tappable object smaller than 48x48 px.
func checkTargets(t *testing.T, w fyne.Window, size fyne.Size) {
	t.Helper()
	for _, o := range test.LaidOutObjects(w.Content()) {
		b, ok := o.(*widget.Button)
		if !ok || !b.Visible() || b.Text == "" {
			continue
		}
		if s := b.Size(); s.Width < theme.MinTarget || s.Height < theme.MinTarget {
			t.Errorf("at %vx%v the button %q is %vx%v, under 48x48", size.Width, size.Height, b.Text, s.Width, s.Height)
		}
	}
}

// kioskUI is a terminal on its real parts in a 1280x800 test window.
func kioskUI(t *testing.T) (*UI, fyne.Window, *app.Terminal) {
	t.Helper()
	u, w, term, _ := demoUI(t, false)
	return u, w, term
}

// demoUI is a kiosk window on a real terminal; with panel, the demo's POS
// panel too (returned).
func demoUI(t *testing.T, panel bool) (*UI, fyne.Window, *app.Terminal, *PosPanel) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(&theme.Kiosk{})
	customer := app.NewDemoCustomer()
	term := newTerminal(t, customer)
	var p *PosPanel
	if panel {
		p = NewPosPanel(term, customer)
	}
	u := New(a, term, p)
	w := test.NewTempWindow(t, u.Content())
	w.Resize(kiosk)
	drain()
	return u, w, term, p
}

// placedText is a text on screen with where it is drawn.
type placedText struct {
	text      string
	pos       fyne.Position
	size, min fyne.Size
	inScroll  bool
	// layer tells stacked layers apart (an overlay over the screen, a
	// label over its band): texts of different layers may cover each other.
	layer string
}

var stackType = reflect.TypeOf(layout.NewStackLayout())

// textsOnScreen lists every visible text with its absolute place, noting
// those inside a scroller (drawn clipped: they may reach past it).
func textsOnScreen(w fyne.Window) []placedText {
	var out []placedText
	d := fyne.CurrentApp().Driver()
	var walk func(o fyne.CanvasObject, inScroll bool, layer string)
	walk = func(o fyne.CanvasObject, inScroll bool, layer string) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *canvas.Text:
			if strings.TrimSpace(x.Text) != "" {
				out = append(out, placedText{x.Text, d.AbsolutePositionForObject(x), x.Size(), x.MinSize(), inScroll, layer})
			}
			return
		case *fyne.Container:
			stacked := x.Layout != nil && reflect.TypeOf(x.Layout) == stackType
			for i, c := range x.Objects {
				l := layer
				if stacked {
					l = fmt.Sprintf("%s/%d", layer, i)
				}
				walk(c, inScroll, l)
			}
			return
		case *container.Scroll:
			inScroll = true
		}
		if wd, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(wd).Objects() {
				walk(c, inScroll, layer)
			}
		}
	}
	walk(w.Content(), false, "")
	return out
}

// checkText fails for a text cut short (drawn narrower than it needs, or
// past the window's edge) or drawn over another text, at size.
func checkText(t *testing.T, w fyne.Window, size fyne.Size) {
	t.Helper()
	for _, p := range textProblems(w, size) {
		t.Error(p)
	}
}

func textProblems(w fyne.Window, size fyne.Size) []string {
	var out []string
	texts := textsOnScreen(w)
	for _, x := range texts {
		if x.size.Width+0.5 < x.min.Width {
			out = append(out, fmt.Sprintf("at %vx%v %q is cut: %v wide, needs %v", size.Width, size.Height, x.text, x.size.Width, x.min.Width))
		}
		if x.inScroll {
			continue
		}
		if x.pos.X < -0.5 || x.pos.Y < -0.5 || x.pos.X+x.size.Width > size.Width+0.5 || x.pos.Y+x.size.Height > size.Height+0.5 {
			out = append(out, fmt.Sprintf("at %vx%v %q is drawn past the window's edge (%v %v)", size.Width, size.Height, x.text, x.pos, x.size))
		}
	}
	for i, a := range texts {
		for _, b := range texts[i+1:] {
			if a.inScroll || b.inScroll || a.layer != b.layer {
				continue
			}
			dx := min(a.pos.X+a.size.Width, b.pos.X+b.size.Width) - max(a.pos.X, b.pos.X)
			dy := min(a.pos.Y+a.size.Height, b.pos.Y+b.size.Height) - max(a.pos.Y, b.pos.Y)
			if dx > 2 && dy > 2 {
				out = append(out, fmt.Sprintf("at %vx%v %q and %q overlap", size.Width, size.Height, a.text, b.text))
			}
		}
	}
	return out
}

// The check finds what it is for: a text squeezed narrower than it needs,
// one past the edge, two drawn over each other.
func TestTextCheckFindsCutAndOverlap(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(&theme.Kiosk{})
	squeezed := container.NewGridWrap(fyne.NewSize(40, 30), canvas.NewText("お支払いが完了しました", theme.Text))
	a, b := canvas.NewText("¥1,980", theme.Text), canvas.NewText("PayPay", theme.Text)
	a.Move(fyne.NewPos(100, 100))
	b.Move(fyne.NewPos(110, 104))
	a.Resize(a.MinSize())
	b.Resize(b.MinSize())
	edge := canvas.NewText("伝票番号 00012", theme.Text)
	edge.Move(fyne.NewPos(380, 10))
	edge.Resize(edge.MinSize())
	w := test.NewTempWindow(t, container.NewStack(container.NewVBox(squeezed), container.NewWithoutLayout(a, b, edge)))
	w.SetPadded(false)
	w.Resize(fyne.NewSize(400, 300))
	got := strings.Join(textProblems(w, fyne.NewSize(400, 300)), "\n")
	for _, want := range []string{"is cut", "overlap", "past the window's edge"} {
		if !strings.Contains(got, want) {
			t.Errorf("not found: %s\n%s", want, got)
		}
	}
}

// heldPhone is a frame of the demo camera with the customer's phone held
// up, its code on screen.
func heldPhone(t *testing.T) *image.Gray {
	cam := camera.NewDemo(app.NewDemoCustomer().Present)
	cam.Delay, cam.Enter = 0, 0
	if err := cam.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	f, err := cam.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// A screen that returns by itself shows how long it has left: the done
// screen has a countdown bar when it will return, none when it waits.
func TestDoneScreenCountsDownWhenItReturnsByItself(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(&theme.Kiosk{})
	pay := &store.Txn{Kind: store.KindPayment, SlipNo: "00012", Brand: "PayPay", Amount: 1980, At: at}
	bars := func(o fyne.CanvasObject) int {
		n := 0
		var walk func(o fyne.CanvasObject)
		walk = func(o fyne.CanvasObject) {
			switch x := o.(type) {
			case *canvas.Rectangle:
				if x.FillColor == theme.Success && x.Size().Height == theme.Grid {
					n++
				}
			case *fyne.Container:
				for _, c := range x.Objects {
					walk(c)
				}
			}
		}
		walk(o)
		return n
	}
	state := app.State{Phase: app.PhaseDone, Op: app.OpPayment, Txn: pay, ReturnAt: time.Now().Add(5 * time.Second)}
	if n := bars(doneScreen(i18n.New("ja"), state, func() {})); n != 1 {
		t.Errorf("%d countdown bars on a screen that returns by itself", n)
	}
	state.ReturnAt = time.Time{}
	if n := bars(doneScreen(i18n.New("ja"), state, func() {})); n != 0 {
		t.Errorf("%d countdown bars on a screen that waits for a tap", n)
	}
}
