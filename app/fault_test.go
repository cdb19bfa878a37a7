package app

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"codepay/app/center"
	"codepay/device/codes"
	"codepay/store"
)

// soak tells whether the long fault runs were asked for (make soak).
func soak() bool { return os.Getenv("CODEPAY_SOAK") != "" }

// TestFaultRandomKills SIGKILLs the terminal at random moments of
// payments, refunds and totals (10 kills here, 100 under make soak). After
// each restart every request has exactly one final result, a resend
// replays it, nothing is left unsettled and the terminal and the simulator
// agree on every payment.
func TestFaultRandomKills(t *testing.T) {
	kills := 10
	if soak() {
		kills = 100
	}
	c := newCrashRig(t)
	db := filepath.Join(c.dir, "term.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	var all []string // every request body sent so far
	killed := 0
	for round := 0; killed < kills && round < kills*4; round++ {
		// A payment, a cancel of it, another payment, then totals.
		pay := fmt.Sprintf(`{"type":"request","id":"K%d-P","op":"payment","amount":%d}`, round, 100+round)
		refund := fmt.Sprintf(`{"type":"request","id":"K%d-R","op":"refund","merchantTxnId":"M%d","confirm":false}`, round, round)
		pay2 := fmt.Sprintf(`{"type":"request","id":"K%d-Q","op":"payment","amount":%d,"merchantTxnId":"M%d"}`, round, 200+round, round)
		tot := fmt.Sprintf(`{"type":"request","id":"K%d-T","op":"%s"}`, round, []string{"interim_total", "daily_total"}[round%2])
		bodies := []string{pay, pay2, refund, tot}
		all = append(all, bodies...)
		_, wasKilled := c.runKillAfter("", false, time.Duration(5+rng.IntN(120))*time.Millisecond, db, "demo", bodies...)
		if wasKilled {
			killed++
		}
		// Power back: recovery, then the POS asks for and resends every
		// request of the round.
		var queries []string
		for i, b := range bodies {
			var r Request
			json.Unmarshal([]byte(b), &r)
			queries = append(queries, fmt.Sprintf(`{"type":"request","id":"S%d-%d","op":"status","queryId":"%s"}`, round, i, r.ID))
		}
		res, again := c.run("", false, db, "demo", append(queries, bodies...)...)
		if again {
			t.Fatal("the restarted terminal died")
		}
		for i := range bodies {
			st, resend := res[i], res[len(bodies)+i]
			if st.OK && st.Result != nil {
				var final Result
				json.Unmarshal(st.Result, &final)
				if !resend.Replayed || resend.OK != final.OK {
					t.Fatalf("round %d %s: stored %+v, resend %+v", round, final.ID, final, resend)
				}
			} else if resend.Replayed {
				t.Fatalf("round %d: never journaled but replayed: %+v", round, resend)
			}
		}
	}
	if killed < kills {
		t.Fatalf("only %d kills happened", killed)
	}
	// A last look: every request has one final result; the records agree.
	var queries []string
	for i, b := range all {
		var r Request
		json.Unmarshal([]byte(b), &r)
		queries = append(queries, fmt.Sprintf(`{"type":"request","id":"Z-%d","op":"status","queryId":"%s"}`, i, r.ID))
	}
	res, _ := c.run("", false, db, "demo", queries...)
	for i, r := range res {
		if !r.OK || r.Result == nil {
			t.Fatalf("%s has no final result: %+v", queries[i], r)
		}
	}
	sdb, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if open, _ := sdb.Unsettled(context.Background()); len(open) != 0 {
		t.Fatalf("unsettled after recovery: %+v", open)
	}
	reconcile(t, sdb, c.sim)
	t.Logf("%d kills over %d requests", killed, len(all))
}

// TestFaultCenterChaos: latency, 500s before anything and dropped
// connections after the payment (20 payments, 200 under make soak). Every
// payment reaches the center's door (the capacity is above the run), none
// is left unknown, and the center's records agree with the terminal's:
// each charge it kept was reported paid once, each one it reversed was
// reported failed.
func TestFaultCenterChaos(t *testing.T) {
	r := newRig(t, center.SimOptions{FailureRate: 0.25, DropRate: 0.25, Latency: 20 * time.Millisecond})
	n := 20
	if soak() {
		n = 200
	}
	r.term.cfg.Capacity = n + 1
	ok := 0
	failed := map[string]int{}
	for i := 0; i < n; i++ {
		r.hold("PayPay", "ok", codes.QR)
		res, _ := r.do(fmt.Sprintf(`{"type":"request","id":"C-%d","op":"payment","amount":%d}`, i, 100+i))
		switch {
		case res.OK:
			ok++
		case res.Error.OutcomeUnknown:
			t.Fatalf("payment %d left unknown: %+v", i, res.Error)
		case res.Error.Code == CodeDataFull:
			t.Fatalf("payment %d refused for capacity: the run must reach the center", i)
		default:
			failed[res.Error.Code]++
		}
		r.term.Dismiss()
	}
	if open, _ := r.term.Unsettled(context.Background()); len(open) != 0 {
		t.Fatalf("unsettled: %+v", open)
	}
	ledger := reconcile(t, r.db, r.sim)
	kept, reversed := 0, 0
	for _, p := range ledger.Payments {
		if p.Canceled {
			reversed++
		} else {
			kept++
		}
	}
	if kept != ok {
		t.Errorf("%d reported paid, the center kept %d", ok, kept)
	}
	t.Logf("%d payments: %d paid; the center reversed %d it had charged; failed before a charge: %v", n, ok, reversed, failed)
}

// TestFaultDatabaseGone: a store that cannot be written gives QRNE0105 and
// the POS still gets a result; what was stored before is intact.
func TestFaultDatabaseGone(t *testing.T) {
	r := newRig(t, center.SimOptions{})
	p := r.pay("PayPay", 100, "")
	path := r.db.Path()
	r.db.Close()
	res, _ := r.do(`{"type":"request","id":"DB-1","op":"payment","amount":100}`)
	if res.OK || res.Error.Code != "QRNE0105" {
		t.Fatalf("got %+v", res.Error)
	}
	// On screen too: staff see the database error until they tap [×].
	if s := r.term.State(); s.Phase != PhaseError || s.ErrorCode != "QRNE0105" {
		t.Fatalf("screen shows %s %s", s.Phase, s.ErrorCode)
	}
	r.term.Dismiss()
	waitFor(t, func() bool { return r.term.State().Phase == PhaseIdle })
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if x, err := db.Find(context.Background(), p.Txn.SlipNo, "", "", false, false); err != nil || x.Amount != 100 {
		t.Fatalf("earlier payment lost: %+v %v", x, err)
	}
}
