package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"codepay/app"
	"codepay/app/center"
	"codepay/device/camera"
	"codepay/device/codes"
	"codepay/device/poslink"
	"codepay/store"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// posOverPty puts a whole terminal (store file, simulator on loopback, demo
// camera, real reader) on the slave of a pseudo-terminal pair through
// go.bug.st/serial, and the POS simulator on the master.
func posOverPty(t *testing.T) (*POS, *app.Terminal, *app.DemoCustomer, *syncBuf) {
	t.Helper()
	r := newPtyRig(t)
	return r.pos, r.term, r.customer, r.out
}

// ptyRig is posOverPty's whole setup, for tests that reach behind the line.
type ptyRig struct {
	pos      *POS
	term     *app.Terminal
	customer *app.DemoCustomer
	out      *syncBuf
	db       *store.DB
	client   *center.Client
}

func newPtyRig(t *testing.T) *ptyRig {
	t.Helper()
	sim, err := center.NewSim(center.SimOptions{Keys: map[string]string{"k": "s"}, DBPath: filepath.Join(t.TempDir(), "sim.db")})
	if err != nil {
		t.Fatal(err)
	}
	url, stopSim, err := sim.ServeLoopback()
	if err != nil {
		t.Fatal(err)
	}
	cl, _ := center.NewClient(center.Config{BaseURL: url, APIKey: "k", APISecret: "s", TerminalID: "T0001"})
	db, err := store.Open(filepath.Join(t.TempDir(), "codepay.db"))
	if err != nil {
		t.Fatal(err)
	}
	customer := app.NewDemoCustomer()
	cam := camera.NewDemo(customer.Present)
	cam.Delay = 200 * time.Millisecond
	term := app.New(app.Config{TerminalID: "T0001", MerchantName: "テスト", ResultHold: time.Hour}, db, cl, cam, codes.NewReader())
	term.Recover(context.Background())

	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	// The test keeps its own slave descriptor open: a master whose slave
	// is not (yet) open reads EIO.
	slaveName := slave.Name()
	ctx, cancel := context.WithCancel(context.Background())
	sess := term.AttachLink(poslink.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var states []string
	var smu sync.Mutex
	go poslink.Keep(ctx, sess, func() (io.ReadWriteCloser, error) { return poslink.OpenSerial(slaveName, 115200) },
		func(open bool, err error) {
			smu.Lock()
			states = append(states, map[bool]string{true: "open", false: "closed"}[open])
			smu.Unlock()
		})
	out := &syncBuf{}
	pos := NewPOS(out)
	pos.Timeout = 20 * time.Second
	go pos.Session.Run(ctx, master)
	t.Cleanup(func() {
		cancel()
		master.Close()
		slave.Close()
		stopSim()
		sim.Close()
		db.Close()
	})
	return &ptyRig{pos: pos, term: term, customer: customer, out: out, db: db, client: cl}
}

func TestEveryOperationOverASerialLine(t *testing.T) {
	pos, term, customer, out := posOverPty(t)
	script := `
ping => ok
pay 1980 00 => ok
id R-fixed pay 500 => ok
# the same request again is replayed, not charged again
id R-fixed pay 500 => ok
id R-fixed pay 600 => ID_REUSED
refund slip 00001 noconfirm => ok
refund mtxn 00 noconfirm => Q1ET001D
reprint 00002 => ok
reprint 77777 => QRNER016
status => ok
status R-fixed => ok
status R-never => UNKNOWN_ID
interim => ok
daily => ok
practice on
pay 100 => ok
daily => ok
practice off
abort => NOT_ABORTABLE
`
	if err := pos.RunScript(strings.NewReader(script), true); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	o := out.String()
	if !strings.Contains(o, "(replayed)") {
		t.Errorf("no replayed result:\n%s", o)
	}
	if !strings.Contains(o, "練習") {
		t.Errorf("no practice receipt:\n%s", o)
	}

	// A customer who holds nothing up: the payment waits, a second request
	// is BUSY, then abort ends the first.
	customer.Choose("none", "ok", string(codes.QR))
	script = `
pay 300 & => ABORTED
pay 400 => BUSY
abort => ok
wait
`
	if err := pos.RunScript(strings.NewReader(script), true); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if st := term.State(); st.Phase != app.PhaseIdle {
		t.Errorf("after abort the terminal shows %s", st.Phase)
	}
	// A refund waiting for [OK] on the terminal.
	customer.Choose("PayPay", "ok", string(codes.QR))
	pos.RunScript(strings.NewReader("pay 800 => ok"), true)
	done := make(chan *app.Result, 1)
	go func() { r, _ := pos.Command("refund slip 00004"); done <- pos.Do(r) }()
	deadline := time.Now().Add(10 * time.Second)
	for term.State().Phase != app.PhaseConfirm {
		if time.Now().After(deadline) {
			t.Fatalf("the cancel confirmation never came; the terminal shows %s", term.State().Phase)
		}
		time.Sleep(20 * time.Millisecond)
	}
	term.Answer(1)
	if r := <-done; r == nil || !r.OK || r.Txn.Kind != "cancel" || r.Txn.OriginalSlipNo != "00004" {
		t.Fatalf("refund with confirmation: %+v\n%s", r, out.String())
	}
}

func TestBadRequestsNameTheField(t *testing.T) {
	pos, _, _, out := posOverPty(t)
	for _, c := range []struct{ body, code, field string }{
		{`{"id":"B-1","op":"payment","amount":-5}`, "BAD_REQUEST", "amount"},
		{`{"id":"B-2","op":"payment","amount":"1980"}`, "BAD_REQUEST", "amount"},
		{`{"id":"B-3","op":"payment"}`, "BAD_REQUEST", "amount"},
		{`{"id":"B-4","op":"refund"}`, "BAD_REQUEST", "slipNo"},
		{`{"id":"B-5","op":"refund","slipNo":"12"}`, "BAD_REQUEST", "slipNo"},
		{`{"id":"B-6","op":"payment","amount":10,"merchantTxnId":"a b"}`, "BAD_REQUEST", "merchantTxnId"},
		{`{"id":"B-7","op":"fly"}`, "UNKNOWN_OP", ""},
		{`{"id":"B-8","op":"payment","amount":10,"practice":"yes"}`, "BAD_REQUEST", "practice"},
		{`{"id":"B-9","op":"ping","futureField":{"x":1}}`, "", ""},
	} {
		r := pos.DoRaw(strings.Split(strings.Split(c.body, `"id":"`)[1], `"`)[0], []byte(c.body))
		if r == nil {
			t.Fatalf("%s: no result\n%s", c.body, out.String())
		}
		if c.code == "" {
			if !r.OK {
				t.Errorf("%s: unknown fields must be ignored: %+v", c.body, r.Error)
			}
			continue
		}
		if r.OK || r.Error.Code != c.code || !strings.Contains(r.Error.Message, c.field) {
			t.Errorf("%s: got %+v, want %s naming %q", c.body, r.Error, c.code, c.field)
		}
	}
}

func TestPossimScriptFailsOnAWrongExpectation(t *testing.T) {
	pos, _, _, _ := posOverPty(t)
	err := pos.RunScript(strings.NewReader("ping => ok\nping => Q1ET0006\n"), true)
	if err == nil || !strings.Contains(err.Error(), "1 expectation(s) failed") {
		t.Fatalf("got %v", err)
	}
	if err := pos.RunScript(strings.NewReader("fly away => ok\n"), true); err == nil {
		t.Error("an unknown command passed")
	}
}

// A day of 1,000 transactions (the capacity) over a real serial line: the
// 中間計 and 日計 results reach the POS, cut to a frame, and the reference
// POS fetches the rest of the report with the receipt op, line for line.
func TestThousandTransactionDayOverASerialLine(t *testing.T) {
	r := newPtyRig(t)
	ctx := context.Background()
	b, _ := codes.BrandByName("PayPay")
	sc, _ := center.ScenarioByName("ok")
	for i := 0; i < 1000; i++ {
		mp := fmt.Sprintf("P-T0001-DAY%04d", i)
		p, err := r.client.CreatePayment(ctx, center.PaymentRequest{MerchantPaymentID: mp, UserAuthorizationID: center.SampleCode(b, sc, false),
			Amount: center.Yen(int64(100 + i)), RequestedAt: time.Now().Unix(), TerminalID: "T0001"})
		if err != nil {
			t.Fatal(err)
		}
		x := store.Txn{Kind: store.KindPayment, CenterID: mp, Brand: p.Brand, Amount: int64(100 + i), At: time.Now().In(app.JST), RequestID: "DAY"}
		if err := r.db.BeginTxn(ctx, &x); err != nil {
			t.Fatal(err)
		}
		if err := r.db.SettleTxn(ctx, x.ID, store.StateDone, p.PaymentID, p.Brand, "", x.At); err != nil {
			t.Fatal(err)
		}
	}
	for _, op := range []string{app.OpInterimTotal, app.OpDailyTotal} {
		r.pos.n++
		res := r.pos.Do(app.Request{Type: "request", ID: fmt.Sprintf("BIG-%s", op), Op: op})
		if res == nil || !res.OK || res.Totals.Total.Sales.Count != 1000 {
			t.Fatalf("%s over the line: %+v\n%s", op, res, tail(r.out.String()))
		}
		if res.Receipt.Truncated || len(res.Receipt.Lines) != res.Receipt.TotalLines || res.Receipt.TotalLines < 2000 {
			t.Fatalf("%s: %d of %d lines put together", op, len(res.Receipt.Lines), res.Receipt.TotalLines)
		}
		// Every payment is on the report, once.
		joined := strings.Join(res.Receipt.Lines, "\n")
		for _, amount := range []string{"100", "1,099"} {
			if !strings.Contains(joined, amount) {
				t.Errorf("%s: ¥%s is not on the report", op, amount)
			}
		}
	}
	if !strings.Contains(r.out.String(), "frames") {
		t.Errorf("the report did not need several frames:\n%s", tail(r.out.String()))
	}
}

func tail(s string) string {
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}

// Two runs of possim in the same second must not reuse a request id (the
// terminal would answer the second run's requests with the first's results).
func TestPossimRunsNeverShareRequestIDs(t *testing.T) {
	a, b := NewPOS(io.Discard), NewPOS(io.Discard)
	ra, err1 := a.Command("ping")
	rb, err2 := b.Command("ping")
	if err1 != nil || err2 != nil || ra.ID == rb.ID {
		t.Fatalf("ids %q and %q (%v %v)", ra.ID, rb.ID, err1, err2)
	}
}
