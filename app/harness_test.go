package app

import (
	"context"
	"image"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"codepay/app/center"
	"codepay/device/camera"
	"codepay/device/codes"
	"codepay/store"
)

// rig is a terminal on all of its real parts: the SQLite file in a temp
// folder, the simulator over HTTP on loopback, the demo camera showing
// code images that the real reader decodes.
type rig struct {
	t      testing.TB
	term   *Terminal
	db     *store.DB
	sim    *center.Sim
	client *center.Client
	url    string

	mu      sync.Mutex
	present image.Image
}

func newRig(t testing.TB, simOpt center.SimOptions) *rig {
	t.Helper()
	r := &rig{t: t}
	if simOpt.Keys == nil {
		simOpt.Keys = map[string]string{"key1": "secret1"}
	}
	simOpt.DBPath = filepath.Join(t.TempDir(), "sim.db")
	sim, err := center.NewSim(simOpt)
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := sim.ServeLoopback()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(); sim.Close() })
	r.sim, r.url = sim, url
	r.client, err = center.NewClient(center.Config{BaseURL: r.url, APIKey: "key1", APISecret: "secret1", MerchantID: "M001", TerminalID: "T0001",
		PayTimeout: 2 * time.Second, OtherTimeout: 2 * time.Second, SettleFor: 3 * time.Second, RetryEvery: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	r.db, err = store.Open(filepath.Join(t.TempDir(), "codepay.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.db.Close() })
	cam := camera.NewDemo(func() image.Image {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.present
	})
	cam.Delay = 100 * time.Millisecond
	cam.FPS = 30
	r.term = New(Config{TerminalID: "T0001", MerchantName: "テスト商店", Capacity: 100, ResultHold: time.Hour}, r.db, r.client, cam, codes.NewReader())
	if err := r.term.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

// hold makes the demo camera show a fresh code of brand and scenario.
func (r *rig) hold(brand, scenario string, f codes.Format) string {
	b, ok := codes.BrandByName(brand)
	if !ok {
		r.t.Fatalf("no brand %s", brand)
	}
	sc, ok := center.ScenarioByName(scenario)
	if !ok {
		r.t.Fatalf("no scenario %s", scenario)
	}
	text := center.SampleCode(b, sc, f == codes.QR)
	img, err := codes.Encode(text, f, 300)
	if err != nil {
		r.t.Fatal(err)
	}
	r.mu.Lock()
	r.present = img
	r.mu.Unlock()
	return text
}

// do sends a request and collects its events until the final result.
func (r *rig) do(body string, during ...func(ev string)) (*Result, []string) {
	r.t.Helper()
	done := make(chan *Result, 1)
	var mu sync.Mutex
	var events []string
	r.term.Handle([]byte(body), func(msg any) {
		switch m := msg.(type) {
		case *Event:
			mu.Lock()
			events = append(events, m.Event)
			mu.Unlock()
			for _, f := range during {
				go f(m.Event)
			}
		case *Result:
			done <- m
		}
	})
	select {
	case res := <-done:
		mu.Lock()
		defer mu.Unlock()
		return res, append([]string(nil), events...)
	case <-time.After(20 * time.Second):
		s := r.term.State()
		r.t.Fatalf("no result for %s: the terminal is at %s (%s), events %v", body, s.Phase, s.ErrorCode, events)
		return nil, nil
	}
}
