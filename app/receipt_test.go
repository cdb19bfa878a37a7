package app

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codepay/app/center"
	"codepay/i18n"
	"codepay/store"
)

var update = flag.Bool("update", false, "rewrite the golden receipts")

func golden(t *testing.T, name string, lines []string) {
	t.Helper()
	for i, l := range lines {
		if w := DisplayWidth(l); w > 32 {
			t.Errorf("%s line %d is %d columns: %q", name, i, w, l)
		}
	}
	got := strings.Join(lines, "\n") + "\n"
	path := filepath.Join("testdata", "receipts", name+".txt")
	if *update {
		// Rewritten, not compared: look at the diff before committing it.
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./app -run Receipt -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", name, got, want)
	}
}

func receiptTerminal() *Terminal {
	return &Terminal{cfg: Config{TerminalID: "T0001", MerchantName: "コード決済商店 渋谷店", ReceiptWidth: 32}, tr: i18n.New("ja")}
}

var at = time.Date(2026, 11, 24, 18, 30, 5, 0, JST)

func TestReceiptSlipLayouts(t *testing.T) {
	term := receiptTerminal()
	pay := store.Txn{Kind: store.KindPayment, SlipNo: "00012", MerchantTxnID: "00", PaymentID: "1795500000a1b2c3d4e5f6", Brand: "PayPay", Amount: 1980, At: at}
	golden(t, "slip_payment_customer", term.Slip(pay, nil, CopyCustomer, false))
	golden(t, "slip_payment_merchant", term.Slip(pay, nil, CopyMerchant, false))
	cancel := store.Txn{Kind: store.KindCancel, SlipNo: "00013", MerchantTxnID: "00", Brand: "PayPay", Amount: 1980, At: at.Add(time.Hour)}
	golden(t, "slip_cancel_reprint", term.Slip(cancel, &pay, CopyMerchant, true))
	practice := pay
	practice.Practice, practice.PaymentID = true, "PRACTICE-00001"
	golden(t, "slip_practice", term.Slip(practice, nil, CopyCustomer, false))
}

func TestReceiptTotalsLayouts(t *testing.T) {
	term := receiptTerminal()
	// The lines of a day, and its figures summed from them by the engine's
	// own rule (DetailTotals), so that the layout shown is one that adds up.
	txns := []store.Txn{
		{Kind: store.KindPayment, State: store.StateDone, SlipNo: "00012", Brand: "PayPay", Amount: 1980, At: at.Add(-3 * time.Hour)},
		{Kind: store.KindPayment, State: store.StateDone, SlipNo: "00013", Brand: "d払い", Amount: 500, At: at.Add(-2 * time.Hour)},
		{Kind: store.KindPayment, State: store.StateFailed, ErrorCode: "Q1ET0006", SlipNo: "00014", Brand: "PayPay", Amount: 800, At: at.Add(-2 * time.Hour)},
		{Kind: store.KindPayment, State: store.StateFailed, ErrorCode: "Q1ET002C", Reversed: true, SlipNo: "00015", Brand: "PayPay", Amount: 320, At: at.Add(-90 * time.Minute)},
		{Kind: store.KindCancel, State: store.StateDone, SlipNo: "00016", Brand: "PayPay", Amount: 1980, At: at.Add(-time.Hour)},
		{Kind: store.KindRefund, State: store.StateDone, SlipNo: "00017", Brand: "d払い", Amount: 300, At: at},
	}
	b := DetailTotals(txns)
	tot := center.Totals{TerminalID: "T0001", Kind: "DAILY", SequenceNo: 7, PeriodFrom: at.Add(-10 * time.Hour).Unix(), PeriodTo: at.Unix(), Brands: b, Total: center.SumTotals(b)}
	if term.CheckReport(tot, txns) != nil {
		t.Fatal("a report summed from its own lines does not add up")
	}
	if tot.Total.Sales.Count != 3 || tot.Total.Cancels.Count != 2 || tot.Total.Refunds.Count != 1 || tot.Total.Net.Amount != 1980+500+320-1980-320-300 {
		t.Fatalf("DetailTotals: %+v", tot.Total)
	}
	golden(t, "totals_daily_full", term.TotalsReport(tot, txns, DetailFull, false, false, at))
	golden(t, "totals_daily_simple", term.TotalsReport(tot, txns, DetailSimple, false, true, at))
	// The center counts a sale the terminal does not list: said on paper.
	off := tot
	off.Brands = append([]center.BrandTotals(nil), tot.Brands...)
	off.Brands[0].Sales.Count++
	off.Brands[0].Sales.Amount += 700
	off.Brands[0].Net.Count++
	off.Brands[0].Net.Amount += 700
	off.Total = center.SumTotals(off.Brands)
	if m := term.CheckReport(off, txns); m == nil || len(m.Lines) != 3 {
		t.Fatalf("a missing line was not found: %+v", m)
	}
	golden(t, "totals_daily_mismatch", term.TotalsReport(off, txns, DetailSimple, false, false, at))
	practice := []store.Txn{{Kind: store.KindPayment, State: store.StateDone, SlipNo: "00001", Brand: "PayPay", Amount: 100, At: at.Add(-time.Hour), Practice: true}}
	golden(t, "totals_interim_practice", term.TotalsReport(practiceReport("T0001", false, practice, at.Unix()), practice, DetailSimple, true, false, at))
}

func FuzzReceiptLayout(f *testing.F) {
	for _, s := range []string{"PayPay", "コード決済商店 渋谷店", "ＡＢＣ１２３", "", "\t\n", "a\u0301"} {
		f.Add(s, s, 32)
	}
	f.Fuzz(func(t *testing.T, name, brand string, width int) {
		if width < 8 || width > 80 {
			return
		}
		term := &Terminal{cfg: Config{TerminalID: "T1", MerchantName: name, ReceiptWidth: width}, tr: i18n.New("ja")}
		lines := term.Slip(store.Txn{Kind: store.KindPayment, SlipNo: "00001", Brand: brand, Amount: 1, At: at}, nil, CopyCustomer, false)
		for _, l := range lines {
			if DisplayWidth(l) > width {
				t.Fatalf("line %q is %d columns, over %d", l, DisplayWidth(l), width)
			}
		}
	})
}
