package app

import (
	"context"
	"errors"
	"time"

	"codepay/device/printer"
	"codepay/store"
)

// PrintOut is the terminal's receipt printer: the driver, and how text
// goes to it. Kanji prints text in the printer's Kanji mode (Japanese
// models); otherwise Render draws the lines with the receipt font and they
// go as a raster image, which any ESC/POS printer prints as on screen.
type PrintOut struct {
	Printer *printer.Printer
	Kanji   bool
	Render  *printer.Renderer
	// RetryEvery is how often a waiting slip is tried again.
	RetryEvery time.Duration
}

// printJob is one thing to print: its pages, each ended by a cut.
type printJob struct {
	name string // for the log: a slip number or a report
	data []byte
}

// Printer states for the status bar (Status.Printer).
const (
	PrinterNone    = ""
	PrinterReady   = "ready"
	PrinterNoReply = "no_answer"
)

// SetPrinter gives the terminal its printer (before StartPrinter).
func (t *Terminal) SetPrinter(p PrintOut) {
	if p.RetryEvery <= 0 {
		p.RetryEvery = 3 * time.Second
	}
	t.mu.Lock()
	t.printOut = &p
	t.printWake = make(chan struct{}, 1)
	t.mu.Unlock()
	t.update(func(s *State) { s.Status.Printer = PrinterReady })
}

// StartPrinter prints the queued jobs in order until ctx ends. A job the
// printer cannot take (offline, no paper, cover open, no answer) waits at
// the head of the queue and is tried again every RetryEvery, so no slip is
// lost and none is printed out of order; the staff see why on the status
// bar. Nothing here touches a payment: outcomes are stored and reported
// to the POS before their slips are queued.
func (t *Terminal) StartPrinter(ctx context.Context) {
	t.mu.Lock()
	po, wake := t.printOut, t.printWake
	t.mu.Unlock()
	if po == nil {
		return
	}
	for ctx.Err() == nil {
		t.mu.Lock()
		var job *printJob
		if len(t.printQ) > 0 {
			head := t.printQ[0] // a copy: queuePrint may grow the slice meanwhile
			job = &head
		}
		t.mu.Unlock()
		if job == nil {
			select {
			case <-ctx.Done():
				return
			case <-wake:
			}
			continue
		}
		err := po.Printer.Print(job.data)
		problem := PrinterReady
		if err != nil {
			var nr *printer.NotReady
			switch {
			case errors.As(err, &nr):
				problem = nr.Status.Problem()
			case errors.Is(err, printer.ErrNoAnswer):
				problem = PrinterNoReply
			default:
				problem = "offline"
			}
			t.cfg.Log.Warn("slip waits for the printer", "job", job.name, "err", err)
		} else {
			t.mu.Lock()
			t.printQ = t.printQ[1:]
			t.mu.Unlock()
		}
		waiting := t.printWaiting() // update holds t.mu while it runs
		t.update(func(s *State) {
			s.Status.Printer = problem
			s.Status.PrintWaiting = waiting
		})
		if err != nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(po.RetryEvery):
			}
		}
	}
}

// printWaiting counts the queued jobs (the caller may hold no lock).
func (t *Terminal) printWaiting() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.printQ)
}

// queuePrint adds a job of pages (each cut) to the queue.
func (t *Terminal) queuePrint(name string, pages ...[]string) {
	t.mu.Lock()
	po, wake := t.printOut, t.printWake
	t.mu.Unlock()
	if po == nil || len(pages) == 0 {
		return
	}
	d := printer.NewDoc()
	for _, lines := range pages {
		if po.Kanji || po.Render == nil {
			d.KanjiLines(lines)
		} else {
			d.Raster(po.Render.Lines(lines))
		}
		d.Cut()
	}
	t.mu.Lock()
	t.printQ = append(t.printQ, printJob{name: name, data: d.Bytes()})
	n := len(t.printQ)
	t.mu.Unlock()
	t.update(func(s *State) { s.Status.PrintWaiting = n })
	select {
	case wake <- struct{}{}:
	default:
	}
}

// slipPages are a payment's, cancel's or refund's two copies: the
// customer's, then the merchant's (控え), cut apart.
func (t *Terminal) slipPages(txn store.Txn, orig *store.Txn) [][]string {
	return [][]string{t.Slip(txn, orig, CopyCustomer, false), t.Slip(txn, orig, CopyMerchant, false)}
}

// PrintReport prints the report on screen (a reprinted slip, 日計表 or
// 中間計表 in the detail chosen, a 日計 reprinted, 売上報告) as staff
// leave it with [OK].
func (t *Terminal) PrintReport(detail Detail) {
	s := t.State()
	if s.Phase != PhaseReport {
		return
	}
	lines := s.Receipt
	switch {
	case s.Batch != nil:
		lines = t.BatchReport(s.Batch, detail, s.Practice, s.ReportAt)
	case s.Totals != nil:
		lines = t.TotalsReport(*s.Totals, s.Details, detail, s.Practice, s.Reprint, s.ReportAt)
	}
	if len(lines) > 0 {
		t.queuePrint("report "+s.Op, lines)
	}
}
