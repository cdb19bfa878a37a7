package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"codepay/app/center"
	"codepay/device/codes"
	"codepay/device/poslink"
	"codepay/store"
)

// errDiskFull stands for ENOSPC from the file system.
var errDiskFull = errors.New("write: no space left on device")

// notes collects what the terminal pushes to the POS outside requests.
type notes struct {
	mu  sync.Mutex
	evs []*Event
}

func (n *notes) add(msg any) {
	if e, ok := msg.(*Event); ok {
		n.mu.Lock()
		n.evs = append(n.evs, e)
		n.mu.Unlock()
	}
}

func (n *notes) settled(id string) *Result {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, e := range n.evs {
		if e.ID == id && e.Event == EvSettled {
			return e.Result
		}
	}
	return nil
}

// atPoint runs fn once when a payment reaches the named point.
func atPoint(t *testing.T, name string, fn func()) {
	var once sync.Once
	crashPoint = func(p string) {
		if p == name {
			once.Do(fn)
		}
	}
	t.Cleanup(func() { crashPoint = func(string) {} })
}

func (r *rig) statusOf(id string) *Result {
	r.t.Helper()
	st := r.req(fmt.Sprintf(`{"op":"status","queryId":"%s"}`, id))
	if !st.OK || st.Result == nil {
		r.t.Fatalf("status of %s: %+v", id, st)
	}
	var res Result
	if err := json.Unmarshal(st.Result, &res); err != nil {
		r.t.Fatal(err)
	}
	return &res
}

// The disk fills after the center has charged: the POS must hear an
// unknown outcome (never a plain failure that has the customer pay
// again), a resend must still get a result, and once the disk has room
// the background retry records the charge and pushes the settled result.
func TestFaultFullDiskAfterTheChargeIsUnknownThenSettled(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	var n notes
	r.term.SetNotifier(n.add)
	atPoint(t, "after_answer", func() { r.db.InjectWriteFault(errDiskFull) })
	r.hold("PayPay", "ok", codes.QR)
	body := `{"type":"request","id":"FULL-1","op":"payment","amount":1980}`
	res, _ := r.do(body)
	if res.OK || res.Error == nil || res.Error.Code != CodeNotRecorded || !res.Error.OutcomeUnknown {
		t.Fatalf("a charge the disk could not record gave %+v", res.Error)
	}
	// The final result could not be written either: a resend still gets it.
	again, _ := r.do(body)
	if !again.Replayed || again.Error == nil || !again.Error.OutcomeUnknown {
		t.Fatalf("resend while the disk is full: %+v", again)
	}
	if st := r.statusOf("FULL-1"); st.Error == nil || !st.Error.OutcomeUnknown {
		t.Fatalf("status while the disk is full: %+v", st)
	}
	if r.term.State().Status.Unsettled != 1 {
		t.Errorf("the 要確認 count is %d, want 1", r.term.State().Status.Unsettled)
	}
	r.term.SettleNow(context.Background()) // still full: nothing changes, nothing is lost
	if n.settled("FULL-1") != nil {
		t.Fatal("settled while the disk was still full")
	}
	r.db.InjectWriteFault(nil) // room again
	r.term.SettleNow(context.Background())
	pushed := n.settled("FULL-1")
	if pushed == nil || !pushed.OK || pushed.Txn == nil || pushed.Txn.Amount != 1980 {
		t.Fatalf("settled event: %+v", pushed)
	}
	st := r.statusOf("FULL-1")
	if !st.OK || st.Txn.SlipNo != pushed.Txn.SlipNo {
		t.Fatalf("status after settling: %+v", st)
	}
	if again, _ := r.do(body); !again.OK || !again.Replayed {
		t.Fatalf("resend after settling: %+v", again)
	}
	h, _ := r.db.History(context.Background(), false, 10)
	if len(h) != 1 || h[0].Amount != 1980 || h[0].State != store.StateDone {
		t.Fatalf("the charge is not in the records: %+v", h)
	}
	p, err := r.client.GetPayment(context.Background(), h[0].CenterID)
	if err != nil || p.Status != center.StatusCompleted {
		t.Fatalf("the center's payment: %+v %v", p, err)
	}
	if r.term.State().Status.Unsettled != 0 {
		t.Errorf("the 要確認 count is %d after settling", r.term.State().Status.Unsettled)
	}
	reconcile(t, r.db, r.sim)
}

// The disk is full before the center is asked: a plain failure, nothing
// charged, and the next payment works once there is room.
func TestFaultFullDiskBeforeTheChargeChargesNothing(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	atPoint(t, "before_intent", func() { r.db.InjectWriteFault(errDiskFull) })
	r.hold("PayPay", "ok", codes.QR)
	res, _ := r.do(`{"type":"request","id":"FULLB-1","op":"payment","amount":500}`)
	if res.OK || res.Error.Code != "QRNE0105" || res.Error.OutcomeUnknown {
		t.Fatalf("%+v", res.Error)
	}
	in, _ := r.client.InterimTotals(context.Background())
	if in.Total.Sales.Count != 0 {
		t.Fatalf("the center charged %d", in.Total.Sales.Count)
	}
	r.db.InjectWriteFault(nil)
	crashPoint = func(string) {}
	r.pay("PayPay", 600, "")
	reconcile(t, r.db, r.sim)
}

// While start-up recovery replays an interrupted 日計 the terminal is busy
// to the POS, takes no new work, and a resend of the 日計 gets its result.
func TestFaultRecoveryIsBusyAndAnswersResends(t *testing.T) {
	r := newRig(t, center.SimOptions{Latency: 400 * time.Millisecond})
	r.pay("PayPay", 1980, "")
	ctx := context.Background()
	// A 日計 journaled but never finished: the power went.
	if err := r.db.StartRequest(ctx, "DAY-1", OpDailyTotal, (Request{ID: "DAY-1", Op: OpDailyTotal, Type: "request"}).hash(), false); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.term.Recover(ctx) }()
	waitFor(t, func() bool {
		p := r.term.State().Phase
		return p == PhaseRecovering || p == PhaseProcessing
	})
	if st := r.req(`{"op":"status"}`); st.State != "busy" {
		t.Errorf("status during recovery: %q", st.State)
	}
	if p := r.req(`{"op":"payment","amount":100}`); p.OK || p.Error.Code != CodeBusy {
		t.Errorf("a payment during recovery: %+v", p.Error)
	}
	res, _ := r.do(`{"type":"request","id":"DAY-1","op":"daily_total"}`)
	if !res.OK || res.Totals == nil || res.Totals.Total.Sales.Amount != 1980 {
		t.Fatalf("the resent 日計: %+v", res)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st := r.req(`{"op":"status"}`); st.State != "idle" {
		t.Errorf("status after recovery: %q", st.State)
	}
	reconcile(t, r.db, r.sim)
}

// 一括日計 killed after the center closed the day: recovery replays the
// same close, stores it and clears the transactions.
func TestFaultBatchDailyKilledMidwayIsRecovered(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	for i := 0; i < 3; i++ {
		r.pay("PayPay", 1000, "")
	}
	ctx := context.Background()
	id := "L-BATCH-1"
	if err := r.db.StartRequest(ctx, id, OpBatchDaily, "h", false); err != nil {
		t.Fatal(err)
	}
	closed, err := r.client.DailyTotals(ctx, "D-"+id+"-QR") // the center closed; then the power went
	if err != nil || closed.Total.Sales.Count != 3 {
		t.Fatalf("%+v %v", closed.Total, err)
	}
	if err := r.term.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	res, ok := r.term.storedResult(ctx, id)
	if !ok || !res.OK || res.Totals == nil || res.Totals.SequenceNo != closed.SequenceNo || res.Totals.Total.Sales.Amount != 3000 {
		t.Fatalf("recovered 一括日計: %+v", res)
	}
	if h, _ := r.db.History(ctx, false, 10); len(h) != 0 {
		t.Errorf("%d transactions left open after the recovered close", len(h))
	}
	reps, _ := r.db.Reports(ctx, "DAILY", false, 10)
	if len(reps) != 1 || reps[0].Seq != closed.SequenceNo {
		t.Errorf("reports: %+v", reps)
	}
	if in, _ := r.client.InterimTotals(ctx); in.Total.Sales.Count != 0 {
		t.Errorf("a second close happened? interim %+v", in.Total)
	}
	reconcile(t, r.db, r.sim)
}

// lossy is a loopback proxy in front of the simulator that can lose the
// answer of a call (the center acted, the terminal never heard) or refuse
// everything (the center unreachable).
type lossy struct {
	proxy    *httputil.ReverseProxy
	loseNext atomic.Value // a path prefix whose next answer is lost
	down     atomic.Bool
	// downAfterLoss takes the center out of reach right after the loss.
	downAfterLoss bool
	// refuseNext answers the next POST to a path with 503 MAINTENANCE_MODE.
	refuseNext atomic.Value
}

func (l *lossy) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if l.down.Load() {
		hj, _ := w.(http.Hijacker)
		c, _, _ := hj.Hijack()
		c.Close()
		return
	}
	if p, _ := l.refuseNext.Load().(string); p != "" && req.Method == http.MethodPost && strings.Contains(req.URL.Path, p) {
		l.refuseNext.Store("")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(503)
		w.Write([]byte(`{"resultInfo":{"code":"MAINTENANCE_MODE","message":"maintenance","codeId":"1"},"data":null}`))
		return
	}
	if p, _ := l.loseNext.Load().(string); p != "" && req.Method == http.MethodPost && strings.Contains(req.URL.Path, p) {
		l.loseNext.Store("")
		rec := httptest.NewRecorder()
		l.proxy.ServeHTTP(rec, req) // the center acts
		// Down before the close: the client (or net/http's own retry of a
		// request on a dropped connection) may ask again at once.
		if l.downAfterLoss {
			l.down.Store(true)
		}
		hj, _ := w.(http.Hijacker)
		c, _, _ := hj.Hijack()
		c.Close() // and its answer is lost
		return
	}
	l.proxy.ServeHTTP(w, req)
}

func newLossyRig(t *testing.T, opts ...center.SimOptions) (*rig, *lossy) {
	var opt center.SimOptions
	if len(opts) > 0 {
		opt = opts[0]
	}
	r := newRig(t, opt)
	u, _ := url.Parse(r.url)
	l := &lossy{proxy: httputil.NewSingleHostReverseProxy(u)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: l}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	cl, err := center.NewClient(center.Config{BaseURL: "http://" + ln.Addr().String(), APIKey: "key1", APISecret: "secret1", MerchantID: "M001", TerminalID: "T0001",
		PayTimeout: 2 * time.Second, OtherTimeout: 2 * time.Second, SettleFor: 3 * time.Second, RetryEvery: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	r.term.center = cl
	return r, l
}

// A 日計 whose answer is lost is settled by asking the center for the same
// close: the day it closed is shown and stored, never hidden by another.
func TestFaultLostDailyAnswerIsTheClosedDay(t *testing.T) {
	r, l := newLossyRig(t)
	r.pay("PayPay", 1980, "")
	l.loseNext.Store("/totals/daily")
	res := r.req(`{"op":"daily_total"}`)
	if !res.OK || res.Totals.Total.Sales.Amount != 1980 || res.Totals.SequenceNo != 1 {
		t.Fatalf("日計 with its answer lost: %+v %+v", res.Error, res.Totals)
	}
	hist, _ := r.term.DailyHistory(context.Background())
	if len(hist) != 1 || hist[0].Seq != 1 {
		t.Fatalf("日計再印字 list: %+v", hist)
	}
	r.pay("d払い", 500, "")
	res = r.req(`{"op":"daily_total"}`)
	if !res.OK || res.Totals.SequenceNo != 2 || res.Totals.Total.Sales.Amount != 500 {
		t.Fatalf("next 日計: %+v", res.Totals)
	}
	checkReportAddsUp(t, r, res)
	reconcile(t, r.db, r.sim)
}

// The answer is lost and the center cannot be reached to settle it: the
// POS hears an unknown outcome; the next 日計 returns the day that was
// closed (not a second, empty close) and the first request is settled in
// the background with the same close.
func TestFaultLostDailyAnswerWithTheCenterDownIsSettledLater(t *testing.T) {
	r, l := newLossyRig(t)
	var n notes
	r.term.SetNotifier(n.add)
	r.pay("PayPay", 1980, "")
	l.loseNext.Store("/totals/daily")
	l.downAfterLoss = true
	first, _ := r.do(`{"type":"request","id":"DL-1","op":"daily_total"}`)
	if first.OK || first.Error == nil || !first.Error.OutcomeUnknown {
		t.Fatalf("first 日計: %+v", first)
	}
	l.down.Store(false)
	second, _ := r.do(`{"type":"request","id":"DL-2","op":"daily_total"}`)
	if !second.OK || second.Totals.SequenceNo != 1 || second.Totals.Total.Sales.Amount != 1980 {
		t.Fatalf("日計 again after the lost answer: %+v %+v", second.Error, second.Totals)
	}
	r.term.SettleNow(context.Background())
	pushed := n.settled("DL-1")
	if pushed == nil || !pushed.OK || pushed.Totals.SequenceNo != 1 {
		t.Fatalf("DL-1 settled: %+v", pushed)
	}
	if st := r.statusOf("DL-1"); !st.OK || st.Totals.Total.Sales.Amount != 1980 {
		t.Fatalf("status DL-1: %+v", st)
	}
	if reps, _ := r.db.Reports(context.Background(), "DAILY", false, 10); len(reps) != 1 {
		t.Fatalf("%d daily reports, want the one close", len(reps))
	}
	reconcile(t, r.db, r.sim)
}

// checkReportAddsUp: brand lines sum to 合計, and 合計 equals what the
// report's 取引明細 lists, kind by kind.
func checkReportAddsUp(t *testing.T, r *rig, res *Result) {
	t.Helper()
	var sum center.CountAmount
	for _, b := range res.Totals.Brands {
		sum.Count += b.Sales.Count
		sum.Amount += b.Sales.Amount
	}
	if sum != res.Totals.Total.Sales {
		t.Errorf("brand sales %+v, 合計 %+v", sum, res.Totals.Total.Sales)
	}
	rep, err := r.db.DailyByID(context.Background(), "D-"+res.ID)
	if err != nil {
		return // a replayed close is filed under the first id
	}
	lines, _ := r.db.ClosedTxns(context.Background(), rep.ID, 100000)
	var listed center.CountAmount
	for _, x := range lines {
		if x.Kind == store.KindPayment {
			listed.Count++
			listed.Amount += x.Amount
		}
	}
	if listed != res.Totals.Total.Sales {
		t.Errorf("取引明細 lists sales %+v, 合計 says %+v", listed, res.Totals.Total.Sales)
	}
}

// A day of 1,000 transactions (the capacity): the daily and interim
// results, and a status holding one, each fit a frame with the receipt
// cut, and the receipt op gives back every line.
func TestFaultThousandTransactionsReachThePOS(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	ctx := context.Background()
	const n = 1000
	b, _ := codes.BrandByName("PayPay")
	sc, _ := center.ScenarioByName("ok")
	var wg sync.WaitGroup
	ids := make(chan int, n)
	for i := 0; i < n; i++ {
		ids <- i
	}
	close(ids)
	var failed atomic.Int32
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ids {
				mp := fmt.Sprintf("P-T0001-BIG%04d", i)
				p, err := r.client.CreatePayment(ctx, center.PaymentRequest{MerchantPaymentID: mp, UserAuthorizationID: center.SampleCode(b, sc, false),
					Amount: center.Yen(int64(100 + i)), RequestedAt: time.Now().Unix(), TerminalID: "T0001"})
				if err != nil {
					failed.Add(1)
					continue
				}
				x := store.Txn{Kind: store.KindPayment, CenterID: mp, Brand: "PayPay", Amount: int64(100 + i), At: time.Now().In(JST), RequestID: "BIG"}
				if r.db.BeginTxn(ctx, &x) != nil || r.db.SettleTxn(ctx, x.ID, store.StateDone, p.PaymentID, p.Brand, "", x.At) != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d of the day's payments failed", failed.Load())
	}
	max := poslink.MaxBody - poslink.SeqRoom
	for _, op := range []string{"interim_total", "daily_total"} {
		res := r.req(fmt.Sprintf(`{"op":"%s"}`, op))
		if !res.OK || res.Totals.Total.Sales.Count != n {
			t.Fatalf("%s: %+v", op, res.Error)
		}
		full := res.Receipt.Lines
		enc, err := r.term.EncodeForPOS(res, max)
		if err != nil || len(enc) > max {
			t.Fatalf("%s: %d bytes, %v", op, len(enc), err)
		}
		if _, err := poslink.Encode(append([]byte(`{"seq":999999,`), enc[1:]...)); err != nil {
			t.Fatalf("%s does not fit a frame: %v", op, err)
		}
		var got Result
		json.Unmarshal(enc, &got)
		if !got.OK || got.Totals.Total.Sales.Count != n || !got.Receipt.Truncated || got.Receipt.TotalLines != len(full) || got.Receipt.Next == 0 {
			t.Fatalf("%s as sent: ok=%v receipt %+v", op, got.OK, got.Receipt)
		}
		lines := append([]string(nil), got.Receipt.Lines...)
		pages := 1
		for next := got.Receipt.Next; next != 0; pages++ {
			page := r.req(fmt.Sprintf(`{"op":"receipt","queryId":"%s","from":%d}`, res.ID, next))
			enc, err := r.term.EncodeForPOS(page, max)
			if err != nil || len(enc) > max {
				t.Fatalf("page from %d: %d bytes, %v", next, len(enc), err)
			}
			var pg Result
			json.Unmarshal(enc, &pg)
			if !pg.OK || pg.Receipt.From != next || len(pg.Receipt.Lines) == 0 {
				t.Fatalf("page from %d: %+v", next, pg.Receipt)
			}
			lines = append(lines, pg.Receipt.Lines...)
			next = pg.Receipt.Next
		}
		if strings.Join(lines, "\n") != strings.Join(full, "\n") {
			t.Fatalf("%s: the pages do not make the receipt (%d of %d lines)", op, len(lines), len(full))
		}
		t.Logf("%s: %d lines in %d frames", op, len(full), pages)
		// A status that holds the stored result fits too.
		st := r.req(fmt.Sprintf(`{"op":"status","queryId":"%s"}`, res.ID))
		if enc, err := r.term.EncodeForPOS(st, max); err != nil || len(enc) > max || !bytes.Contains(enc, []byte(`"truncated":true`)) {
			t.Fatalf("status of %s: %d bytes, %v", op, len(enc), err)
		}
	}
}

// A result that cannot be cut to fit becomes an error for the same id.
func TestFaultUnfittableResultIsAnErrorNotSilence(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	big := &Result{Type: "result", ID: "X1", Op: OpInterimTotal, OK: true, Totals: &center.Totals{}}
	for i := 0; i < 400; i++ {
		big.Totals.Brands = append(big.Totals.Brands, center.BrandTotals{Brand: strings.Repeat("B", 30)})
	}
	enc, err := r.term.EncodeForPOS(big, 8000)
	var got Result
	if err == nil || json.Unmarshal(enc, &got) != nil || got.ID != "X1" || got.Error == nil || got.Error.Code != CodeTooLarge {
		t.Fatalf("%v %s", err, enc)
	}
}

// damagedStore makes a store of 400 transactions, stops it cleanly and
// damages a b-tree page's header in the middle of the file; it returns the
// path and the file's state before the damage.
func damagedStore(t *testing.T) (string, os.FileInfo) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "codepay.db")
	db, fault := OpenStore(path)
	if fault != nil {
		t.Fatal(fault)
	}
	for i := 0; i < 400; i++ {
		x := store.Txn{Kind: store.KindPayment, CenterID: fmt.Sprintf("C-%d", i), MerchantTxnID: strings.Repeat("m", 30), Amount: 100, At: time.Now()}
		db.BeginTxn(context.Background(), &x)
	}
	db.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(bytes.Repeat([]byte{0xA5}, 200), (st.Size()/4096/2)*4096)
	f.Close()
	return path, st
}

func fileSum(t *testing.T, path string) [32]byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// A store with a damaged data page is refused: out of service with its
// code, every request refused, the file as it was.
func TestFaultDamagedStoreTakesTheTerminalOutOfService(t *testing.T) {
	ctx := context.Background()
	path, _ := damagedStore(t)
	before := fileSum(t, path)
	r := newRig(t, center.SimOptions{})
	db2, fault := OpenStore(path)
	if fault != nil {
		// The damage was seen at open: as good.
		if fault.Code != CodeStoreDamaged {
			t.Fatalf("fault %+v", fault)
		}
		return
	}
	defer db2.Close()
	term := New(Config{TerminalID: "T0001", Capacity: 100}, db2, r.client, r.term.cam, nil)
	if err := term.Start(ctx); err == nil {
		t.Fatal("a damaged store passed the start-up check")
	}
	if f := term.Fault(); f == nil || f.Code != CodeStoreDamaged || term.State().Phase != PhaseFault {
		t.Fatalf("fault %+v, phase %s", f, term.State().Phase)
	}
	got := make(chan *Result, 1)
	term.Handle([]byte(`{"type":"request","id":"P1","op":"payment","amount":100}`), func(m any) {
		if res, ok := m.(*Result); ok {
			got <- res
		}
	})
	if res := <-got; res.OK || res.Error.Code != CodeStoreDamaged {
		t.Fatalf("a payment on a damaged store: %+v", res.Error)
	}
	term.Handle([]byte(`{"type":"request","id":"S1","op":"status"}`), func(m any) {
		if res, ok := m.(*Result); ok {
			got <- res
		}
	})
	if res := <-got; res.State != StateOutOfService {
		t.Fatalf("status: %+v", res)
	}
	term.SettleNow(ctx)
	db2.Close()
	if fileSum(t, path) != before {
		t.Fatal("the damaged file was written to")
	}
}

// An empty, missing or swapped database where a store was is refused with
// QRNX0003, and nothing is created or written.
func TestFaultLostOrReplacedStoreIsRefused(t *testing.T) {
	mk := func(t *testing.T) string {
		path := filepath.Join(t.TempDir(), "codepay.db")
		db, fault := OpenStore(path)
		if fault != nil {
			t.Fatal(fault)
		}
		db.Close()
		return path
	}
	t.Run("empty", func(t *testing.T) {
		path := mk(t)
		os.Truncate(path, 0)
		if _, f := OpenStore(path); f == nil || f.Code != CodeStoreLost {
			t.Fatalf("%+v", f)
		}
		if st, _ := os.Stat(path); st.Size() != 0 {
			t.Fatal("the empty file was written to")
		}
	})
	t.Run("missing", func(t *testing.T) {
		path := mk(t)
		os.Remove(path)
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		if _, f := OpenStore(path); f == nil || f.Code != CodeStoreLost {
			t.Fatalf("%+v", f)
		}
		if _, err := os.Stat(path); err == nil {
			t.Fatal("a new database was created in place of the lost one")
		}
	})
	t.Run("swapped", func(t *testing.T) {
		path, other := mk(t), mk(t)
		b, _ := os.ReadFile(other)
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		os.WriteFile(path, b, 0o600)
		if _, f := OpenStore(path); f == nil || f.Code != CodeStoreLost {
			t.Fatalf("%+v", f)
		}
	})
	t.Run("new", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "sub", "codepay.db")
		db, f := OpenStore(path)
		if f != nil {
			t.Fatal(f)
		}
		db.Close()
		if _, err := os.Stat(store.MarkerPath(path)); err != nil {
			t.Fatal("no marker for a new store")
		}
		db, f = OpenStore(path) // and it opens again
		if f != nil {
			t.Fatal(f)
		}
		db.Close()
	})
}

// A data folder that cannot be written is said to be so, not "damaged".
func TestFaultUnwritableDataFolderIsReportedAsSuch(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "file")
	os.WriteFile(parent, []byte("x"), 0o600)
	if _, f := OpenStore(filepath.Join(parent, "codepay.db")); f == nil || f.Code != CodeStoreReadOnly {
		t.Fatalf("%+v", f)
	}
	if _, err := os.Stat("/proc/self/codepay-check"); err == nil {
		t.Skip()
	}
	if _, f := OpenStore("/proc/self/codepay.db"); f == nil || f.Code != CodeStoreReadOnly {
		t.Fatalf("/proc: %+v", f)
	}
}

// An unknown outcome that the background retry settles reaches the POS:
// status with queryId returns the settled result (no longer
// outcomeUnknown), and a settled event carries it.
func TestFaultUnknownOutcomeSettledLaterReachesThePOS(t *testing.T) {
	r := newRig(t, center.SimOptions{UnsettledFor: 3500 * time.Millisecond})
	var n notes
	r.term.SetNotifier(n.add)
	r.hold("PayPay", "unsettled", codes.QR)
	start := time.Now()
	res, _ := r.do(`{"type":"request","id":"UNK-1","op":"payment","amount":800}`)
	if res.OK || !res.Error.OutcomeUnknown {
		t.Fatalf("%+v", res.Error)
	}
	if st := r.statusOf("UNK-1"); !st.Error.OutcomeUnknown {
		t.Fatalf("status before settling: %+v", st.Error)
	}
	time.Sleep(time.Until(start.Add(3600 * time.Millisecond)))
	r.term.SettleNow(context.Background())
	pushed := n.settled("UNK-1")
	if pushed == nil || pushed.OK || pushed.Error.OutcomeUnknown {
		t.Fatalf("settled event: %+v", pushed)
	}
	st := r.statusOf("UNK-1")
	if st.Error == nil || st.Error.OutcomeUnknown || st.Error.Code != pushed.Error.Code {
		t.Fatalf("status after settling: %+v", st.Error)
	}
	if again, _ := r.do(`{"type":"request","id":"UNK-1","op":"payment","amount":800}`); !again.Replayed || again.Error.OutcomeUnknown {
		t.Fatalf("resend after settling: %+v", again.Error)
	}
	if r.term.State().Status.Unsettled != 0 {
		t.Errorf("要確認 %d after settling", r.term.State().Status.Unsettled)
	}
	reconcile(t, r.db, r.sim)
}

// status.state leaves offline as soon as the center answers again (the
// probe), not at the next successful payment; a time-out alone is not
// offline when the center answers the probe.
func TestFaultOfflineClearsWhenTheCenterIsBack(t *testing.T) {
	r, l := newLossyRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.term.WatchCenter(ctx, 50*time.Millisecond)
	l.down.Store(true)
	r.hold("PayPay", "ok", codes.QR)
	r.do(`{"type":"request","id":"OFF-1","op":"payment","amount":300}`)
	waitFor(t, func() bool { return r.req(`{"op":"status"}`).State == "offline" })
	l.down.Store(false)
	waitFor(t, func() bool { return r.req(`{"op":"status"}`).State == "idle" })
	r.term.noteCenter(&center.Error{Code: "Q1ET0043", Unknown: true, Kind: "timeout"})
	time.Sleep(300 * time.Millisecond)
	if st := r.req(`{"op":"status"}`); st.State != "idle" {
		t.Fatalf("a time-out with the center up made the state %q", st.State)
	}
}

// Random sequences of payments (accepted, refused, answers lost, late,
// unsettled, a full disk after the charge), cancels, refunds, restarts
// and reports. Invariants, for every report: the brand lines add up to
// 合計, and 合計 equals the report's own 取引明細, kind by kind; every
// request has exactly one final result, which a resend replays.
func TestFaultRandomOperationsReportsAddUp(t *testing.T) {
	ops := 30
	if soak() {
		ops = 200
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("CODEPAY_SEED"); v != "" {
		fmt.Sscan(v, &seed) // to run a failing sequence again
	}
	t.Logf("seed %d (CODEPAY_SEED=%d to run it again)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 12))
	r, l := newLossyRig(t, center.SimOptions{SlowDelay: 2500 * time.Millisecond, UnsettledFor: time.Second})
	ctx := context.Background()
	brands := []string{"PayPay", "d払い", "au PAY", "楽天ペイ"}
	var paidSlips []string
	results := map[string]*Result{}
	bodies := map[string]string{}
	n := 0
	send := func(body string) *Result {
		n++
		id := fmt.Sprintf("RND-%d", n)
		body = strings.Replace(body, "{", fmt.Sprintf(`{"type":"request","id":"%s",`, id), 1)
		res, _ := r.do(body)
		if res.ID != id {
			t.Fatalf("result for %s came as %s", id, res.ID)
		}
		results[id], bodies[id] = res, body
		return res
	}
	report := func(op string) {
		res := send(fmt.Sprintf(`{"op":"%s"}`, op))
		if !res.OK {
			t.Fatalf("%s: %+v", op, res.Error)
		}
		if sum := center.SumTotals(res.Totals.Brands); sum != res.Totals.Total {
			t.Fatalf("%s: brand lines %+v, 合計 %+v", op, sum, res.Totals.Total)
		}
		if res.Mismatch != nil {
			all, _ := r.db.AllTxns(ctx)
			for _, x := range all {
				t.Logf("txn %d %s %s %s %d %s reversed=%v closed=%v req=%s", x.ID, x.Kind, x.State, x.Brand, x.Amount, x.ErrorCode, x.Reversed, x.Closed, x.RequestID)
			}
			t.Fatalf("%s: figures and lines disagree: %v", op, res.Mismatch.Lines)
		}
		s := r.term.State()
		var lines []store.Txn
		for _, x := range s.Details {
			lines = append(lines, x)
		}
		got := center.SumTotals(DetailTotals(lines))
		if got.Sales != res.Totals.Total.Sales || got.Cancels != res.Totals.Total.Cancels || got.Refunds != res.Totals.Total.Refunds {
			t.Fatalf("%s: 合計 %+v, 取引明細 %+v", op, res.Totals.Total, got)
		}
		if op == "daily_total" {
			paidSlips = nil
		}
	}
	for i := 0; i < ops; i++ {
		brand := brands[rng.IntN(len(brands))]
		amount := 100 + rng.IntN(5000)
		switch k := rng.IntN(20); {
		case k < 8:
			r.hold(brand, "ok", codes.QR)
			if res := send(fmt.Sprintf(`{"op":"payment","amount":%d}`, amount)); res.OK {
				paidSlips = append(paidSlips, res.Txn.SlipNo)
			}
		case k < 13:
			sc := []string{"insufficient", "lost", "error_500_done", "slow", "unsettled"}[k-8]
			r.hold(brand, sc, codes.QR)
			if res := send(fmt.Sprintf(`{"op":"payment","amount":%d}`, amount)); res.OK {
				paidSlips = append(paidSlips, res.Txn.SlipNo)
			}
		case k == 13:
			// The disk fills right after the center charged; room again later.
			atPoint(t, "after_answer", func() { r.db.InjectWriteFault(errDiskFull) })
			r.hold(brand, "ok", codes.QR)
			res := send(fmt.Sprintf(`{"op":"payment","amount":%d}`, amount))
			crashPoint = func(string) {}
			r.db.InjectWriteFault(nil)
			if res.OK || !res.Error.OutcomeUnknown {
				t.Fatalf("full disk after the charge: %+v", res.Error)
			}
			r.term.SettleNow(ctx)
		case k < 16 && len(paidSlips) > 0:
			j := rng.IntN(len(paidSlips))
			slip := paidSlips[j]
			paidSlips = append(paidSlips[:j], paidSlips[j+1:]...)
			send(fmt.Sprintf(`{"op":"refund","slipNo":"%s","confirm":false}`, slip))
		case k == 16:
			// The power goes and comes back: a new terminal on the same file.
			r.term = New(r.term.cfg, r.db, r.client, r.term.cam, nil)
			if err := r.term.Recover(ctx); err != nil {
				t.Fatal(err)
			}
		case k == 17:
			time.Sleep(1100 * time.Millisecond) // let unsettled codes become settleable
			r.term.SettleNow(ctx)
		case k == 18:
			report("interim_total")
		default:
			switch rng.IntN(4) {
			case 0: // the center closes the day but its answer is lost
				l.loseNext.Store("/totals/daily")
			case 1: // the center refuses the close
				l.refuseNext.Store("/totals/daily")
			}
			res := send(`{"op":"daily_total"}`)
			if res.OK {
				if res.Mismatch != nil {
					t.Fatalf("daily_total: figures and lines disagree: %v", res.Mismatch.Lines)
				}
				paidSlips = nil
			}
		}
	}
	time.Sleep(1100 * time.Millisecond)
	r.term.SettleNow(ctx)
	report("daily_total")
	// Exactly one final result each, replayed on a resend.
	for id, body := range bodies {
		st := r.statusOf(id)
		again, _ := r.do(body)
		if !again.Replayed || again.OK != st.OK {
			t.Fatalf("%s: stored %+v, resend %+v", id, st, again)
		}
	}
	// And the center's own records agree with the terminal's, both ways.
	reconcile(t, r.db, r.sim)
}

// A payment whose answer came too late is cancelled by the terminal; the
// late payment reaches the center after a 日計 has closed the day, and the
// center counts it (as 売上 and 取消) in the next one. The next report
// lists it there, and both reports add up to their lines.
func TestFaultLatePaymentAfterTheCloseIsInTheNextReport(t *testing.T) {
	r := newRig(t, center.SimOptions{SlowDelay: 3 * time.Second})
	r.hold("楽天ペイ", "slow", codes.QR)
	if res := r.req(`{"op":"payment","amount":788}`); res.OK || res.Error.Code != "Q1ET002C" {
		t.Fatalf("%+v", res.Error)
	}
	first := r.req(`{"op":"daily_total"}`) // before the late payment arrives
	if !first.OK || first.Mismatch != nil || first.Totals.Total.Sales.Count != 0 {
		t.Fatalf("first 日計: %+v %+v", first.Totals, first.Mismatch)
	}
	time.Sleep(1500 * time.Millisecond) // the late payment reaches the center, reversed at once
	second := r.req(`{"op":"daily_total"}`)
	if !second.OK || second.Mismatch != nil {
		t.Fatalf("second 日計: %+v", second.Mismatch)
	}
	if second.Totals.Total.Sales.Amount != 788 || second.Totals.Total.Cancels.Amount != 788 {
		t.Fatalf("the center's second day: %+v", second.Totals.Total)
	}
	if !strings.Contains(strings.Join(second.Receipt.Lines, "\n"), "自動取消") {
		t.Fatalf("the reversed payment is not in the second report's lines:\n%s", strings.Join(second.Receipt.Lines, "\n"))
	}
	reconcile(t, r.db, r.sim)
}

// After a clean stop the full check runs behind 決済初期画面; damage that
// slipped past the clean mark (same size, same time) still takes the
// terminal out of service as soon as the check finds it. A file changed
// since the clean stop is checked before anything is written.
func TestFaultDamageBehindACleanStopIsFound(t *testing.T) {
	ctx := context.Background()
	path, st := damagedStore(t)
	os.Chtimes(path, st.ModTime(), st.ModTime()) // the damage hides behind the clean mark
	r := newRig(t, center.SimOptions{})
	db2, fault := OpenStore(path)
	if fault != nil {
		return // seen at open: as good
	}
	defer db2.Close()
	if !db2.CleanStart() {
		t.Fatal("the clean stop was not recognised")
	}
	term := New(Config{TerminalID: "T0001", Capacity: 100}, db2, r.client, r.term.cam, nil)
	term.Start(ctx)
	term.WaitVerified()
	if f := term.Fault(); f == nil || f.Code != CodeStoreDamaged {
		t.Fatalf("damage behind a clean stop not found: %+v", f)
	}
}

// A 日計 the center refuses closed nothing: nothing stays pending, and the
// next 日計 covers every payment made meanwhile, adding up.
func TestFaultRefusedDailyLeavesNothingPending(t *testing.T) {
	r, l := newLossyRig(t)
	r.pay("PayPay", 1000, "")
	l.refuseNext.Store("/totals/daily")
	if res := r.req(`{"op":"daily_total"}`); res.OK || res.Error.Code != "Q1ET0028" {
		t.Fatalf("%+v", res.Error)
	}
	if _, _, ok, _ := r.db.PendingDaily(context.Background()); ok {
		t.Fatal("a refused 日計 left a pending close")
	}
	r.pay("d払い", 500, "")
	res := r.req(`{"op":"daily_total"}`)
	if !res.OK || res.Mismatch != nil || res.Totals.Total.Sales.Amount != 1500 {
		t.Fatalf("%+v %+v", res.Totals.Total, res.Mismatch)
	}
	if h, _ := r.db.History(context.Background(), false, 10); len(h) != 0 {
		t.Fatalf("%d transactions left open", len(h))
	}
	reconcile(t, r.db, r.sim)
}
