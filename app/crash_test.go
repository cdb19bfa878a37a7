package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"codepay/app/center"
	"codepay/device/camera"
	"codepay/device/codes"
	"codepay/store"
)

// TestMain doubles as the terminal process of the power-failure tests:
// with CODEPAY_CHILD set, the test binary is a terminal that recovers,
// runs the requests given in its arguments and prints their results.
func TestMain(m *testing.M) {
	if os.Getenv("CODEPAY_CHILD") == "1" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

func runChild() int {
	dbPath, url, codeImg := os.Args[1], os.Args[2], os.Args[3]
	if at := os.Getenv("CODEPAY_CRASH_AT"); at != "" {
		crashPoint = func(p string) {
			if p == at {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {}
			}
		}
	}
	db, err := store.Open(dbPath)
	if err != nil {
		fmt.Println("open:", err)
		return 2
	}
	cl, _ := center.NewClient(center.Config{BaseURL: url, APIKey: "key1", APISecret: "secret1", TerminalID: "T0001",
		PayTimeout: 2 * time.Second, OtherTimeout: 2 * time.Second, SettleFor: 3 * time.Second, RetryEvery: 100 * time.Millisecond})
	var cam camera.Camera
	if codeImg == "demo" {
		// A fresh single-use PayPay code at every scan.
		d := camera.NewDemo(NewDemoCustomer().Present)
		d.Delay, d.FPS = 30*time.Millisecond, 60
		cam = d
	} else if cam, err = camera.NewFile(codeImg); err != nil {
		fmt.Println("camera:", err)
		return 2
	}
	term := New(Config{TerminalID: "T0001", ResultHold: time.Hour}, db, cl, cam, codes.NewReader())
	if err := term.Recover(context.Background()); err != nil {
		fmt.Println("recover:", err)
		return 2
	}
	for _, body := range os.Args[4:] {
		done := make(chan struct{})
		term.Handle([]byte(body), func(msg any) {
			if r, ok := msg.(*Result); ok {
				b, _ := json.Marshal(r)
				fmt.Println(string(b))
				close(done)
			}
		})
		<-done
	}
	return 0
}

// crashRig runs terminal processes against one simulator and one store file.
type crashRig struct {
	t        *testing.T
	dir      string
	url      string
	client   *center.Client
	sim      *center.Sim
	mu       sync.Mutex
	onCreate func()
}

func newCrashRig(t *testing.T) *crashRig {
	c := &crashRig{t: t, dir: t.TempDir()}
	sim, err := center.NewSim(center.SimOptions{Keys: map[string]string{"key1": "secret1"}, DBPath: filepath.Join(c.dir, "sim.db")})
	if err != nil {
		t.Fatal(err)
	}
	c.sim = sim
	h := sim.Handler()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		f := c.onCreate
		c.mu.Unlock()
		if f != nil && (r.Method == "POST" && (r.URL.Path == "/v2/payments" || r.URL.Path == "/v2/refunds") || r.Method == "DELETE") {
			// The whole request has arrived: the terminal dies waiting
			// for the answer, and the center goes on to charge.
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			f()
		}
		h.ServeHTTP(w, r)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close(); sim.Close() })
	c.url = "http://" + l.Addr().String()
	c.client, _ = center.NewClient(center.Config{BaseURL: c.url, APIKey: "key1", APISecret: "secret1", TerminalID: "T0001"})
	return c
}

// code writes a fresh single-use PayPay code image.
func (c *crashRig) code() string {
	b, _ := codes.BrandByName("PayPay")
	img, _ := codes.Encode(center.SampleCode(b, center.Scenarios[0], true), codes.QR, 300)
	p := filepath.Join(c.dir, fmt.Sprintf("code-%d.png", time.Now().UnixNano()))
	f, _ := os.Create(p)
	png.Encode(f, img)
	f.Close()
	return p
}

// run starts a terminal process; crashAt names the point where it kills
// itself, and killOnSend kills it once a payment, cancel or refund request
// reached the center.
func (c *crashRig) run(crashAt string, killOnSend bool, db, codeImg string, bodies ...string) (results []Result, killed bool) {
	return c.runKillAfter(crashAt, killOnSend, 0, db, codeImg, bodies...)
}

// runKillAfter also SIGKILLs the process after killAfter (0: never).
func (c *crashRig) runKillAfter(crashAt string, killOnSend bool, killAfter time.Duration, db, codeImg string, bodies ...string) (results []Result, killed bool) {
	cmd := exec.Command(os.Args[0], append([]string{db, c.url, codeImg}, bodies...)...)
	cmd.Env = append(os.Environ(), "CODEPAY_CHILD=1", "CODEPAY_CRASH_AT="+crashAt)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	if killAfter > 0 {
		timer := time.AfterFunc(killAfter, func() { cmd.Process.Signal(syscall.SIGKILL) })
		defer timer.Stop()
	}
	if killOnSend {
		c.mu.Lock()
		c.onCreate = func() { cmd.Process.Signal(syscall.SIGKILL) }
		c.mu.Unlock()
		defer func() { c.mu.Lock(); c.onCreate = nil; c.mu.Unlock() }()
	}
	sc := bufio.NewScanner(out)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			killed = true
		} else {
			c.t.Fatalf("terminal process failed: %v\n%s", err, strings.Join(lines, "\n"))
		}
	}
	for _, l := range lines {
		var r Result
		if json.Unmarshal([]byte(l), &r) != nil {
			c.t.Fatalf("child said %q", l)
		}
		results = append(results, r)
	}
	return results, killed
}

// powerBack restarts the terminal after a kill: recovery settles, then the
// POS asks about its request (status) and sends it again. The request must
// have one final result, replayed on the resend. The terminal's records,
// what the POS was told and the center's own records are then reconciled.
func (c *crashRig) powerBack(t *testing.T, db, codeImg, id, body string) (Result, center.Ledger) {
	t.Helper()
	status := fmt.Sprintf(`{"type":"request","id":"S-%s","op":"status","queryId":"%s"}`, id, id)
	res, killed := c.run("", false, db, codeImg, status, body)
	if killed || len(res) != 2 || res[0].Result == nil {
		t.Fatalf("restart: killed=%v %+v", killed, res)
	}
	var final Result
	if err := json.Unmarshal(res[0].Result, &final); err != nil {
		t.Fatalf("status has no final result: %+v", res[0])
	}
	if !res[1].Replayed || res[1].OK != final.OK {
		t.Errorf("the resend must replay the same result: %+v vs %+v", res[1], final)
	}
	sdb, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	return final, reconcile(t, sdb, c.sim)
}

func TestPowerFailureAtEveryPointOfAPayment(t *testing.T) {
	points := []struct {
		name       string
		killOnSend bool
	}{
		{"before_intent", false}, {"after_intent", false}, {"after_send", true}, {"after_answer", false}, {"before_commit", false},
	}
	for i, pt := range points {
		t.Run(pt.name, func(t *testing.T) {
			// A center of its own: its records are this payment's alone.
			c := newCrashRig(t)
			db := filepath.Join(c.dir, fmt.Sprintf("term-%d.db", i))
			id := fmt.Sprintf("R-%d", i)
			pay := fmt.Sprintf(`{"type":"request","id":"%s","op":"payment","amount":1000}`, id)
			crashAt := pt.name
			if pt.killOnSend {
				crashAt = ""
			}
			res, killed := c.run(crashAt, pt.killOnSend, db, c.code(), pay)
			if !killed || len(res) != 0 {
				t.Fatalf("the terminal was not killed at %s (results %+v)", pt.name, res)
			}
			final, ledger := c.powerBack(t, db, c.code(), id, pay)
			charged := 0
			for _, p := range ledger.Payments {
				if !p.Canceled {
					charged++
				}
			}
			if final.OK != (charged == 1) || charged > 1 {
				t.Errorf("POS result ok=%v, the center holds %d charges", final.OK, charged)
			}
			if pt.killOnSend && len(ledger.Payments) != 1 {
				t.Errorf("the request reached the center but it holds %d payments", len(ledger.Payments))
			}
			t.Logf("%s: final ok=%v code=%v charged=%d", pt.name, final.OK, final.Error, charged)
		})
	}
}

// TestPowerFailureAtEveryPointOfAReversal: a cancel (same day) and a
// refund (after the 日計) killed at each step. After the restart the POS
// gets one final result, a resend replays it, and the center's records
// agree with the terminal's: the reversal happened there exactly when the
// terminal says it did.
func TestPowerFailureAtEveryPointOfAReversal(t *testing.T) {
	points := []struct {
		name       string
		killOnSend bool
	}{
		{"reversal_after_intent", false}, {"on_send", true}, {"reversal_after_answer", false}, {"before_commit", false},
	}
	for _, kind := range []string{"cancel", "refund"} {
		for i, pt := range points {
			t.Run(kind+"/"+pt.name, func(t *testing.T) {
				c := newCrashRig(t)
				db := filepath.Join(c.dir, "term.db")
				res, _ := c.run("", false, db, c.code(), `{"type":"request","id":"P","op":"payment","amount":1500,"merchantTxnId":"M1"}`)
				if len(res) != 1 || !res[0].OK {
					t.Fatalf("payment: %+v", res)
				}
				if kind == "refund" {
					// After the 日計 a reversal is a refund.
					if res, _ := c.run("", false, db, "demo", `{"type":"request","id":"D","op":"daily_total"}`); len(res) != 1 || !res[0].OK {
						t.Fatalf("daily: %+v", res)
					}
				}
				id := fmt.Sprintf("X-%d", i)
				body := fmt.Sprintf(`{"type":"request","id":"%s","op":"refund","slipNo":"%s","confirm":false}`, id, res[0].Txn.SlipNo)
				crashAt := pt.name
				if pt.killOnSend {
					crashAt = ""
				}
				if res, killed := c.run(crashAt, pt.killOnSend, db, "demo", body); !killed || len(res) != 0 {
					t.Fatalf("not killed at %s: %+v", pt.name, res)
				}
				final, ledger := c.powerBack(t, db, "demo", id, body)
				if len(ledger.Payments) != 1 {
					t.Fatalf("the center holds %d payments", len(ledger.Payments))
				}
				p := ledger.Payments[0]
				reversed := p.Canceled || len(p.Refunds) > 0
				if final.OK != reversed {
					t.Errorf("POS told ok=%v (%+v); the center reversed it: %v", final.OK, final.Error, reversed)
				}
				if kind == "refund" && p.Canceled {
					t.Errorf("a refund after the 日計 was made as a cancel")
				}
				t.Logf("%s %s: ok=%v %v", kind, pt.name, final.OK, final.Error)
			})
		}
	}
}

// A power failure after the center closed the day but before the terminal
// stored the report: at restart the same 日計 is fetched again (same
// merchantTotalsId), stored and cleared, so the two agree.
func TestPowerFailureDuringDailyTotal(t *testing.T) {
	c := newCrashRig(t)
	db := filepath.Join(c.dir, "daily.db")
	res, killed := c.run("", false, db, "demo", `{"type":"request","id":"P-1","op":"payment","amount":1234}`)
	if killed || len(res) != 1 || !res[0].OK {
		t.Fatalf("payment: %+v", res)
	}
	daily := `{"type":"request","id":"D-1","op":"daily_total"}`
	if _, killed := c.run("after_totals", false, db, "demo", daily); !killed {
		t.Fatal("not killed after the center's totals")
	}
	res, _ = c.run("", false, db, "demo", `{"type":"request","id":"S-1","op":"status","queryId":"D-1"}`, daily)
	var final Result
	if len(res) != 2 || json.Unmarshal(res[0].Result, &final) != nil || !final.OK || final.Totals == nil || final.Totals.Total.Sales.Amount != 1234 {
		t.Fatalf("recovered 日計: %+v / %s", res, res[0].Result)
	}
	if !res[1].Replayed || res[1].Totals.SequenceNo != final.Totals.SequenceNo {
		t.Errorf("resend: %+v", res[1])
	}
	sdb, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if h, _ := sdb.History(context.Background(), false, 10); len(h) != 0 {
		t.Errorf("the closed day is still in the reprint list: %d", len(h))
	}
	if reps, _ := sdb.Reports(context.Background(), "DAILY", false, 10); len(reps) != 1 {
		t.Errorf("%d daily reports stored", len(reps))
	}
	if in, err := c.client.InterimTotals(context.Background()); err != nil || in.Total.Sales.Count != 0 {
		t.Errorf("the center's day is not closed: %+v %v", in.Total, err)
	}
	reconcile(t, sdb, c.sim)
}
