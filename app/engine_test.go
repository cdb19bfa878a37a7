package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codepay/app/center"
	"codepay/device/codes"
	"codepay/store"
)

var reqN int

// pay makes a completed payment and returns its result.
func (r *rig) pay(brand string, amount int64, extra string) *Result {
	r.t.Helper()
	r.hold(brand, "ok", codes.QR)
	reqN++
	res, _ := r.do(fmt.Sprintf(`{"type":"request","id":"PAY-%d","op":"payment","amount":%d%s}`, reqN, amount, extra))
	if !res.OK {
		r.t.Fatalf("payment failed: %+v", res.Error)
	}
	return res
}

func (r *rig) req(body string, during ...func(string)) *Result {
	r.t.Helper()
	reqN++
	res, _ := r.do(strings.Replace(body, "{", fmt.Sprintf(`{"type":"request","id":"Q-%d",`, reqN), 1), during...)
	return res
}

// answerWhen taps [OK] (1) or [×] (0) when the terminal waits for it.
func (r *rig) answerWhen(ev string, v int64) func(string) {
	return func(e string) {
		if e == ev {
			time.Sleep(50 * time.Millisecond)
			r.term.Answer(v)
		}
	}
}

func TestCancelWithConfirmation(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	p := r.pay("PayPay", 1980, `,"merchantTxnId":"00"`)
	var confirmState State
	res := r.req(`{"op":"refund","slipNo":"`+p.Txn.SlipNo+`"}`, func(e string) {
		if e == EvWaitingConfirm {
			confirmState = r.term.State()
			r.term.Answer(1)
			r.term.Answer(1) // a repeated tap acts once
		}
	})
	if !res.OK || res.Txn.Kind != store.KindCancel || res.Txn.OriginalSlipNo != p.Txn.SlipNo || res.Txn.Amount != 1980 {
		t.Fatalf("cancel: %+v %+v", res.Txn, res.Error)
	}
	if confirmState.Phase != PhaseConfirm || confirmState.Original == nil || confirmState.Original.MerchantTxnID != "00" || confirmState.Amount != 1980 {
		t.Errorf("confirmation showed %+v", confirmState)
	}
	cp, _ := r.client.GetPayment(context.Background(), mustFind(t, r, p.Txn.SlipNo).CenterID)
	if cp.Status != center.StatusFailed {
		t.Errorf("center status after cancel: %s", cp.Status)
	}
	again := r.req(`{"op":"refund","slipNo":"` + p.Txn.SlipNo + `","confirm":false}`)
	if again.OK || again.Error.Code != "Q1ET001D" {
		t.Errorf("second cancel: %+v", again.Error)
	}
}

func mustFind(t *testing.T, r *rig, slip string) store.Txn {
	x, err := r.db.Find(context.Background(), slip, "", "", false, false)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestRefundRulesAndAbort(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	p := r.pay("d払い", 1000, "")
	// [×] on the confirmation ends it: nothing happens.
	res := r.req(`{"op":"refund","slipNo":"`+p.Txn.SlipNo+`","amount":300}`, r.answerWhen(EvWaitingConfirm, 0))
	if res.OK || res.Error.Code != CodeAborted {
		t.Fatalf("× gave %+v", res.Error)
	}
	// A partial amount is a refund (d払い allows it), by 加盟店取引番号 too.
	res = r.req(`{"op":"refund","slipNo":"` + p.Txn.SlipNo + `","amount":300,"confirm":false}`)
	if !res.OK || res.Txn.Kind != store.KindRefund || res.Txn.Amount != 300 {
		t.Fatalf("partial refund: %+v %+v", res.Txn, res.Error)
	}
	res = r.req(`{"op":"refund","slipNo":"` + p.Txn.SlipNo + `","amount":800,"confirm":false}`)
	if res.OK || res.Error.Code != "Q1ET001E" {
		t.Errorf("over-refund: %+v", res.Error)
	}
	res = r.req(`{"op":"refund","slipNo":"` + p.Txn.SlipNo + `","confirm":false}`)
	if !res.OK || res.Txn.Amount != 700 {
		t.Fatalf("rest refunded: %+v %+v", res.Txn, res.Error)
	}
	// PayPay allows no partial refund.
	pp := r.pay("PayPay", 500, "")
	res = r.req(`{"op":"refund","slipNo":"` + pp.Txn.SlipNo + `","amount":100,"confirm":false}`)
	if res.OK || res.Error.Code != "Q1ET001E" {
		t.Errorf("PayPay partial: %+v", res.Error)
	}
	res = r.req(`{"op":"refund","slipNo":"99999","confirm":false}`)
	if res.OK || res.Error.Code != "QRNER016" {
		t.Errorf("unknown slip: %+v", res.Error)
	}
	// The POS aborts a refund waiting for confirmation.
	res = r.req(`{"op":"refund","slipNo":"`+pp.Txn.SlipNo+`"}`, func(e string) {
		if e == EvWaitingConfirm {
			a := r.req(`{"op":"abort"}`)
			if !a.OK {
				t.Errorf("abort: %+v", a.Error)
			}
		}
	})
	if res.OK || res.Error.Code != CodeAborted {
		t.Errorf("aborted refund: %+v", res.Error)
	}
}

func TestRefundAfterDailyTotalIsARefund(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	p := r.pay("au PAY", 1500, "")
	if d := r.req(`{"op":"daily_total"}`); !d.OK {
		t.Fatalf("daily: %+v", d.Error)
	}
	res := r.req(`{"op":"refund","slipNo":"` + p.Txn.SlipNo + `","confirm":false}`)
	if !res.OK || res.Txn.Kind != store.KindRefund {
		t.Fatalf("after the 日計 the reversal must be a refund: %+v %+v", res.Txn, res.Error)
	}
}

func TestReprintWithAndWithoutSlip(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	a := r.pay("PayPay", 100, "")
	b := r.pay("楽天ペイ", 200, "")
	res := r.req(`{"op":"reprint","slipNo":"` + a.Txn.SlipNo + `"}`)
	if !res.OK || res.Txn.SlipNo != a.Txn.SlipNo || !strings.Contains(strings.Join(res.Receipt.Lines, "\n"), "再印字") {
		t.Fatalf("reprint by slip: %+v", res)
	}
	var list []store.Txn
	res = r.req(`{"op":"reprint"}`, func(e string) {
		if e == EvWaitingChoice {
			list = r.term.State().Choices
			r.term.Answer(list[0].ID)
		}
	})
	if len(list) != 2 || list[0].SlipNo != b.Txn.SlipNo {
		t.Fatalf("history newest first: %+v", list)
	}
	if !res.OK || res.Txn.SlipNo != b.Txn.SlipNo {
		t.Fatalf("reprint by choice: %+v", res)
	}
	res = r.req(`{"op":"reprint"}`, r.answerWhen(EvWaitingChoice, 0))
	if res.OK || res.Error.Code != CodeAborted {
		t.Errorf("× on the list: %+v", res.Error)
	}
}

func TestDailyClearsInterimDoesNot(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	r.pay("PayPay", 1000, "")
	p := r.pay("d払い", 500, "")
	r.req(`{"op":"refund","slipNo":"` + p.Txn.SlipNo + `","confirm":false}`)
	in := r.req(`{"op":"interim_total"}`)
	if !in.OK || in.Totals.Total.Sales.Count != 2 || in.Totals.Total.Cancels.Count != 1 || in.Totals.Total.Net.Amount != 1000 {
		t.Fatalf("interim: %+v %+v", in.Totals, in.Error)
	}
	if h, _ := r.db.History(context.Background(), false, 10); len(h) != 3 {
		t.Errorf("interim cleared the history: %d left", len(h))
	}
	d := r.req(`{"op":"daily_total"}`)
	if !d.OK || d.Totals.SequenceNo != 1 || d.Totals.Total.Net.Count != 1 {
		t.Fatalf("daily: %+v %+v", d.Totals, d.Error)
	}
	body := strings.Join(d.Receipt.Lines, "\n")
	for _, want := range []string{"日計表", "PayPay", "d払い", "合計", "取引明細"} {
		if !strings.Contains(body, want) {
			t.Errorf("report lacks %q:\n%s", want, body)
		}
	}
	if h, _ := r.db.History(context.Background(), false, 10); len(h) != 0 {
		t.Errorf("the reprint list must start empty after the 日計: %d", len(h))
	}
	reps, _ := r.term.DailyHistory(context.Background())
	if len(reps) != 1 {
		t.Fatalf("daily history: %d", len(reps))
	}
	if err := r.term.ShowDailyReprint(context.Background(), reps[0].ID, DetailFull); err != nil {
		t.Fatal(err)
	}
	st := r.term.State()
	if st.Phase != PhaseReport || len(st.Details) != 3 || !strings.Contains(strings.Join(st.Receipt, "\n"), "再印字") {
		t.Errorf("日計再印字: %d details %v", len(st.Details), st.Receipt)
	}
}

// otherService is a second payment service for the batch totals.
type otherService struct{ calls []bool }

func (o *otherService) Name() string { return "CREDIT" }
func (o *otherService) Totals(ctx context.Context, daily bool, id string) (center.Totals, error) {
	o.calls = append(o.calls, daily)
	b := []center.BrandTotals{{Brand: "VISA", Sales: center.CountAmount{Count: 1, Amount: 3000}, Net: center.CountAmount{Count: 1, Amount: 3000}}}
	return center.Totals{Kind: map[bool]string{true: "DAILY", false: "INTERIM"}[daily], Brands: b, Total: center.SumTotals(b)}, nil
}

func TestBatchTotalsRunEveryService(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	other := &otherService{}
	r.term.AddService(other)
	r.pay("PayPay", 1000, "")
	if !r.term.StartLocal(OpBatchDaily) {
		t.Fatal("batch did not start")
	}
	waitFor(t, func() bool { return r.term.State().Phase == PhaseReport })
	body := strings.Join(r.term.State().Receipt, "\n")
	if !strings.Contains(body, "[QR]") || !strings.Contains(body, "[CREDIT]") || !strings.Contains(body, "VISA") {
		t.Fatalf("batch report:\n%s", body)
	}
	if len(other.calls) != 1 || !other.calls[0] {
		t.Errorf("second service called %v", other.calls)
	}
	if h, _ := r.db.History(context.Background(), false, 10); len(h) != 0 {
		t.Errorf("batch daily did not clear QR data")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPracticeNeverTouchesRealData(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	real := r.pay("PayPay", 1000, "")
	r.hold("PayPay", "insufficient", codes.QR) // practice never asks the center
	res := r.req(`{"op":"payment","amount":777,"practice":true}`)
	if !res.OK || !res.Practice || !strings.HasPrefix(res.Txn.PaymentID, "PRACTICE") {
		t.Fatalf("practice payment: %+v %+v", res.Txn, res.Error)
	}
	if !strings.Contains(res.Receipt.Lines[0], "練習") || !strings.Contains(res.Receipt.Lines[len(res.Receipt.Lines)-1], "練習") {
		t.Errorf("practice receipt marks: %q … %q", res.Receipt.Lines[0], res.Receipt.Lines[len(res.Receipt.Lines)-1])
	}
	h, _ := r.db.History(context.Background(), false, 10)
	if len(h) != 1 || h[0].SlipNo != real.Txn.SlipNo {
		t.Errorf("real history has practice data: %+v", h)
	}
	rp := r.req(`{"op":"reprint","slipNo":"00001","practice":true}`)
	if !rp.OK || rp.Txn.Amount != 777 {
		t.Errorf("practice reprint found %+v", rp.Txn)
	}
	pt := r.req(`{"op":"daily_total","practice":true}`)
	if !pt.OK || !pt.Practice {
		t.Fatalf("practice daily: %+v", pt.Error)
	}
	if h, _ := r.db.History(context.Background(), false, 10); len(h) != 1 {
		t.Errorf("practice 日計 cleared real data")
	}
	in := r.req(`{"op":"interim_total"}`)
	if in.Totals.Total.Sales.Count != 1 || in.Totals.Total.Sales.Amount != 1000 {
		t.Errorf("real totals include practice: %+v", in.Totals.Total)
	}
	if reps, _ := r.term.DailyHistory(context.Background()); len(reps) != 0 {
		t.Errorf("practice 日計 in the real daily history")
	}
}

func TestCapacityRefusesPaymentsUntilDaily(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	r.term.cfg.Capacity = 2
	r.pay("PayPay", 100, "")
	r.pay("PayPay", 100, "")
	res := r.req(`{"op":"payment","amount":100}`)
	if res.OK || res.Error.Code != CodeDataFull || res.Error.Message != "取引データがいっぱいです。日計を行ってください。" {
		t.Fatalf("full: %+v", res.Error)
	}
	r.term.Dismiss()
	r.req(`{"op":"daily_total"}`)
	r.pay("PayPay", 100, "")
}

func TestPasswordHashAndLockout(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	if err := r.term.EnsurePassword("2468"); err != nil {
		t.Fatal(err)
	}
	h, _ := r.db.Setting(settingPassword)
	if strings.Contains(h, "2468") || !strings.HasPrefix(h, "$argon2id$") {
		t.Fatalf("stored %q", h)
	}
	r.term.EnsurePassword("9999") // a later config does not reset it
	if err := r.term.Login(context.Background(), "2468"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	now := time.Now()
	r.term.cfg.Now = func() time.Time { return now }
	for i := 0; i < 4; i++ {
		if err := r.term.Login(context.Background(), "0000"); !errors.Is(err, ErrWrongPassword) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if err := r.term.Login(context.Background(), "0000"); !errors.Is(err, ErrLocked) {
		t.Fatalf("fifth wrong try: %v", err)
	}
	if err := r.term.Login(context.Background(), "2468"); !errors.Is(err, ErrLocked) {
		t.Fatalf("locked, even with the right password: %v", err)
	}
	// The lockout lasts its whole minute, not a moment less.
	now = now.Add(LockoutFor - time.Second)
	if err := r.term.Login(context.Background(), "2468"); !errors.Is(err, ErrLocked) {
		t.Fatalf("59 s into a 60 s lockout: %v", err)
	}
	now = now.Add(2 * time.Second)
	if err := r.term.Login(context.Background(), "2468"); err != nil {
		t.Fatalf("after 60 s: %v", err)
	}
	if LockoutFor != 60*time.Second {
		t.Errorf("the lockout is %v; the manual's is 60 s", LockoutFor)
	}
}

func TestOnlineTestAndSalesReport(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	r.term.StartLocal(OpOnlineTest)
	waitFor(t, func() bool { return r.term.State().Phase == PhaseOnline })
	if o := r.term.State().Online; o == nil || !o.OK || o.TerminalStatus != "ACTIVE" || o.RoundTrip <= 0 {
		t.Fatalf("online test: %+v", o)
	}
	// The result is on screen a moment before the operation has stored it;
	// a tap in that moment still takes the terminal back to idle.
	r.term.Dismiss()
	waitFor(t, func() bool { return r.term.State().Phase == PhaseIdle })
	if !r.term.StartLocal(OpSalesReport) {
		t.Fatal("売上報告 refused on an idle terminal")
	}
	waitFor(t, func() bool { s := r.term.State(); return s.Phase == PhaseSales && s.Sales.Step == 1 })
	form := r.term.State().Sales
	if len(form.Format.Extra) != 60 {
		t.Fatalf("labels from the center: %d", len(form.Format.Extra))
	}
	rep := form.Report
	rep.Basic.StaffCode = "S07"
	r.term.SalesNext(rep, "")
	waitFor(t, func() bool { return r.term.State().Sales != nil && r.term.State().Sales.Step == 2 })
	rep.Figures.NetSales, rep.Figures.CustomerCount = 50000, 42
	rep.Figures.Extra = []center.ReportExtra{{No: 1, Value: 30000}}
	r.term.SalesNext(rep, "")
	waitFor(t, func() bool { return r.term.State().Sales != nil && r.term.State().Sales.Step == 3 })
	r.term.SalesNext(rep, "confirm") // 確認: back to 基本情報
	waitFor(t, func() bool { return r.term.State().Sales != nil && r.term.State().Sales.Step == 1 })
	r.term.SalesNext(rep, "")
	waitFor(t, func() bool { return r.term.State().Sales != nil && r.term.State().Sales.Step == 2 })
	r.term.SalesNext(rep, "")
	waitFor(t, func() bool { return r.term.State().Sales != nil && r.term.State().Sales.Step == 3 })
	r.term.SalesNext(rep, "send")
	waitFor(t, func() bool { return r.term.State().Phase == PhaseReport })
	body := strings.Join(r.term.State().Receipt, "\n")
	for _, want := range []string{"売上報告", "T0001", "S07", "50,000", "現金売上", "30,000"} {
		if !strings.Contains(body, want) {
			t.Errorf("report lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "未送信") {
		t.Error("a sent report is marked unsent")
	}
}

// A terminal that is not the demo gets no default password: 業務メニュー
// stays shut until staff set one, and the lockout outlives a restart.
func TestFaultNoDefaultPasswordOutsideTheDemoAndALockoutThatSurvivesARestart(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	ctx := context.Background()
	if err := r.term.EnsurePasswordFor("", false); err != nil {
		t.Fatal(err)
	}
	if !r.term.NeedsPassword() {
		t.Fatal("a production terminal got a password nobody set")
	}
	if err := r.term.Login(ctx, "0000"); !errors.Is(err, ErrNoPassword) {
		t.Fatalf("0000 on a terminal with no password: %v", err)
	}
	if err := r.term.SetFirstPassword("12"); err == nil {
		t.Fatal("a 2-digit password was taken")
	}
	if err := r.term.SetFirstPassword("5731"); err != nil {
		t.Fatal(err)
	}
	if err := r.term.SetFirstPassword("1111"); !errors.Is(err, ErrPasswordSet) {
		t.Fatalf("a second first password: %v", err)
	}
	for i := 0; i < MaxPasswordTries; i++ {
		r.term.Login(ctx, "0000")
	}
	// The power goes: a new terminal on the same store is still locked.
	again := New(Config{TerminalID: "T0001", Capacity: 100}, r.db, r.client, r.term.cam, nil)
	if err := again.Login(ctx, "5731"); !errors.Is(err, ErrLocked) {
		t.Fatalf("after a restart the lockout is gone: %v", err)
	}
	if again.LockedFor() <= 0 {
		t.Fatal("LockedFor says unlocked")
	}
	// The demo keeps its 0000.
	d := newRig(t, center.SimOptions{})
	d.term.EnsurePasswordFor("", true)
	if err := d.term.Login(ctx, "0000"); err != nil {
		t.Fatalf("the demo's 0000: %v", err)
	}
}

// 出力 lays the report out with the labels the center sent for this
// contract, not the simulator's defaults; a bad 売上計上日 keeps the form
// on 基本情報 with the reason.
func TestSalesReportUsesTheCentersLabels(t *testing.T) {
	f := center.DefaultReportFormat()
	f.NetSales, f.TaxAndOther, f.CustomerCount = "純売上高（税抜）", "消費税等", "客数"
	f.Extra[0].Label = "現金（レジ）"
	r := newRig(t, center.SimOptions{ReportFormat: &f})
	r.term.StartLocal(OpSalesReport)
	waitFor(t, func() bool { s := r.term.State(); return s.Phase == PhaseSales && s.Sales.Step == 1 })
	rep := r.term.State().Sales.Report
	rep.Basic.SalesDate = "20260230"
	r.term.SalesNext(rep, "")
	waitFor(t, func() bool {
		s := r.term.State()
		return s.Sales != nil && s.Sales.Problem == "sales.bad_date" && s.Sales.Step == 1
	})
	rep.Basic.SalesDate = "20261124"
	r.term.SalesNext(rep, "")
	waitFor(t, func() bool { s := r.term.State(); return s.Sales != nil && s.Sales.Step == 2 && s.Sales.Problem == "" })
	rep.Figures.NetSales, rep.Figures.TaxAndOther, rep.Figures.CustomerCount = 1000, 100, 3
	rep.Figures.Extra = []center.ReportExtra{{No: 1, Value: 700}}
	r.term.SalesNext(rep, "")
	waitFor(t, func() bool { s := r.term.State(); return s.Sales != nil && s.Sales.Step == 3 })
	r.term.SalesNext(rep, "output")
	waitFor(t, func() bool { return r.term.State().Phase == PhaseReport })
	body := strings.Join(r.term.State().Receipt, "\n")
	for _, want := range []string{"純売上高（税抜）", "消費税等", "客数", "現金（レジ）", "未送信"} {
		if !strings.Contains(body, want) {
			t.Errorf("出力 lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "純売上金額") {
		t.Errorf("出力 uses the default labels:\n%s", body)
	}
}

// A configured service is a center of its own (here the simulator under
// another terminal id): 一括日計 runs it after QR, the report can be had as
// 取引明細 or 簡易明細, and in practice nothing reaches any center and the
// batch starts and ends with the practice mark.
func TestBatchTotalsWithAConfiguredService(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	other, err := center.NewClient(center.Config{BaseURL: r.url, APIKey: "key1", APISecret: "secret1", MerchantID: "M001", TerminalID: "T0001-EM",
		PayTimeout: 2 * time.Second, OtherTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	r.term.AddService(NewCenterService("電子マネー", other))
	r.pay("PayPay", 1200, "")
	if !r.term.StartLocal(OpBatchDaily) {
		t.Fatal("batch did not start")
	}
	waitFor(t, func() bool { return r.term.State().Phase == PhaseReport })
	s := r.term.State()
	if len(s.Batch) != 2 || s.Batch[1].Service != "電子マネー" || s.Batch[1].Totals.SequenceNo != 1 {
		t.Fatalf("batch parts: %+v", s.Batch)
	}
	full := strings.Join(r.term.BatchReport(s.Batch, DetailFull, false, s.ReportAt), "\n")
	simple := strings.Join(r.term.BatchReport(s.Batch, DetailSimple, false, s.ReportAt), "\n")
	if !strings.Contains(full, "取引明細") || strings.Contains(simple, "取引明細") || !strings.Contains(simple, "[電子マネー]") {
		t.Fatalf("detail choice:\n%s\n---\n%s", full, simple)
	}
	r.term.Dismiss()
	waitFor(t, func() bool { return r.term.State().Phase == PhaseIdle })
	r.term.SetPractice(true)
	r.term.StartLocal(OpBatchInterim)
	waitFor(t, func() bool { return r.term.State().Phase == PhaseReport })
	lines := r.term.State().Receipt
	mark := strings.TrimSpace(r.term.tr.T("receipt.practice"))
	if strings.TrimSpace(lines[0]) != mark || strings.TrimSpace(lines[len(lines)-1]) != mark {
		t.Fatalf("a practice batch does not start and end with the mark:\n%s", strings.Join(lines, "\n"))
	}
	if in, _ := other.InterimTotals(context.Background()); in.Total.Sales.Count != 0 {
		t.Fatalf("%+v", in.Total)
	}
}

// [[services]] in the config names each service's center; bad entries are
// refused with the field named.
func TestServicesConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.toml")
	os.WriteFile(cfg, []byte(`
[[services]]
name = "電子マネー"
url = "sim"
terminal_id = "T0001-EM"
`), 0o600)
	s, err := ParseSettings([]string{"--config", cfg, "--data", dir}, io.Discard)
	if err != nil || len(s.Services) != 1 || s.Services[0].Name != "電子マネー" {
		t.Fatalf("%+v %v", s.Services, err)
	}
	os.WriteFile(cfg, []byte("[[services]]\nname = \"QR\"\nurl = \"sim\"\n"), 0o600)
	if _, err := ParseSettings([]string{"--config", cfg, "--data", dir}, io.Discard); err == nil || !strings.Contains(err.Error(), "services[0].name") {
		t.Fatalf("a service named QR: %v", err)
	}
	os.WriteFile(cfg, []byte("[[services]]\nname = \"X\"\nurl = \"http://example.com\"\napi_key=\"k\"\napi_secret=\"s\"\n"), 0o600)
	if _, err := ParseSettings([]string{"--config", cfg, "--data", dir}, io.Discard); err == nil || !strings.Contains(err.Error(), "services[0].url") {
		t.Fatalf("plain http to another host: %v", err)
	}
}

// A payment cancelled elsewhere (at the center) cannot be cancelled here:
// 取り消し済みです (Q1ET0033), and nothing is refunded instead.
func TestCancelOfAPaymentCancelledElsewhereIsQ1ET0033(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	res := r.pay("PayPay", 700, "")
	txn := mustFind(t, r, res.Txn.SlipNo)
	if err := r.client.CancelPayment(context.Background(), txn.CenterID); err != nil {
		t.Fatal(err)
	}
	out := r.req(fmt.Sprintf(`{"op":"refund","slipNo":"%s","confirm":false}`, res.Txn.SlipNo))
	if out.OK || out.Error.Code != "Q1ET0033" {
		t.Fatalf("%+v", out.Error)
	}
	p, _ := r.client.GetPayment(context.Background(), txn.CenterID)
	if p.Refunds != nil && len(p.Refunds.Data) > 0 {
		t.Fatalf("a refund was made instead: %+v", p.Refunds)
	}
}

// A bug that panics inside an operation ends it with アプリ内部エラー
// (QRNE0204); the terminal goes on and the intent it left is settled.
func TestPanicInAnOperationIsQRNE0204(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	atPoint(t, "after_intent", func() { panic("a bug") })
	r.hold("PayPay", "ok", codes.QR)
	res, _ := r.do(`{"type":"request","id":"BUG-1","op":"payment","amount":300}`)
	if res.OK || res.Error.Code != CodeInternal {
		t.Fatalf("%+v", res.Error)
	}
	crashPoint = func(string) {}
	r.term.SettleNow(context.Background())
	if u, _ := r.db.Unsettled(context.Background()); len(u) != 0 {
		t.Fatalf("the intent stayed: %+v", u)
	}
	r.term.Dismiss()
	r.pay("PayPay", 400, "")
}

// Practice reaches no center, whatever the operation: payments, cancels,
// refunds, reprints, totals, the online test and the sales report made in
// practice leave the center's records and call counts as they were, and
// practice rows do not count against the capacity.
func TestPracticeReachesNoCenterAndTakesNoCapacity(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	r.term.cfg.Capacity = 2
	before, err := r.sim.Ledger()
	if err != nil {
		t.Fatal(err)
	}
	r.term.SetPractice(true)
	var slips []string
	for i := 0; i < 3; i++ {
		r.hold("PayPay", "ok", codes.QR)
		res := r.req(fmt.Sprintf(`{"op":"payment","amount":%d}`, 500+i))
		if !res.OK || !res.Practice {
			t.Fatalf("practice payment %d: %+v", i, res.Error)
		}
		slips = append(slips, res.Txn.SlipNo)
	}
	if res := r.req(`{"op":"refund","slipNo":"` + slips[0] + `","confirm":false}`); !res.OK || res.Txn.Kind != store.KindCancel {
		t.Fatalf("practice cancel: %+v %+v", res.Txn, res.Error)
	}
	if res := r.req(`{"op":"daily_total"}`); !res.OK || !res.Practice {
		t.Fatalf("practice 日計: %+v", res.Error)
	}
	if res := r.req(`{"op":"refund","slipNo":"` + slips[1] + `","confirm":false}`); !res.OK || res.Txn.Kind != store.KindRefund {
		t.Fatalf("practice refund after the 日計: %+v %+v", res.Txn, res.Error)
	}
	if res := r.req(`{"op":"interim_total"}`); !res.OK {
		t.Fatalf("practice 中間計: %+v", res.Error)
	}
	r.term.StartLocal(OpOnlineTest)
	waitFor(t, func() bool { return r.term.State().Phase == PhaseOnline })
	r.term.Dismiss()
	waitFor(t, func() bool { return r.term.State().Phase == PhaseIdle })
	r.term.StartLocal(OpSalesReport)
	waitFor(t, func() bool { s := r.term.State(); return s.Phase == PhaseSales && s.Sales.Step == 1 })
	rep := r.term.State().Sales.Report
	rep.Basic.StaffCode = "S01"
	for step := 2; step <= 3; step++ {
		r.term.SalesNext(rep, "")
		waitFor(t, func() bool { s := r.term.State(); return s.Sales != nil && s.Sales.Step == step })
	}
	r.term.SalesNext(rep, "send")
	waitFor(t, func() bool { return r.term.State().Phase == PhaseReport })
	r.term.Dismiss()
	waitFor(t, func() bool { return r.term.State().Phase == PhaseIdle })

	after, err := r.sim.Ledger()
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Payments) != 0 {
		t.Errorf("practice payments at the center: %+v", after.Payments)
	}
	for route, n := range after.Calls {
		if n != before.Calls[route] {
			t.Errorf("practice reached the center: %s %d times", route, n-before.Calls[route])
		}
	}
	// Three practice rows are open, the capacity is 2: real payments still go.
	r.term.SetPractice(false)
	r.pay("PayPay", 100, "")
	r.pay("PayPay", 100, "")
	if res := r.req(`{"op":"payment","amount":100}`); res.OK || res.Error.Code != CodeDataFull {
		t.Fatalf("the third real payment over a capacity of 2: %+v", res.Error)
	}
	r.term.Dismiss()
	reconcile(t, r.db, r.sim)
}
