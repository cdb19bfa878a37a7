package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"codepay/app"
	"codepay/device/poslink"
)

// Possim is the POS simulator: an interactive (or scripted) register on a
// serial port, speaking the POS link protocol to a terminal.
func Possim(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("possim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.String("port", "", "serial port of the terminal's line (required)")
	baud := fs.Int("baud", 115200, "serial speed")
	script := fs.String("script", "", "run the commands of this file and exit (non-zero when an expectation fails)")
	timeout := fs.Duration("timeout", 2*time.Minute, "how long to wait for a result")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *port == "" {
		return errors.New("possim: --port is required")
	}
	in := stdin
	if *script != "" {
		f, err := os.Open(*script)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pos := NewPOS(stdout)
	pos.Timeout = *timeout
	go poslink.Keep(ctx, pos.Session, func() (io.ReadWriteCloser, error) { return poslink.OpenSerial(*port, *baud) },
		func(open bool, err error) {
			if err != nil {
				fmt.Fprintf(stderr, "possim: line: %v\n", err)
			}
		})
	return pos.RunScript(in, *script != "")
}

// POS is the register side of the link: it numbers requests, prints what
// comes back and checks scripted expectations.
type POS struct {
	Session  *poslink.Session
	Timeout  time.Duration
	out      io.Writer
	mu       sync.Mutex
	results  map[string]chan *app.Result
	n        int
	tag      string // this run's random part of request ids
	practice bool
	lastID   string
	outMu    sync.Mutex
}

// NewPOS makes a POS printing to out.
func NewPOS(out io.Writer) *POS {
	p := &POS{out: out, results: map[string]chan *app.Result{}, Timeout: 2 * time.Minute}
	p.Session = poslink.NewSession(poslink.Options{}, p.onBody)
	return p
}

func (p *POS) printf(format string, args ...any) {
	p.outMu.Lock()
	defer p.outMu.Unlock()
	fmt.Fprintf(p.out, format, args...)
}

func (p *POS) onBody(body []byte) {
	var hdr struct {
		Type  string `json:"type"`
		ID    string `json:"id"`
		Event string `json:"event"`
	}
	if json.Unmarshal(body, &hdr) != nil {
		return
	}
	if hdr.Type == "event" {
		p.printf("  event %s %s\n", hdr.ID, hdr.Event)
		if hdr.Event == app.EvSettled {
			// An unknown outcome settled in the background: its final result.
			var ev app.Event
			if json.Unmarshal(body, &ev) == nil && ev.Result != nil {
				p.printResult(ev.Result)
			}
		}
		return
	}
	var res app.Result
	if json.Unmarshal(body, &res) != nil {
		return
	}
	p.printResult(&res)
	p.mu.Lock()
	ch := p.results[res.ID]
	p.mu.Unlock()
	if ch != nil {
		select {
		case ch <- &res:
		default:
		}
	}
}

func (p *POS) printResult(r *app.Result) {
	var b strings.Builder
	if r.OK {
		fmt.Fprintf(&b, "result %s %s ok", r.ID, r.Op)
	} else {
		fmt.Fprintf(&b, "result %s %s NG %s %s", r.ID, r.Op, r.Error.Code, strings.ReplaceAll(r.Error.Message, "\n", " "))
	}
	if r.Replayed {
		b.WriteString(" (replayed)")
	}
	if r.Txn != nil {
		fmt.Fprintf(&b, " slip=%s brand=%s amount=%d kind=%s", r.Txn.SlipNo, r.Txn.Brand, r.Txn.Amount, r.Txn.Kind)
	}
	if r.State != "" {
		fmt.Fprintf(&b, " state=%s running=%s", r.State, r.Running)
	}
	if len(r.Result) > 0 {
		fmt.Fprintf(&b, " result=%s", r.Result)
	}
	b.WriteByte('\n')
	if r.Receipt != nil {
		for _, l := range r.Receipt.Lines {
			b.WriteString("  | " + l + "\n")
		}
	}
	p.printf("%s", b.String())
}

// Command turns a command line into a request; ok is false for a blank line.
func (p *POS) Command(line string) (app.Request, error) {
	f := strings.Fields(line)
	p.n++
	// Unique across runs, even two in the same second: a random part.
	req := app.Request{Type: "request", ID: fmt.Sprintf("R%s-%s-%04d", time.Now().Format("060102150405"), p.runTag(), p.n), Practice: p.practice}
	num := func(i int) (int64, error) {
		if i >= len(f) {
			return 0, fmt.Errorf("%s: a number is missing", f[0])
		}
		return strconv.ParseInt(f[i], 10, 64)
	}
	var err error
	switch f[0] {
	case "pay":
		req.Op = app.OpPayment
		req.Amount, err = num(1)
		if len(f) > 2 {
			req.MerchantTxnID = f[2]
		}
	case "refund":
		req.Op = app.OpRefund
		for i := 1; i < len(f); i++ {
			switch f[i] {
			case "slip":
				i++
				if i < len(f) {
					req.SlipNo = f[i]
				}
			case "mtxn":
				i++
				if i < len(f) {
					req.MerchantTxnID = f[i]
				}
			case "amount":
				i++
				req.Amount, err = num(i)
			case "noconfirm":
				no := false
				req.Confirm = &no
			}
		}
	case "reprint":
		req.Op = app.OpReprint
		if len(f) > 1 {
			req.SlipNo = f[1]
		}
	case "daily":
		req.Op = app.OpDailyTotal
	case "interim":
		req.Op = app.OpInterimTotal
	case "status":
		req.Op = app.OpStatus
		if len(f) > 1 {
			req.QueryID = f[1]
		}
	case "abort":
		req.Op = app.OpAbort
		if len(f) > 1 {
			req.Target = f[1]
		}
	case "ping":
		req.Op = app.OpPing
	case "id":
		// "id X CMD...": send CMD with a chosen request id (to test replays).
		if len(f) < 3 {
			return req, errors.New("id: want id ID COMMAND")
		}
		r, err := p.Command(strings.Join(f[2:], " "))
		r.ID = f[1]
		return r, err
	default:
		return req, fmt.Errorf("unknown command %q (pay, refund, reprint, daily, interim, status, abort, ping, practice, id, wait)", f[0])
	}
	return req, err
}

// RunScript reads commands line by line. "CMD => ok" or "CMD => CODE"
// states the expected result; "CMD &" does not wait for it; "wait" waits
// for everything sent. In strict mode (a script) the first failed
// expectation is remembered and returned at the end.
func (p *POS) RunScript(in io.Reader, strict bool) error {
	sc := bufio.NewScanner(in)
	var failed []string
	var pending sync.WaitGroup
	check := func(line, want string, res *app.Result) {
		if want == "" {
			return
		}
		got := "ok"
		if res == nil {
			got = "no result"
		} else if !res.OK {
			got = res.Error.Code
		}
		if got != want {
			msg := fmt.Sprintf("%q: want %s, got %s", line, want, got)
			p.printf("EXPECTATION FAILED %s\n", msg)
			failed = append(failed, msg)
		}
	}
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cmd, want, _ := strings.Cut(line, "=>")
		cmd, want = strings.TrimSpace(cmd), strings.TrimSpace(want)
		async := strings.HasSuffix(cmd, "&")
		cmd = strings.TrimSpace(strings.TrimSuffix(cmd, "&"))
		switch {
		case cmd == "wait":
			pending.Wait()
			continue
		case strings.HasPrefix(cmd, "practice"):
			p.practice = strings.HasSuffix(cmd, "on")
			p.printf("practice %v\n", p.practice)
			continue
		case strings.HasPrefix(cmd, "sleep "):
			d, err := time.ParseDuration(strings.TrimPrefix(cmd, "sleep "))
			if err == nil {
				time.Sleep(d)
			}
			continue
		}
		req, err := p.Command(cmd)
		if err != nil {
			p.printf("error: %v\n", err)
			if strict {
				failed = append(failed, err.Error())
			}
			continue
		}
		if async {
			pending.Add(1)
			go func() {
				defer pending.Done()
				check(line, want, p.Do(req))
			}()
			time.Sleep(200 * time.Millisecond) // let it start before the next line
			continue
		}
		check(line, want, p.Do(req))
	}
	pending.Wait()
	if len(failed) > 0 {
		return fmt.Errorf("possim: %d expectation(s) failed: %s", len(failed), strings.Join(failed, "; "))
	}
	return sc.Err()
}

// Do sends a request and waits for its final result (nil on time-out). A
// receipt too long for one frame comes cut; the rest is fetched with the
// receipt op, page by page, and put together.
func (p *POS) Do(req app.Request) *app.Result {
	req.Seq = 0
	body, _ := json.Marshal(req)
	res := p.DoRaw(req.ID, body)
	for page := 1; res != nil && res.Receipt != nil && res.Receipt.Next > 0; page++ {
		p.n++
		id := fmt.Sprintf("%s-P%d", req.ID, page)
		if len(id) > 32 {
			id = fmt.Sprintf("RP%s-%04d", p.runTag(), p.n)
		}
		q, _ := json.Marshal(app.Request{Type: "request", ID: id, Op: app.OpReceipt, QueryID: req.ID, From: &res.Receipt.Next})
		more := p.DoRaw(id, q)
		if more == nil || !more.OK || more.Receipt == nil || more.Receipt.From != res.Receipt.Next {
			p.printf("receipt of %s: page from line %d missing\n", req.ID, res.Receipt.Next)
			return res
		}
		res.Receipt.Lines = append(res.Receipt.Lines, more.Receipt.Lines...)
		res.Receipt.Next = more.Receipt.Next
		if res.Receipt.Next == 0 {
			res.Receipt.Truncated = false
			p.printf("receipt of %s: %d lines in %d frames\n", req.ID, len(res.Receipt.Lines), page+1)
		}
	}
	return res
}

// DoRaw sends a request body as it is (to test the terminal's validation)
// and waits for the final result with that id.
func (p *POS) DoRaw(id string, body []byte) *app.Result {
	ch := make(chan *app.Result, 1)
	p.mu.Lock()
	p.results[id] = ch
	p.lastID = id
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.results, id)
		p.mu.Unlock()
	}()
	p.printf("> %s\n", body)
	p.Session.Send(body)
	select {
	case r := <-ch:
		return r
	case <-time.After(p.Timeout):
		p.printf("no result for %s within %s\n", id, p.Timeout)
		return nil
	}
}

// runTag is this run's random part of request ids.
func (p *POS) runTag() string {
	if p.tag == "" {
		b := make([]byte, 3)
		rand.Read(b)
		p.tag = hex.EncodeToString(b)
	}
	return p.tag
}
