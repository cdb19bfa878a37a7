// Package app is the terminal itself, with no Fyne import: the operation
// state machine, every 業務 of the manual, practice mode, the error
// catalogue, start-up recovery and the POS request handler. Screens render
// the State it publishes and pass taps to its methods.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"codepay/app/center"
	"codepay/device/camera"
	"codepay/device/codes"
	"codepay/i18n"
	"codepay/store"
)

// Phase is what the terminal is doing; each phase has a screen.
type Phase string

// Phases.
const (
	PhaseRecovering  Phase = "recovering"
	PhaseIdle        Phase = "idle"
	PhaseWaitingCode Phase = "waiting_code"
	PhaseProcessing  Phase = "processing"
	PhaseConfirm     Phase = "confirm"
	PhaseChoose      Phase = "choose"
	PhaseDone        Phase = "done"
	PhaseError       Phase = "error"
	PhaseReport      Phase = "report"
	PhaseOnline      Phase = "online"
	PhaseSales       Phase = "sales"
	// PhaseFault is out of service: a damaged or replaced store, a failed
	// start-up. Nothing can be started from it.
	PhaseFault Phase = "fault"
)

// Link states for the status bar.
const (
	LinkUp    = "up"
	LinkDown  = "down"
	LinkPanel = "panel"
)

// Status is the status bar.
type Status struct {
	POS       string
	Center    string
	Camera    string
	Practice  bool
	Unsettled int
	// Printer is "" (none), "ready", or what keeps it from printing
	// (paper_out, cover_open, error, offline, no_answer); PrintWaiting is
	// how many jobs wait for it.
	Printer      string
	PrintWaiting int
}

// State is everything a screen needs to draw the terminal.
type State struct {
	Phase     Phase
	Practice  bool
	Op        string
	RequestID string
	Amount    int64
	Txn       *store.Txn
	Original  *store.Txn  // the payment a cancel/refund confirmation is about
	Choices   []store.Txn // the 業務再印字 history list
	ErrorCode string
	Abortable bool
	Retrying  bool
	// Brand is the brand of the code read, once it is read.
	Brand string
	// ReturnAt is when an outcome on screen goes back to 決済初期画面 by
	// itself (zero: it waits for a tap).
	ReturnAt time.Time
	Receipt  []string
	// Totals and Details let a report be laid out again as 取引明細 or 簡易明細.
	Totals  *center.Totals
	Details []store.Txn
	Reprint bool
	// ReportAt is when the report on screen was made (its 印字日時).
	ReportAt time.Time
	Online   *OnlineResult
	Sales    *SalesForm
	Status   Status
	// FaultDetail says what failed on the out-of-service screen.
	FaultDetail string
	// Mismatch says where a report's figures and its lines disagree.
	Mismatch *Mismatch
	// Batch is the parts of a 一括日計 / 一括中間計 report.
	Batch []BatchPart
}

// Config is the terminal's identity and limits.
type Config struct {
	TerminalID   string
	MerchantName string
	StoreID      string
	Capacity     int
	Lang         string
	ReceiptWidth int
	// ResultHold is how long a completed payment stays on screen.
	ResultHold time.Duration
	Now        func() time.Time
	Log        *slog.Logger
}

// Terminal is the code-payment terminal.
type Terminal struct {
	cfg    Config
	store  *store.DB
	center *center.Client
	cam    camera.Camera
	reader *codes.Reader
	tr     *i18n.Localizer

	mu        sync.Mutex
	state     State
	subs      []func(State)
	previews  []func(*image.Gray)
	running   *operation
	practice  bool
	holdTimer *time.Timer
	auth      lockout
	services  []Service
	localSeq  int64 // numbers the requests started on the menu
	lastCode  shownCode
	// The printer, its queue of jobs and the worker's wake-up.
	printOut  *PrintOut
	printQ    []printJob
	printWake chan struct{}
	// recovering is true while start-up recovery settles what a power
	// failure left open: the terminal is busy to the POS until then.
	recovering bool
	// fault is set when the terminal must not take any work (a damaged or
	// replaced store): every request gets this code.
	fault *Fault
	// waiters are resends of a request still running: each gets the final
	// result when it comes.
	waiters map[string][]Reply
	// unstored are final results that could not be written (a full disk):
	// they are answered from memory and written when the disk has room.
	unstored map[string]*Result
	// notify reaches the POS outside any request: the settled outcome of
	// an unknown one.
	notify Reply
	// verifying is the background integrity check after a clean stop;
	// stopVerify ends it early.
	verifying  sync.WaitGroup
	stopVerify context.CancelFunc
}

// Out-of-service codes (the manual's QRNX00**, 初期化エラー).
const (
	CodeStoreDamaged  = "QRNX0002" // the database failed its integrity check
	CodeStoreLost     = "QRNX0003" // the database is missing, empty or another store's
	CodeStoreReadOnly = "QRNX0004" // the data folder cannot be written
)

// Fault is a start-up failure that keeps the terminal out of service: it
// is shown on screen with its code and given to every POS request.
type Fault struct {
	Code   string // QRNX00…
	Detail string // for staff and the help desk: what failed, where
}

// shownCode is the last code read and when a frame last showed it: the
// same code is not read again until it has been out of view a while, so
// a phone still held up after paying does not start the next payment.
type shownCode struct {
	text string
	seen time.Time
}

// codeGone is how long a code must be out of view before it counts as
// presented again.
const codeGone = time.Second

// operation is the one request running at a time.
type operation struct {
	req       Request
	reply     Reply
	cancel    context.CancelFunc
	abortable bool
	// answer receives the staff's confirmation or choice.
	answer chan int64
	sales  chan salesStep
	// dismissed is a tap on the outcome that came before the operation ended.
	dismissed bool
	// part is a part of a batch: its report is not put on screen alone.
	part bool
	// print is what the outcome prints, queued once the POS has its result.
	print [][]string
}

// New builds the terminal. The reader and camera may be shared with nothing else.
func New(cfg Config, db *store.DB, cl *center.Client, cam camera.Camera, reader *codes.Reader) *Terminal {
	if cfg.Capacity <= 0 {
		cfg.Capacity = 1000
	}
	if cfg.ReceiptWidth <= 0 {
		cfg.ReceiptWidth = 32
	}
	if cfg.ResultHold == 0 {
		cfg.ResultHold = 5 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if reader == nil {
		reader = codes.NewReader()
	}
	reader.Stream = true // camera frames: the polarities take turns
	t := &Terminal{cfg: cfg, store: db, center: cl, cam: cam, reader: reader, tr: i18n.New(cfg.Lang),
		waiters: map[string][]Reply{}, unstored: map[string]*Result{}}
	t.state = State{Phase: PhaseRecovering, Status: Status{POS: LinkPanel, Center: LinkUp, Camera: cam.Name()}}
	return t
}

// Subscribe registers fn to get every new State (from any goroutine) and
// calls it once with the current one.
func (t *Terminal) Subscribe(fn func(State)) {
	t.mu.Lock()
	t.subs = append(t.subs, fn)
	s := t.state
	t.mu.Unlock()
	fn(s)
}

// OnPreview registers fn to get camera frames while a code is awaited.
// The frame is valid only during the call.
func (t *Terminal) OnPreview(fn func(*image.Gray)) {
	t.mu.Lock()
	t.previews = append(t.previews, fn)
	t.mu.Unlock()
}

// State returns the current state.
func (t *Terminal) State() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state
}

// update changes the state under the lock and tells the subscribers.
func (t *Terminal) update(fn func(*State)) {
	t.mu.Lock()
	fn(&t.state)
	t.state.Practice = t.state.Practice || t.practice
	t.state.Status.Practice = t.practice
	s := t.state
	subs := append([]func(State){}, t.subs...)
	t.mu.Unlock()
	for _, f := range subs {
		f(s)
	}
}

// SetLinkStatus is called by the POS link when the line comes and goes.
func (t *Terminal) SetLinkStatus(pos string) {
	t.update(func(s *State) { s.Status.POS = pos })
}

// Localizer is the terminal's language.
func (t *Terminal) Localizer() *i18n.Localizer { return t.tr }

// Config returns the terminal's configuration.
func (t *Terminal) Config() Config { return t.cfg }

// Practice tells whether the terminal is in practice mode from its menu.
func (t *Terminal) Practice() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.practice
}

// SetPractice switches practice mode (練習) on or off.
func (t *Terminal) SetPractice(on bool) {
	t.mu.Lock()
	t.practice = on
	t.mu.Unlock()
	t.update(func(s *State) { s.Practice = on })
}

// Handle runs one POS request; events and the final result go to reply.
// The serial link and the on-screen POS panel both come through here.
func (t *Terminal) Handle(body []byte, reply Reply) {
	req, err := ParseRequest(body)
	if err != nil {
		var br *BadRequest
		errors.As(err, &br)
		reply(t.failResult(Request{ID: br.ID, Op: br.Op}, br.Code, "Field", br.Field))
		return
	}
	t.HandleRequest(req, reply)
}

// HandleRequest runs a parsed request.
func (t *Terminal) HandleRequest(req Request, reply Reply) {
	ctx := context.Background()
	if f := t.Fault(); f != nil && req.Op != OpPing && req.Op != OpStatus {
		reply(t.failResult(req, f.Code))
		return
	}
	switch req.Op {
	case OpPing:
		reply(&Result{Type: "result", ID: req.ID, Op: req.Op, OK: true, Practice: req.Practice})
		return
	case OpStatus:
		reply(t.status(ctx, req))
		return
	case OpAbort:
		reply(t.abort(req))
		return
	case OpReceipt:
		reply(t.receiptPage(ctx, req))
		return
	}
	practice := req.Practice || t.Practice()
	if j, seen, err := t.store.Request(ctx, req.ID); err != nil {
		// The store cannot be read: staff see it too, unless another
		// operation owns the screen.
		t.mu.Lock()
		idle := t.running == nil
		t.mu.Unlock()
		if idle {
			t.showError(&operation{req: req}, "QRNE0105")
		}
		reply(t.failResult(req, "QRNE0105"))
		return
	} else if seen {
		switch {
		case j.Hash != req.hash():
			reply(t.failResult(req, CodeIDReused))
		case j.Result != "":
			var res Result
			if json.Unmarshal([]byte(j.Result), &res) == nil {
				res.Replayed, res.Seq = true, 0
				reply(&res)
			}
		default:
			// Still running (a resend after the POS lost the line), or
			// finished with a result the disk had no room for.
			t.mu.Lock()
			if res, ok := t.unstored[req.ID]; ok {
				t.mu.Unlock()
				reply(replayed(res))
				return
			}
			t.waiters[req.ID] = append(t.waiters[req.ID], reply)
			t.mu.Unlock()
			reply(&Event{Type: "event", ID: req.ID, Event: EvAccepted})
		}
		return
	}
	t.mu.Lock()
	if t.running != nil || t.recovering || t.state.Phase == PhaseRecovering {
		t.mu.Unlock()
		reply(t.failResult(req, CodeBusy))
		return
	}
	opCtx, cancel := context.WithCancel(ctx)
	op := &operation{req: req, reply: reply, cancel: cancel, answer: make(chan int64, 1), sales: make(chan salesStep, 1)}
	t.running = op
	if t.holdTimer != nil {
		t.holdTimer.Stop()
	}
	t.mu.Unlock()
	if err := t.store.StartRequest(ctx, req.ID, req.Op, req.hash(), practice); err != nil {
		t.mu.Lock()
		t.running = nil
		t.mu.Unlock()
		cancel()
		t.showError(op, "QRNE0105") // for staff as well as for the POS
		reply(t.failResult(req, "QRNE0105"))
		return
	}
	reply(&Event{Type: "event", ID: req.ID, Event: EvAccepted})
	go func() {
		defer cancel()
		res := t.runSafely(opCtx, op, practice)
		res.Practice = practice
		t.finish(op, res)
	}()
}

// runSafely runs an operation; a bug that panics in it ends that operation
// with アプリ内部エラー (QRNE0204) on screen and for the POS, and the
// terminal goes on. What was stored stays for recovery to settle.
func (t *Terminal) runSafely(ctx context.Context, op *operation, practice bool) (res *Result) {
	defer func() {
		if p := recover(); p != nil {
			t.cfg.Log.Error("internal error in an operation", "id", op.req.ID, "op", op.req.Op, "panic", p, "stack", string(debug.Stack()))
			res = t.fail(op, CodeInternal)
		}
	}()
	return t.run(ctx, op, practice)
}

// CodeInternal is アプリ内部エラー: a bug, caught.
const CodeInternal = "QRNE0204"

func (t *Terminal) run(ctx context.Context, op *operation, practice bool) *Result {
	switch op.req.Op {
	case OpPayment:
		return t.payment(ctx, op, practice)
	case OpRefund:
		return t.refund(ctx, op, practice)
	case OpReprint:
		return t.reprint(ctx, op)
	case OpDailyTotal:
		return t.totals(ctx, op, true, practice)
	case OpInterimTotal:
		return t.totals(ctx, op, false, practice)
	case OpBatchDaily:
		return t.batchTotals(ctx, op, true, practice)
	case OpBatchInterim:
		return t.batchTotals(ctx, op, false, practice)
	case OpOnlineTest:
		return t.onlineTest(ctx, op, practice)
	case OpSalesReport:
		return t.salesReport(ctx, op, practice)
	}
	return t.failResult(op.req, CodeUnknownOp)
}

// finish stores the final result durably, then sends it to the POS that
// asked and to every resend of the same id that waits.
func (t *Terminal) finish(op *operation, res *Result) {
	t.keepResult(op.req.ID, res)
	t.mu.Lock()
	t.running = nil
	dismissed := op.dismissed
	ws := t.waiters[op.req.ID]
	delete(t.waiters, op.req.ID)
	t.mu.Unlock()
	if res.Error != nil && res.Error.OutcomeUnknown {
		t.refreshUnsettled() // the op no longer owns its intent: count it
	}
	op.reply(res)
	for _, w := range ws {
		// A resend's copy is the same result sent again: marked replayed,
		// so a POS that already took the first one knows this one for a
		// duplicate, not a second payment.
		w(replayed(res))
	}
	if res.OK && op.print != nil {
		// Stored and reported first: a printer fault can touch no payment.
		name := op.req.ID
		if res.Txn != nil {
			name = res.Txn.SlipNo
		}
		t.queuePrint(name, op.print...)
	}
	if dismissed {
		t.toIdle()
	}
}

// keepResult writes a final result to the journal. When the disk has no
// room it is kept in memory, answered from there, and written by the
// background retry (SettleNow) once it can be.
func (t *Terminal) keepResult(id string, res *Result) bool {
	b, _ := json.Marshal(res)
	if err := t.store.FinishRequest(context.Background(), id, string(b)); err != nil {
		t.cfg.Log.Error("final result not stored; kept in memory until the disk has room", "id", id, "err", err)
		t.mu.Lock()
		t.unstored[id] = res
		t.mu.Unlock()
		return false
	}
	t.mu.Lock()
	delete(t.unstored, id)
	t.mu.Unlock()
	return true
}

// replayed is a stored result sent again.
func replayed(res *Result) *Result {
	c := *res
	c.Replayed, c.Seq = true, 0
	return &c
}

// SetNotifier sets where results settled in the background go (the POS).
func (t *Terminal) SetNotifier(fn Reply) {
	t.mu.Lock()
	t.notify = fn
	t.mu.Unlock()
}

// Fault is the start-up failure that keeps the terminal out of service, or nil.
func (t *Terminal) Fault() *Fault {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fault
}

// SetFault takes the terminal out of service with f shown on screen; the
// store is not touched again.
func (t *Terminal) SetFault(f Fault) {
	t.mu.Lock()
	t.fault = &f
	t.mu.Unlock()
	t.update(func(s *State) {
		*s = State{Phase: PhaseFault, ErrorCode: f.Code, FaultDetail: f.Detail, Status: s.Status}
	})
}

// event sends a progress event of the running operation.
func (t *Terminal) event(op *operation, ev string) {
	op.reply(&Event{Type: "event", ID: op.req.ID, Event: ev})
}

// failResult builds a failed result with the message shown on screen.
func (t *Terminal) failResult(req Request, code string, args ...any) *Result {
	return &Result{Type: "result", ID: req.ID, Op: req.Op, OK: false, Practice: req.Practice,
		Error: &ErrorInfo{Code: code, Message: t.tr.T("error."+code+".message", args...), OutcomeUnknown: unknownCode(code)}}
}

// unknownCode tells the codes whose outcome is not known: the center's
// unsettled ones, and QRNE0206, a charge the center made that the disk had
// no room to record (settled in the background).
func unknownCode(code string) bool {
	switch code {
	case "Q1ET0042", "Q1ET0043", "Q1ET0045", CodeNotRecorded:
		return true
	}
	return false
}

// OutcomeUnknown tells whether an error code leaves the outcome unknown
// (the screens show it in its own colour: the money may have moved).
func OutcomeUnknown(code string) bool { return unknownCode(code) }

// CodeNotRecorded is the center's answer that could not be written down:
// the money may have moved, so it is an unknown outcome for the POS.
const CodeNotRecorded = "QRNE0206"

// showError puts an error on screen until the staff taps [×].
func (t *Terminal) showError(op *operation, code string) {
	t.update(func(s *State) {
		*s = State{Phase: PhaseError, Op: op.req.Op, RequestID: op.req.ID, Amount: s.Amount, ErrorCode: code, Status: s.Status, Practice: op.req.Practice}
	})
}

// Dismiss is [×] or [OK] on an outcome or error screen: back to 決済初期画面.
// The outcome is on screen a moment before its operation has stored the
// final result; a tap in that moment is kept and acted on right after.
func (t *Terminal) Dismiss() {
	t.mu.Lock()
	if op := t.running; op != nil {
		op.dismissed = true
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	t.toIdle()
}

func (t *Terminal) toIdle() {
	t.update(func(s *State) { *s = State{Phase: PhaseIdle, Status: s.Status} })
}

func (t *Terminal) status(ctx context.Context, req Request) *Result {
	res := &Result{Type: "result", ID: req.ID, Op: req.Op, OK: true, State: "idle", Practice: t.Practice()}
	t.mu.Lock()
	if t.running != nil {
		res.State, res.Running = "busy", t.running.req.ID
	} else if t.recovering || t.state.Phase == PhaseRecovering {
		res.State = "busy" // settling what a power failure left open
	}
	if t.state.Status.Center == LinkDown && res.State == "idle" {
		res.State = "offline"
	}
	if t.fault != nil {
		res.State = StateOutOfService
		res.Error = &ErrorInfo{Code: t.fault.Code, Message: t.tr.T("error." + t.fault.Code + ".message")}
	}
	kept, inMemory := t.unstored[req.QueryID]
	t.mu.Unlock()
	if req.QueryID != "" && inMemory {
		b, _ := json.Marshal(kept)
		res.Result = b
		return res
	}
	if req.QueryID != "" && t.fault != nil {
		return res
	}
	if req.QueryID != "" {
		j, seen, err := t.store.Request(ctx, req.QueryID)
		switch {
		case err != nil:
			return t.failResult(req, "QRNE0105")
		case !seen:
			return t.failResult(req, CodeUnknownID)
		case j.Result != "":
			res.Result = json.RawMessage(j.Result)
		}
	}
	return res
}

// StateOutOfService is status.state while the terminal takes no work.
const StateOutOfService = "out_of_service"

// abort ends the running operation if it can still be ended.
func (t *Terminal) abort(req Request) *Result {
	t.mu.Lock()
	op := t.running
	t.mu.Unlock()
	if op == nil || (req.Target != "" && req.Target != op.req.ID) {
		return t.failResult(req, CodeNotAbortable)
	}
	if !t.tryAbort(op) {
		return t.failResult(req, CodeNotAbortable)
	}
	return &Result{Type: "result", ID: req.ID, Op: req.Op, OK: true}
}

// Reset is [リセット] on the payment prompt.
func (t *Terminal) Reset() {
	t.mu.Lock()
	op := t.running
	t.mu.Unlock()
	if op != nil {
		t.tryAbort(op)
	}
}

func (t *Terminal) tryAbort(op *operation) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !op.abortable {
		return false
	}
	op.abortable = false
	op.cancel()
	return true
}

// setAbortable marks whether the running operation may still be ended;
// once the code is read or the center asked, it may not.
func (t *Terminal) setAbortable(op *operation, on bool) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if on {
		op.abortable = true
		return true
	}
	was := op.abortable
	op.abortable = false
	return was
}

// Answer is the staff's [OK] (a positive value: the chosen transaction id,
// or 1 for a confirmation) or [×] (0) on a confirmation or choice screen.
// Repeated taps act once.
func (t *Terminal) Answer(v int64) {
	t.mu.Lock()
	op := t.running
	t.mu.Unlock()
	if op == nil {
		return
	}
	select {
	case op.answer <- v:
	default:
	}
}

func (t *Terminal) newCenterID(prefix string) string {
	return fmt.Sprintf("%s-%s-%s", prefix, t.cfg.TerminalID, t.cfg.Now().In(JST).Format("20060102150405")+randDigits(6))
}

// JST is Japan time: slips and totals are in it whatever the machine's zone.
var JST = time.FixedZone("JST", 9*60*60)

// Txn and Report are the store's records as the screens see them, so that
// screens depend on app alone.
type (
	Txn    = store.Txn
	Report = store.Report
)

// Transaction kinds, for the screens.
const (
	KindPayment = store.KindPayment
	KindCancel  = store.KindCancel
	KindRefund  = store.KindRefund
)
