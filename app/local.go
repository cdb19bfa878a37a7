package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"codepay/app/center"
	"codepay/store"
)

// Operations started at the terminal (業務メニュー), not by the POS.
const (
	OpBatchDaily   = "batch_daily"
	OpBatchInterim = "batch_interim"
	OpOnlineTest   = "online_test"
	OpSalesReport  = "sales_report"
)

// Service is a payment service whose totals the terminal runs. QR (code
// payment) is built in; 一括日計 and 一括中間計 run every configured one.
type Service interface {
	Name() string
	Totals(ctx context.Context, daily bool, merchantTotalsID string) (center.Totals, error)
}

type qrService struct{ c *center.Client }

// centerService is another payment service whose totals come from a
// center speaking the same terminal API.
type centerService struct {
	name string
	c    *center.Client
}

// NewCenterService makes a service of the batch totals from a center client.
func NewCenterService(name string, c *center.Client) Service { return centerService{name, c} }

func (s centerService) Name() string { return s.name }
func (s centerService) Totals(ctx context.Context, daily bool, id string) (center.Totals, error) {
	if daily {
		return s.c.DailyTotals(ctx, id)
	}
	return s.c.InterimTotals(ctx)
}

func (q qrService) Name() string { return "QR" }
func (q qrService) Totals(ctx context.Context, daily bool, id string) (center.Totals, error) {
	if daily {
		return q.c.DailyTotals(ctx, id)
	}
	return q.c.InterimTotals(ctx)
}

// AddService configures another payment service for the batch totals.
func (t *Terminal) AddService(s Service) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.services = append(t.services, s)
}

// Services lists the configured payment services, QR first.
func (t *Terminal) Services() []Service {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Service{qrService{t.center}}, t.services...)
}

// StartLocal runs an operation chosen on the terminal's menu; it goes
// through the same journal and one-at-a-time rule as a POS request.
// It returns false when another operation is running.
func (t *Terminal) StartLocal(op string) bool {
	t.mu.Lock()
	t.localSeq++
	id := fmt.Sprintf("L-%s-%d-%s", t.cfg.Now().In(JST).Format("0102150405"), t.localSeq, randDigits(4)) // unique across restarts
	busy := t.running != nil
	t.mu.Unlock()
	if busy {
		return false
	}
	t.HandleRequest(Request{Type: "request", ID: id, Op: op, Practice: t.Practice()}, func(any) {})
	return true
}

// BatchPart is one service's report of a batch.
type BatchPart struct {
	Service string
	Totals  center.Totals
	// Details are the lines of the code payment's part (nil for others,
	// whose lines the terminal does not hold).
	Details []store.Txn
}

// batchTotals is 一括日計 / 一括中間計: every service's totals in turn, one
// report each, shown together (as 取引明細 or 簡易明細).
func (t *Terminal) batchTotals(ctx context.Context, op *operation, daily, practice bool) *Result {
	var parts []BatchPart
	var qr *center.Totals
	var mismatch *Mismatch
	for i, svc := range t.Services() {
		sub := *op
		sub.part = true
		// The id the center sees must be plain ASCII whatever the
		// service's name: QR, then S1, S2... in configured order.
		key := "QR"
		if svc.Name() != "QR" {
			key = fmt.Sprintf("S%d", i)
		}
		sub.req.ID = op.req.ID + "-" + key
		var res *Result
		if svc.Name() == "QR" {
			res = t.totals(ctx, &sub, daily, practice)
		} else {
			res = t.serviceTotals(ctx, &sub, svc, daily, practice)
		}
		if !res.OK {
			res.ID, res.Op = op.req.ID, op.req.Op
			return res
		}
		part := BatchPart{Service: svc.Name(), Totals: *res.Totals}
		if svc.Name() == "QR" {
			qr = res.Totals
			part.Details = res.details
			mismatch = res.Mismatch
		}
		parts = append(parts, part)
	}
	printed := t.cfg.Now()
	lines := t.BatchReport(parts, DetailFull, practice, printed)
	t.update(func(s *State) {
		*s = State{Phase: PhaseReport, Op: op.req.Op, RequestID: op.req.ID, Receipt: lines, Batch: parts, ReportAt: printed, Practice: practice, Status: s.Status, Mismatch: mismatch}
	})
	return &Result{Type: "result", ID: op.req.ID, Op: op.req.Op, OK: true, Totals: qr, Receipt: &Receipt{Width: t.cfg.ReceiptWidth, Lines: lines}, Mismatch: mismatch}
}

// BatchReport lays out a batch: each service's report under its name; a
// practice batch starts and ends with the practice mark.
func (t *Terminal) BatchReport(parts []BatchPart, detail Detail, practice bool, printed time.Time) []string {
	var lines []string
	mark := t.tr.T("receipt.practice")
	for _, p := range parts {
		lines = append(lines, "["+p.Service+"]")
		d := detail
		if p.Details == nil {
			d = DetailSimple
		}
		part := t.TotalsReport(p.Totals, p.Details, d, practice, false, printed)
		if practice && len(part) >= 2 {
			part = part[1 : len(part)-1] // the marks go around the whole batch
		}
		lines = append(lines, part...)
		lines = append(lines, "")
	}
	if practice {
		l := &layout{width: t.cfg.ReceiptWidth}
		l.center(mark)
		lines = append(append(append([]string{}, l.lines[0]), lines...), l.lines[0])
	}
	return lines
}

func (t *Terminal) serviceTotals(ctx context.Context, op *operation, svc Service, daily, practice bool) *Result {
	mtid := "D-" + op.req.ID
	var tot center.Totals
	var err error
	if practice {
		// Practice reaches no center: the other services have no practice lines.
		tot = practiceReport(t.cfg.TerminalID, daily, nil, t.cfg.Now().Unix())
	} else {
		tot, err = svc.Totals(ctx, daily, mtid)
	}
	if err != nil {
		code := "Q1ET0012"
		if ce, ok := center.AsError(err); ok {
			code = ce.Code
		}
		return t.fail(op, code)
	}
	body, _ := json.Marshal(tot)
	rep := &store.Report{Seq: tot.SequenceNo, MerchantTotalsID: mtid, Service: svc.Name(), Body: string(body), At: t.cfg.Now(), Practice: practice}
	if daily {
		err = t.store.SaveService(ctx, rep, "DAILY")
	} else {
		err = t.store.SaveService(ctx, rep, "INTERIM")
	}
	if err != nil {
		return t.fail(op, "QRNE0105")
	}
	lines := t.TotalsReport(tot, nil, DetailSimple, practice, false, t.cfg.Now())
	return &Result{Type: "result", ID: op.req.ID, Op: op.req.Op, OK: true, Totals: &tot, Receipt: &Receipt{Width: t.cfg.ReceiptWidth, Lines: lines}}
}

// OnlineResult is what オンラインテスト shows.
type OnlineResult struct {
	OK             bool
	RoundTrip      time.Duration
	TerminalStatus string
	CenterVersion  string
	ServerTime     time.Time
	ErrorCode      string
}

func (t *Terminal) onlineTest(ctx context.Context, op *operation, practice bool) *Result {
	t.update(func(s *State) {
		*s = State{Phase: PhaseProcessing, Op: op.req.Op, RequestID: op.req.ID, Practice: practice, Status: s.Status}
	})
	var r OnlineResult
	if practice {
		r = OnlineResult{OK: true, RoundTrip: 0, TerminalStatus: "ACTIVE", CenterVersion: "practice", ServerTime: t.cfg.Now()}
	} else {
		o, rtt, err := t.center.OnlineTest(ctx, op.req.ID)
		r = OnlineResult{OK: err == nil, RoundTrip: rtt, TerminalStatus: o.TerminalStatus, CenterVersion: o.CenterVersion, ServerTime: time.Unix(o.ServerTime, 0)}
		if ce, ok := center.AsError(err); ok {
			r.ErrorCode = ce.Code
		} else if err != nil {
			r.ErrorCode = "Q1ET002E"
		}
		t.update(func(s *State) {
			s.Status.Center = LinkUp
			if err != nil {
				s.Status.Center = LinkDown
			}
		})
	}
	t.update(func(s *State) {
		*s = State{Phase: PhaseOnline, Op: op.req.Op, RequestID: op.req.ID, Online: &r, Practice: practice, Status: s.Status}
	})
	if !r.OK {
		return t.failResult(op.req, r.ErrorCode)
	}
	return &Result{Type: "result", ID: op.req.ID, Op: op.req.Op, OK: true}
}

// SalesForm is the 売上報告 being entered: step 1 基本情報, step 2 送信情報,
// step 3 the choice of 送信, 出力 or 確認.
type SalesForm struct {
	Step   int
	Format center.ReportFormat
	Report center.SalesReport
	Sent   bool
	Lines  []string
	// Problem is the i18n key of what is wrong with the step's entries
	// ("" when nothing is): the step stays on screen and says so.
	Problem string
}

// salesReportStart fetches the form's labels and shows step 1.
func (t *Terminal) salesReport(ctx context.Context, op *operation, practice bool) *Result {
	var f center.ReportFormat
	if practice {
		f = center.DefaultReportFormat()
	} else {
		var err error
		if f, err = t.center.SalesReportFormat(ctx); err != nil {
			code := "Q1ET002E"
			if ce, ok := center.AsError(err); ok {
				code = ce.Code
			}
			return t.fail(op, code)
		}
	}
	form := &SalesForm{Step: 1, Format: f}
	form.Report.Basic.SalesDate = t.cfg.Now().In(JST).Format("20060102")
	form.Report.Basic.StoreCode = t.cfg.StoreID
	for {
		t.update(func(s *State) {
			*s = State{Phase: PhaseSales, Op: op.req.Op, RequestID: op.req.ID, Sales: copyForm(form), Practice: practice, Status: s.Status}
		})
		t.setAbortable(op, true)
		var step salesStep
		select {
		case <-ctx.Done():
			t.toIdle()
			return t.failResult(op.req, CodeAborted)
		case step = <-op.sales:
		}
		if step.cancel {
			t.toIdle()
			return t.failResult(op.req, CodeAborted)
		}
		form.Problem = ""
		switch form.Step {
		case 1:
			form.Report.Basic = step.report.Basic
			if d, err := time.ParseInLocation("20060102", form.Report.Basic.SalesDate, JST); err != nil || d.Format("20060102") != form.Report.Basic.SalesDate {
				form.Problem = "sales.bad_date" // stays on 基本情報, saying why
				continue
			}
			form.Step = 2
		case 2:
			form.Report.Figures = step.report.Figures
			form.Report.MerchantReportID = "SR-" + op.req.ID
			if err := form.Report.Validate(); err != nil {
				form.Problem = "sales.bad_figures"
				continue
			}
			form.Step = 3
		case 3:
			switch step.action {
			case "confirm": // 確認: back to the basic info
				form.Step = 1
				continue
			case "output": // 出力: show without sending
				form.Lines = t.SalesReportLines(form.Report, form.Format, false, practice)
			case "send":
				t.setAbortable(op, false)
				if !practice {
					if _, err := t.center.SendSalesReport(ctx, form.Report); err != nil {
						code := "Q1ET002E"
						if ce, ok := center.AsError(err); ok {
							code = ce.Code
						}
						return t.fail(op, code)
					}
				}
				b, _ := json.Marshal(form.Report)
				if err := t.store.SaveSalesReport(ctx, form.Report.MerchantReportID, string(b), true, practice, t.cfg.Now()); err != nil {
					return t.fail(op, "QRNE0105")
				}
				form.Sent = true
				form.Lines = t.SalesReportLines(form.Report, form.Format, true, practice)
			}
			t.update(func(s *State) {
				*s = State{Phase: PhaseReport, Op: op.req.Op, RequestID: op.req.ID, Receipt: form.Lines, Practice: practice, Status: s.Status}
			})
			return &Result{Type: "result", ID: op.req.ID, Op: op.req.Op, OK: true, Receipt: &Receipt{Width: t.cfg.ReceiptWidth, Lines: form.Lines}}
		}
	}
}

type salesStep struct {
	report center.SalesReport
	action string // step 3: send, output or confirm
	cancel bool
}

func copyForm(f *SalesForm) *SalesForm {
	c := *f
	c.Report.Figures.Extra = append([]center.ReportExtra(nil), f.Report.Figures.Extra...)
	return &c
}

// ErrNoSalesReport means no 売上報告 is being entered.
var ErrNoSalesReport = errors.New("no sales report in progress")

// SalesNext is [OK] on step 1 or 2 of 売上報告 with what was entered, or on
// step 3 with the chosen action ("send", "output", "confirm").
func (t *Terminal) SalesNext(rep center.SalesReport, action string) error {
	return t.salesStep(salesStep{report: rep, action: action})
}

// SalesCancel is [×] on any step of 売上報告.
func (t *Terminal) SalesCancel() error { return t.salesStep(salesStep{cancel: true}) }

func (t *Terminal) salesStep(s salesStep) error {
	t.mu.Lock()
	op := t.running
	t.mu.Unlock()
	if op == nil || op.req.Op != OpSalesReport {
		return ErrNoSalesReport
	}
	select {
	case op.sales <- s:
	default: // a repeated tap: the first one counts
	}
	return nil
}

// SalesReportLines lays out a sales report with the labels the center
// sent for this contract (f).
func (t *Terminal) SalesReportLines(r center.SalesReport, f center.ReportFormat, sent, practice bool) []string {
	tr := t.tr
	l := &layout{width: t.cfg.ReceiptWidth}
	if practice {
		l.center(tr.T("receipt.practice"))
	}
	l.center(tr.T("sales.title"))
	if !sent {
		l.center(tr.T("sales.not_sent"))
	}
	l.rule()
	l.pair(tr.T("receipt.terminal"), t.cfg.TerminalID)
	l.pair(tr.T("sales.date"), r.Basic.SalesDate)
	l.pair(tr.T("sales.store"), r.Basic.StoreCode)
	l.pair(tr.T("sales.staff"), r.Basic.StaffCode)
	l.rule()
	l.pair(f.NetSales, formatInt(r.Figures.NetSales))
	l.pair(f.TaxAndOther, formatInt(r.Figures.TaxAndOther))
	l.pair(f.CustomerCount, formatInt(r.Figures.CustomerCount))
	for _, e := range r.Figures.Extra {
		l.pair(f.Label(e.No), formatInt(e.Value))
	}
	l.rule()
	if practice {
		l.center(tr.T("receipt.practice"))
	}
	return l.lines
}

// DailyHistory is the 日計再印字 list, newest first.
func (t *Terminal) DailyHistory(ctx context.Context) ([]store.Report, error) {
	return t.store.Reports(ctx, "DAILY", t.Practice(), 100)
}

// ShowDailyReprint puts a stored 日計 on screen again, with the reprint mark.
func (t *Terminal) ShowDailyReprint(ctx context.Context, id int64, detail Detail) error {
	reps, err := t.store.Reports(ctx, "DAILY", t.Practice(), 100)
	if err != nil {
		return err
	}
	for _, r := range reps {
		if r.ID != id {
			continue
		}
		var tot center.Totals
		if err := json.Unmarshal([]byte(r.Body), &tot); err != nil {
			return err
		}
		txns, err := t.store.ClosedTxns(ctx, r.ID, 100000)
		if err != nil {
			return err
		}
		printed := t.cfg.Now()
		lines := t.TotalsReport(tot, txns, detail, r.Practice, true, printed)
		t.update(func(s *State) {
			*s = State{Phase: PhaseReport, Receipt: lines, Totals: &tot, Details: txns, Reprint: true, ReportAt: printed, Practice: r.Practice, Status: s.Status}
		})
		return nil
	}
	return store.ErrNotFound
}
