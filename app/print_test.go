package app

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"codepay/app/center"
	"codepay/device/codes"
	"codepay/device/printer"
)

// paperRoll is what a virtual printer printed.
type paperRoll struct {
	mu    sync.Mutex
	pages []printer.Page
}

func (p *paperRoll) add(pg printer.Page) { p.mu.Lock(); p.pages = append(p.pages, pg); p.mu.Unlock() }

func (p *paperRoll) wait(t *testing.T, n int) []printer.Page {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p.mu.Lock()
		got := append([]printer.Page(nil), p.pages...)
		p.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d pages printed, want %d", len(got), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// withPrinter gives the rig's terminal a virtual printer, running.
func (r *rig) withPrinter(t *testing.T, kanji bool) (*printer.Virtual, *paperRoll) {
	font, err := os.ReadFile("../theme/fonts/BIZUDGothic-Regular-subset.ttf")
	if err != nil {
		t.Fatal(err)
	}
	render, err := printer.NewRenderer(font, 32)
	if err != nil {
		t.Fatal(err)
	}
	roll := &paperRoll{}
	v := &printer.Virtual{OnPage: roll.add}
	drv := printer.NewWith(v.Open)
	drv.Timeout = 300 * time.Millisecond
	r.term.SetPrinter(PrintOut{Printer: drv, Kanji: kanji, Render: render, RetryEvery: 100 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go r.term.StartPrinter(ctx)
	return v, roll
}

// Every slip of the manual, printed as shown: a payment's customer copy
// and merchant copy cut apart, a cancel's, a reprint with ＊再印字＊, a
// 日計表 in the detail chosen, practice slips marked on the first and last
// lines.
func TestPrinterPrintsEverySlipAsShown(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	_, roll := r.withPrinter(t, true)
	ctx := context.Background()
	pay := r.pay("PayPay", 1980, "")
	pages := roll.wait(t, 2)
	x := mustFind(t, r, pay.Txn.SlipNo)
	if !slices.Equal(pages[0].Lines(), r.term.Slip(x, nil, CopyCustomer, false)) || !slices.Equal(pages[1].Lines(), r.term.Slip(x, nil, CopyMerchant, false)) || !pages[0].Cut || !pages[1].Cut {
		t.Fatalf("payment slips:\n%q\n%q", pages[0].Lines(), pages[1].Lines())
	}
	if !strings.Contains(strings.Join(pages[1].Lines(), "\n"), "加盟店控え") {
		t.Errorf("the second copy is not the merchant's: %q", pages[1].Lines())
	}
	cancel := r.req(`{"op":"refund","slipNo":"` + pay.Txn.SlipNo + `","confirm":false}`)
	pages = roll.wait(t, 4)
	c := mustFind(t, r, cancel.Txn.SlipNo)
	if !slices.Equal(pages[2].Lines(), r.term.Slip(c, &x, CopyCustomer, false)) {
		t.Fatalf("cancel slip %q", pages[2].Lines())
	}
	r.term.Dismiss()
	// 業務再印字: printed when staff leave the report with [OK].
	rp := r.req(`{"op":"reprint","slipNo":"` + pay.Txn.SlipNo + `"}`)
	if !rp.OK {
		t.Fatalf("reprint: %+v", rp.Error)
	}
	shown := r.term.State().Receipt
	r.term.PrintReport(DetailFull)
	r.term.Dismiss()
	pages = roll.wait(t, 5)
	if !slices.Equal(pages[4].Lines(), shown) || !strings.Contains(strings.Join(shown, "\n"), "再印字") {
		t.Fatalf("reprint printed %q, shown %q", pages[4].Lines(), shown)
	}
	// 日計, printed in 簡易明細 as chosen on screen.
	r.req(`{"op":"daily_total"}`)
	s := r.term.State()
	want := r.term.TotalsReport(*s.Totals, s.Details, DetailSimple, false, false, s.ReportAt)
	r.term.PrintReport(DetailSimple)
	r.term.Dismiss()
	pages = roll.wait(t, 6)
	if !slices.Equal(pages[5].Lines(), want) || !strings.Contains(want[0]+want[1], "日計") {
		t.Fatalf("日計表 printed %q, want %q", pages[5].Lines(), want)
	}
	// Practice: marked on the first and last lines.
	r.term.SetPractice(true)
	r.hold("PayPay", "ok", codes.QR)
	r.req(`{"op":"payment","amount":500}`)
	pages = roll.wait(t, 8)
	lines := pages[6].Lines()
	if !strings.Contains(lines[0], "練習") || !strings.Contains(lines[len(lines)-1], "練習") {
		t.Errorf("practice slip marks: %q … %q", lines[0], lines[len(lines)-1])
	}
	_ = ctx
}

// Without Kanji mode the slip goes as an image drawn with the receipt
// font, as wide as the paper.
func TestPrinterRasterMode(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	_, roll := r.withPrinter(t, false)
	r.pay("d払い", 500, "")
	pages := roll.wait(t, 2)
	if len(pages[0].Items) != 1 || pages[0].Items[0].Image == nil || pages[0].Items[0].Image.Bounds().Dx() != 384 {
		t.Fatalf("raster page: %+v", pages[0].Items)
	}
	if pages[0].Items[0].Image.Bounds().Dy() < 20*len(r.term.State().Receipt) {
		t.Errorf("the image is %d dots high for %d lines", pages[0].Items[0].Image.Bounds().Dy(), len(r.term.State().Receipt))
	}
}

// A printer out of paper, then one that does not answer: the payment is
// stored and reported to the POS first, the staff see why the slip waits
// (not a payment error), the slip prints once the printer is back, and the
// center holds one charge.
func TestFaultPrinterNeverTouchesThePayment(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	v, roll := r.withPrinter(t, true)
	v.SetStatus(printer.Status{PaperOut: true})
	res := r.pay("PayPay", 1200, "")
	if !res.OK {
		t.Fatalf("payment with the paper out: %+v", res.Error)
	}
	waitFor(t, func() bool { return r.term.State().Status.Printer == "paper_out" })
	if s := r.term.State(); s.Phase == PhaseError || s.Status.PrintWaiting != 1 {
		t.Fatalf("phase %s, %d waiting", s.Phase, s.Status.PrintWaiting)
	}
	r.term.Dismiss()
	v.SetSilent(true)
	v.SetStatus(printer.Status{})
	waitFor(t, func() bool { return r.term.State().Status.Printer == PrinterNoReply })
	r.hold("PayPay", "ok", codes.QR)
	if res := r.req(`{"op":"payment","amount":300}`); !res.OK {
		t.Fatalf("payment with the printer silent: %+v", res.Error)
	}
	r.term.Dismiss()
	v.SetSilent(false)
	pages := roll.wait(t, 4) // both payments' slips, in order
	if !strings.Contains(strings.Join(pages[0].Lines(), "\n"), "1,200") || !strings.Contains(strings.Join(pages[2].Lines(), "\n"), "300") {
		t.Fatalf("slips out of order: %q / %q", pages[0].Lines(), pages[2].Lines())
	}
	waitFor(t, func() bool { s := r.term.State().Status; return s.Printer == PrinterReady && s.PrintWaiting == 0 })
	ledger := reconcile(t, r.db, r.sim)
	if len(ledger.Payments) != 2 {
		t.Fatalf("the center holds %d payments", len(ledger.Payments))
	}
}
