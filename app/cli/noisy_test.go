package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
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

// noisy copies bytes from src to dst, dropping a tenth of the ACKs and
// flipping a bit in perByte of every 10000 bytes, and in perChunk of every
// 10000 chunks (a frame or control byte as it goes over the line).
func noisy(dst io.Writer, src io.Reader, rng *rand.Rand, mu *sync.Mutex, perByte, perChunk int) {
	buf := make([]byte, 512)
	for {
		n, err := src.Read(buf)
		out := buf[:0]
		mu.Lock()
		for _, b := range buf[:n] {
			if b == poslink.ACK && rng.IntN(10) == 0 {
				continue // the ACK is lost
			}
			if rng.IntN(10000) < perByte {
				b ^= 1 << rng.IntN(8)
			}
			out = append(out, b)
		}
		if len(out) > 0 && rng.IntN(10000) < perChunk {
			out[rng.IntN(len(out))] ^= 1 << rng.IntN(8)
		}
		mu.Unlock()
		if len(out) > 0 {
			if _, werr := dst.Write(out); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

type duplex struct {
	io.Reader
	io.Writer
}

// TestFaultNoisyLine sends payments over a line that damages 1% of the
// frames and loses a tenth of the ACKs (150 requests here, 1000 under make
// soak). The POS resends a request it got no result for; every request is
// answered, its answers all agree, and each payment was made exactly once.
//
// A result with a receipt is about 700 bytes: at 1% of *bytes* damaged it
// would arrive intact once in a thousand sendings, which no stop-and-wait
// protocol without fragmentation can carry; TestFaultNoisyLineBytes runs
// that rate on the small requests.
func TestFaultNoisyLine(t *testing.T) {
	n := 150
	if os.Getenv("CODEPAY_SOAK") != "" {
		n = 1000
	}
	noisyRun(t, n, 0, 100, app.OpPayment)
}

// TestFaultNoisyLineBytes: 1% of the bytes damaged and ACKs lost, with
// requests whose frames are small (ping).
func TestFaultNoisyLineBytes(t *testing.T) {
	n := 60
	if os.Getenv("CODEPAY_SOAK") != "" {
		n = 1000
	}
	noisyRun(t, n, 100, 0, app.OpPing)
}

func noisyRun(t *testing.T, n, perByte, perChunk int, op string) {
	sim, err := center.NewSim(center.SimOptions{Keys: map[string]string{"k": "s"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	url, stopSim, err := sim.ServeLoopback()
	if err != nil {
		t.Fatal(err)
	}
	defer stopSim()
	cl, _ := center.NewClient(center.Config{BaseURL: url, APIKey: "k", APISecret: "s", TerminalID: "T0001"})
	db, err := store.Open(filepath.Join(t.TempDir(), "codepay.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cam := camera.NewDemo(app.NewDemoCustomer().Present)
	cam.Delay, cam.FPS = 0, 200
	term := app.New(app.Config{TerminalID: "T0001", ResultHold: time.Millisecond, Capacity: 100000}, db, cl, cam, codes.NewReader())
	term.Recover(context.Background())

	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	defer slave.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := poslink.Options{T1: 80 * time.Millisecond, T2: 60 * time.Millisecond}
	var sess *poslink.Session
	sess = poslink.NewSession(opt, func(body []byte) {
		term.Handle(body, func(msg any) {
			b, _ := json.Marshal(msg)
			sess.Send(b)
		})
	})
	port, err := poslink.OpenSerial(slave.Name(), 115200)
	if err != nil {
		t.Fatal(err)
	}
	go sess.Run(ctx, port)

	// The POS talks through the noise to the pty master.
	posIn, toPos := io.Pipe()
	fromPos, posOut := io.Pipe()
	rng := rand.New(rand.NewPCG(5, 9))
	var mu sync.Mutex
	go noisy(toPos, master, rng, &mu, perByte, perChunk)
	go noisy(master, fromPos, rng, &mu, perByte, perChunk)
	pos := NewPOS(io.Discard)
	pos.Session = poslink.NewSession(opt, pos.onBody)
	go pos.Session.Run(ctx, duplex{posIn, posOut})
	pos.Timeout = time.Second

	answers := map[string][]*app.Result{}
	resends := 0
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("N-%04d", i)
		// Real payments: each one reaches the simulator and charges.
		req := app.Request{Type: "request", ID: id, Op: op}
		if op == app.OpPayment {
			req.Amount = int64(100 + i)
		}
		var res *app.Result
		for try := 0; try < 20 && res == nil; try++ {
			if try > 0 {
				resends++
			}
			res = pos.Do(req)
		}
		if res == nil {
			t.Fatalf("%s never answered", id)
		}
		answers[id] = append(answers[id], res)
		// Ask once more, as a POS does after trouble: the answer must agree.
		var again *app.Result
		for try := 0; try < 20 && again == nil; try++ {
			again = pos.Do(req)
		}
		if again == nil || again.OK != res.OK || (op == app.OpPayment && !again.Replayed) || (res.Txn != nil && again.Txn.SlipNo != res.Txn.SlipNo) {
			t.Fatalf("%s: first %+v, again %+v", id, res, again)
		}
	}
	txns, _ := db.AllTxns(context.Background())
	made := map[string]int{}
	for _, x := range txns {
		made[x.RequestID]++
	}
	paid := 0
	for id, a := range answers {
		if op == app.OpPayment && a[0].OK {
			paid++
			if made[id] != 1 {
				t.Errorf("%s: %d payments made", id, made[id])
			}
		}
	}
	// The center's own records: one charge per payment reported paid, each
	// one the terminal's, none reversed, none more.
	ledger, err := sim.Ledger()
	if err != nil {
		t.Fatal(err)
	}
	byCenterID := map[string]store.Txn{}
	for _, x := range txns {
		byCenterID[x.CenterID] = x
	}
	for _, p := range ledger.Payments {
		x, ok := byCenterID[p.MerchantPaymentID]
		if !ok || x.State != store.StateDone || p.Canceled || x.Practice {
			t.Errorf("center payment %s ¥%d (canceled %v): terminal has %+v", p.MerchantPaymentID, p.Amount, p.Canceled, x)
		}
	}
	if op == app.OpPayment && (len(ledger.Payments) != paid || paid != n) {
		t.Errorf("%d of %d payments reported paid, the center holds %d", paid, n, len(ledger.Payments))
	}
	t.Logf("%d requests, %d paid at the center, %d resends by the POS", n, len(ledger.Payments), resends)
}
