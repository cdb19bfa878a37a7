package center

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"codepay/device/codes"
)

// simOn runs the simulator over real HTTP on a loopback port.
func simOn(t *testing.T, opt SimOptions) (*Sim, string) {
	t.Helper()
	if opt.Keys == nil {
		opt.Keys = map[string]string{"key1": "secret1"}
	}
	if opt.DBPath == "" {
		opt.DBPath = filepath.Join(t.TempDir(), "sim.db")
	}
	s, err := NewSim(opt)
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := s.ServeLoopback()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(); s.Close() })
	return s, url
}

func clientFor(t *testing.T, url string, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: url, APIKey: "key1", APISecret: "secret1", MerchantID: "M1", TerminalID: "T1",
		PayTimeout: time.Second, OtherTimeout: time.Second, SettleFor: 2 * time.Second, RetryEvery: 100 * time.Millisecond}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func code(t *testing.T, brand, scenario string) string {
	b, ok := codes.BrandByName(brand)
	sc, ok2 := ScenarioByName(scenario)
	if !ok || !ok2 {
		t.Fatalf("no %s/%s", brand, scenario)
	}
	return SampleCode(b, sc, false)
}

var idn int

func pay(c *Client, code string, amount int64) (PaymentRequest, Payment, error) {
	idn++
	req := PaymentRequest{MerchantPaymentID: fmt.Sprintf("P-%d-%d", time.Now().UnixNano(), idn), UserAuthorizationID: code,
		Amount: Yen(amount), RequestedAt: time.Now().Unix(), TerminalID: "T1"}
	p, err := c.Pay(context.Background(), req, nil)
	return req, p, err
}

func wantCode(t *testing.T, err error, want string, unknown bool) {
	t.Helper()
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("error %v, want %s", err, want)
	}
	if e.Code != want || e.Unknown != unknown {
		t.Fatalf("got %s unknown=%v (%v), want %s unknown=%v", e.Code, e.Unknown, e, want, unknown)
	}
}

func TestEveryDefiniteErrorOfTheTable(t *testing.T) {
	_, url := simOn(t, SimOptions{})
	c := clientFor(t, url)
	for _, tc := range []struct{ scenario, code string }{
		{"unknown_code", "Q1ET0002"}, {"other_merchant", "Q1ET0004"}, {"insufficient", "Q1ET0006"}, {"bank_error", "Q1ET0003"},
		{"merchant_limit", "Q1ET0007"}, {"expired", "Q1ET000A"}, {"failed", "Q1ET0030"},
		{"service_error", "Q1ET0012"}, {"maintenance", "Q1ET0028"}, {"rate_limit", "Q1ET0028"},
		{"user_inactive", "Q1ET0050"}, {"invalid_params", "Q1ET0021"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			_, _, err := pay(c, code(t, "PayPay", tc.scenario), 100)
			wantCode(t, err, tc.code, false)
		})
	}
}

func TestSingleUseCodesAndIdempotentRetries(t *testing.T) {
	_, url := simOn(t, SimOptions{})
	c := clientFor(t, url)
	cd := code(t, "d払い", "ok")
	req, p, err := pay(c, cd, 1200)
	if err != nil || p.Status != StatusCompleted || p.Brand != "d払い" {
		t.Fatalf("%+v %v", p, err)
	}
	// The same request again: the same payment, nothing new charged.
	p2, err := c.CreatePayment(context.Background(), req)
	if err != nil || p2.PaymentID != p.PaymentID {
		t.Fatalf("resend gave %+v %v", p2, err)
	}
	// The same id with another amount is refused (Q1ET000B).
	req.Amount = Yen(999)
	_, err = c.CreatePayment(context.Background(), req)
	wantCode(t, err, "Q1ET000B", false)
	// The used code under a new id: Q1ET000A.
	_, _, err = pay(c, cd, 1200)
	wantCode(t, err, "Q1ET000A", false)
}

func TestUnknownOutcomesAreSettledByTheClient(t *testing.T) {
	_, url := simOn(t, SimOptions{SlowDelay: 1500 * time.Millisecond, UnsettledFor: time.Hour})
	c := clientFor(t, url)
	t.Run("slow: time-out, then cancel", func(t *testing.T) {
		req, _, err := pay(c, code(t, "PayPay", "slow"), 500)
		wantCode(t, err, "Q1ET002C", false)
		time.Sleep(time.Second) // the late payment arrives and is reversed at once
		p, err := c.GetPayment(context.Background(), req.MerchantPaymentID)
		if err != nil || p.Status != StatusFailed {
			t.Fatalf("after a timed-out and cancelled payment the center has %+v %v", p, err)
		}
	})
	t.Run("lost after completing: the inquiry finds it", func(t *testing.T) {
		_, p, err := pay(c, code(t, "PayPay", "lost"), 500)
		if err != nil || p.Status != StatusCompleted {
			t.Fatalf("%+v %v", p, err)
		}
	})
	t.Run("500 although done: the inquiry finds it", func(t *testing.T) {
		_, p, err := pay(c, code(t, "au PAY", "error_500_done"), 500)
		if err != nil || p.Status != StatusCompleted {
			t.Fatalf("%+v %v", p, err)
		}
	})
	t.Run("lost before doing anything: settled by cancel", func(t *testing.T) {
		req, _, err := pay(c, code(t, "PayPay", "lost_early"), 500)
		wantCode(t, err, "Q1ET002D", false)
		// A late arrival under the same id would be reversed: nothing charged.
		_, err = c.GetPayment(context.Background(), req.MerchantPaymentID)
		wantCode(t, err, "Q1ET0041", false)
	})
	t.Run("502: settled by cancel", func(t *testing.T) {
		_, _, err := pay(c, code(t, "PayPay", "bad_gateway"), 500)
		wantCode(t, err, "Q1ET002D", false)
	})
	t.Run("nothing settles it: Q1ET0042", func(t *testing.T) {
		var retries int
		var mu sync.Mutex
		idn++
		req := PaymentRequest{MerchantPaymentID: "P-unsettled-1", UserAuthorizationID: code(t, "PayPay", "unsettled"), Amount: Yen(500), RequestedAt: time.Now().Unix()}
		_, err := c.Pay(context.Background(), req, func() { mu.Lock(); retries++; mu.Unlock() })
		wantCode(t, err, "Q1ET0042", true)
		if retries < 2 {
			t.Errorf("%d settlement attempts, want several", retries)
		}
	})
}

func TestNoConnectionAtAll(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	url := "http://" + l.Addr().String()
	l.Close() // nothing listens: the request is never sent
	c := clientFor(t, url)
	_, _, err := pay(c, "900081818800123456789012", 100)
	wantCode(t, err, "Q1ET002E", false)
}

func TestFailureRateIsSettled(t *testing.T) {
	_, url := simOn(t, SimOptions{FailureRate: 1})
	c := clientFor(t, url)
	// Every create is a 500 INTERNAL_SERVER_ERROR before anything happens:
	// the inquiry finds nothing, the cancel settles it.
	_, _, err := pay(c, code(t, "PayPay", "ok"), 100)
	wantCode(t, err, "Q1ET002D", false)
}

func TestCancelWindowAndRefunds(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	_, url := simOn(t, SimOptions{CancelWindow: time.Minute, Now: clock})
	c := clientFor(t, url, func(c *Config) { c.Now = clock })
	ctx := context.Background()

	req, p, err := pay(c, code(t, "PayPay", "ok"), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CancelPayment(ctx, req.MerchantPaymentID); err != nil {
		t.Fatalf("cancel in the window: %v", err)
	}
	err = c.CancelPayment(ctx, req.MerchantPaymentID)
	wantCode(t, err, "Q1ET001C", false)

	req, p, _ = pay(c, code(t, "PayPay", "ok"), 1000)
	mu.Lock()
	now = now.Add(2 * time.Minute) // the window closes
	mu.Unlock()
	err = c.CancelPayment(ctx, req.MerchantPaymentID)
	if e, _ := AsError(err); e == nil || e.CenterCode != "ORDER_NOT_REVERSIBLE" {
		t.Fatalf("cancel after the window: %v", err)
	}
	// PayPay allows no partial refund; the whole amount is fine, once.
	_, err = c.CreateRefund(ctx, RefundRequest{MerchantRefundID: "R-1", PaymentID: p.PaymentID, Amount: Yen(400), RequestedAt: clock().Unix()})
	wantCode(t, err, "Q1ET001E", false)
	rf, err := c.CreateRefund(ctx, RefundRequest{MerchantRefundID: "R-2", PaymentID: p.PaymentID, Amount: Yen(1000), RequestedAt: clock().Unix()})
	if err != nil || rf.Status != StatusRefunded {
		t.Fatalf("refund: %+v %v", rf, err)
	}
	again, err := c.CreateRefund(ctx, RefundRequest{MerchantRefundID: "R-2", PaymentID: p.PaymentID, Amount: Yen(1000), RequestedAt: clock().Unix()})
	if err != nil || again.MerchantRefundID != "R-2" {
		t.Fatalf("refund resend: %+v %v", again, err)
	}
	if got, err := c.GetRefund(ctx, "R-2"); err != nil || got.Amount.Amount != 1000 {
		t.Fatalf("get refund: %+v %v", got, err)
	}
	_, err = c.GetRefund(ctx, "R-none")
	wantCode(t, err, "Q1ET0041", false)

	// d払い allows partial refunds, up to what is left.
	_, p, _ = pay(c, code(t, "d払い", "ok"), 1000)
	if _, err := c.CreateRefund(ctx, RefundRequest{MerchantRefundID: "R-3", PaymentID: p.PaymentID, Amount: Yen(300), RequestedAt: clock().Unix()}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateRefund(ctx, RefundRequest{MerchantRefundID: "R-4", PaymentID: p.PaymentID, Amount: Yen(701), RequestedAt: clock().Unix()})
	wantCode(t, err, "Q1ET001E", false)
	got, _ := c.GetPayment(ctx, p.MerchantPaymentID)
	if len(got.Refunds.Data) != 1 || got.Refunds.Data[0].Amount.Amount != 300 {
		t.Errorf("refunds listed: %+v", got.Refunds)
	}
}

func TestTotalsReplayAndRestart(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "sim.db")
	_, url := simOn(t, SimOptions{DBPath: dbPath})
	c := clientFor(t, url)
	ctx := context.Background()
	pay(c, code(t, "PayPay", "ok"), 1000)
	req, _, _ := pay(c, code(t, "d払い", "ok"), 500)
	c.CancelPayment(ctx, req.MerchantPaymentID)

	interim, err := c.InterimTotals(ctx)
	if err != nil || interim.Kind != "INTERIM" || interim.Total.Sales.Count != 2 || interim.Total.Cancels.Amount != 500 || interim.Total.Net.Amount != 1000 || interim.Total.Net.Count != 1 {
		t.Fatalf("interim: %+v %v", interim, err)
	}
	daily, err := c.DailyTotals(ctx, "D-1")
	if err != nil || daily.SequenceNo != 1 || daily.Total.Net.Amount != 1000 || len(daily.Brands) != 2 {
		t.Fatalf("daily: %+v %v", daily, err)
	}
	again, err := c.DailyTotals(ctx, "D-1")
	if err != nil || again.SequenceNo != 1 || again.Total != daily.Total {
		t.Fatalf("daily replay: %+v %v", again, err)
	}
	after, _ := c.InterimTotals(ctx)
	if after.Total.Sales.Count != 0 {
		t.Errorf("after the close the interim still has %+v", after.Total)
	}

	// A restarted simulator keeps its state.
	_, url2 := simOn(t, SimOptions{DBPath: dbPath})
	c2 := clientFor(t, url2)
	got, err := c2.GetDailyTotals(ctx, "D-1")
	if err != nil || got.SequenceNo != 1 || got.Total.Net.Amount != 1000 {
		t.Fatalf("after restart: %+v %v", got, err)
	}
	if _, err := c2.GetDailyTotals(ctx, "D-none"); err == nil {
		t.Error("unknown totals id found")
	}
}

func TestOnlineTestAndSalesReport(t *testing.T) {
	_, url := simOn(t, SimOptions{Suspended: map[string]bool{"T9": true}})
	c := clientFor(t, url)
	ctx := context.Background()
	o, rtt, err := c.OnlineTest(ctx, "hello")
	if err != nil || o.Echo != "hello" || o.TerminalStatus != "ACTIVE" || rtt <= 0 {
		t.Fatalf("%+v %v %v", o, rtt, err)
	}
	suspended := clientFor(t, url, func(c *Config) { c.TerminalID = "T9" })
	if o, _, _ := suspended.OnlineTest(ctx, "x"); o.TerminalStatus != "SUSPENDED" {
		t.Errorf("suspended terminal: %+v", o)
	}
	f, err := c.SalesReportFormat(ctx)
	if err != nil || len(f.Extra) != 60 || f.NetSales == "" {
		t.Fatalf("format: %+v %v", f, err)
	}
	var rep SalesReport
	rep.MerchantReportID = "SR-1"
	rep.Basic.SalesDate = "20261124"
	rep.Figures.NetSales = 12000
	rep.Figures.Extra = []ReportExtra{{No: 1, Value: 5}, {No: 60, Value: 7}}
	got, err := c.SendSalesReport(ctx, rep)
	if err != nil || got.TerminalID != "T1" {
		t.Fatalf("report: %+v %v", got, err)
	}
	rep.Basic.SalesDate = "2026-11-24"
	rep.MerchantReportID = "SR-2"
	_, err = c.SendSalesReport(ctx, rep)
	if e, _ := AsError(err); e == nil || e.CenterCode != "INVALID_PARAMS" {
		t.Errorf("bad date accepted: %v", err)
	}
}

// An independent OPA client signs with its own Content-Type spelling; the
// simulator checks the raw bytes with the header as received.
func TestIndependentClientSignature(t *testing.T) {
	_, url := simOn(t, SimOptions{})
	body := []byte(`{"merchantPaymentId":"X-1","userAuthorizationId":"` + code(t, "PayPay", "ok") + `","amount":{"amount":10,"currency":"JPY"},"requestedAt":` + itoa(time.Now().Unix()) + `}`)
	send := func(ct, signedCT, secret string) int {
		req, _ := http.NewRequest("POST", url+"/v2/payments?agreeSimilarTransaction=false", bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", AuthHeader("key1", secret, "/v2/payments", "POST", "n0nce", time.Now().Unix(), signedCT, body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := send("application/json", "application/json", "secret1"); got != 201 {
		t.Errorf("plain application/json: %d", got)
	}
	if got := send("application/json", "application/json;charset=UTF-8;", "secret1"); got != 401 {
		t.Errorf("signed with another content type: %d, want 401", got)
	}
	if got := send("application/json", "application/json", "wrong"); got != 401 {
		t.Errorf("wrong secret: %d, want 401", got)
	}
	req, _ := http.NewRequest("GET", url+"/v2/payments/X-1", nil)
	resp, _ := http.DefaultClient.Do(req)
	var env envelope
	json.NewDecoder(resp.Body).Decode(&env)
	resp.Body.Close()
	if resp.StatusCode != 401 || env.ResultInfo.Code != "UNAUTHORIZED" {
		t.Errorf("no signature: %d %s", resp.StatusCode, env.ResultInfo.Code)
	}
	// An epoch two minutes off is refused.
	req, _ = http.NewRequest("GET", url+"/v2/payments/X-1", nil)
	req.Header.Set("Authorization", AuthHeader("key1", "secret1", "/v2/payments/X-1", "GET", "n", time.Now().Unix()-130, "empty", nil))
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("old epoch: %d", resp.StatusCode)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestTLSVerifiesCertificates(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := selfSigned(t, dir)
	s, err := NewSim(SimOptions{Keys: map[string]string{"key1": "secret1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	tl, err := TLSListener(l, certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(tl)
	defer tl.Close()
	url := "https://" + l.Addr().String()
	// Without the CA the certificate is refused (no connection: Q1ET002E or unknown).
	plain := clientFor(t, url)
	if _, _, err := plain.OnlineTest(context.Background(), "x"); err == nil {
		t.Fatal("a self-signed certificate was accepted")
	}
	withCA := clientFor(t, url, func(c *Config) { c.CAFile = certFile })
	if o, _, err := withCA.OnlineTest(context.Background(), "x"); err != nil || o.Echo != "x" {
		t.Fatalf("with the CA file: %+v %v", o, err)
	}
	if _, err := NewClient(Config{BaseURL: "http://example.com", APIKey: "k", APISecret: "s"}); err == nil {
		t.Error("plain http to a remote host was accepted")
	}
}

func selfSigned(t *testing.T, dir string) (string, string) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	cf, kf := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cf, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(kf, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cf, kf
}

func TestLogsMaskCodesAndHideSecrets(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return buf.Write(p) }), nil))
	_, url := simOn(t, SimOptions{Log: log})
	c := clientFor(t, url, func(c *Config) { c.Log = log })
	cd := code(t, "PayPay", "ok")
	pay(c, cd, 100)
	pay(c, code(t, "PayPay", "lost"), 100)
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if strings.Contains(out, cd) || strings.Contains(out, "secret1") {
		t.Fatalf("log leaks a code or secret:\n%s", out)
	}
	if !strings.Contains(out, MaskCode(cd)) {
		t.Errorf("log lacks the masked code %s:\n%s", MaskCode(cd), out)
	}
	if MaskCode("900081818812345678901234") != "9000******************34" {
		t.Errorf("mask = %s", MaskCode("900081818812345678901234"))
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// signedRequest builds one signed call with a fixed nonce, to send twice.
func signedRequest(t *testing.T, url, key, secret, merchant, method, path string, body []byte) *http.Request {
	t.Helper()
	ct := "empty"
	if body != nil {
		ct = ContentTypeJSON
	}
	req, err := http.NewRequest(method, url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("Authorization", AuthHeader(key, secret, path, method, "fixed01", time.Now().Unix(), ct, body))
	if merchant != "" {
		req.Header.Set("X-ASSUME-MERCHANT", merchant)
	}
	return req
}

func statusOf(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env envelope
	json.NewDecoder(resp.Body).Decode(&env)
	return resp.StatusCode, env.ResultInfo.Code
}

// A byte-identical request sent again within the signature window is a
// replay, and refused.
func TestSimRefusesAReplayedNonce(t *testing.T) {
	_, url := simOn(t, SimOptions{})
	path := "/kiosk/v1/terminals/T1/online-test"
	body := []byte(`{"requestedAt":1,"echo":"x"}`)
	if st, code := statusOf(t, signedRequest(t, url, "key1", "secret1", "M1", "POST", path, body)); st != 200 {
		t.Fatalf("first: %d %s", st, code)
	}
	if st, code := statusOf(t, signedRequest(t, url, "key1", "secret1", "M1", "POST", path, body)); st != 401 || code != "UNAUTHORIZED" {
		t.Fatalf("replay: %d %s", st, code)
	}
}

// A key acts only for its merchant: it cannot read, cancel or refund
// another merchant's payment, nor close another merchant's terminal's day,
// and the simulator keeps customer codes only masked.
func TestSimTiesKeysToMerchants(t *testing.T) {
	s, url := simOn(t, SimOptions{Keys: map[string]string{"key1": "secret1", "key2": "secret2"}, Merchants: map[string]string{"key1": "M1", "key2": "M2"}})
	a := clientFor(t, url)
	b, _ := codes.BrandByName("PayPay")
	sc, _ := ScenarioByName("ok")
	code := SampleCode(b, sc, false)
	p, err := a.CreatePayment(context.Background(), PaymentRequest{MerchantPaymentID: "P-A-1", UserAuthorizationID: code, Amount: Yen(700), RequestedAt: time.Now().Unix(), TerminalID: "T1"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := a.GetPayment(context.Background(), "P-A-1"); err != nil || got.UserAuthorizationID == code || !strings.Contains(got.UserAuthorizationID, "*") {
		t.Fatalf("own payment: %+v %v", got, err)
	}
	other := clientFor(t, url, func(c *Config) { c.APIKey, c.APISecret, c.MerchantID, c.TerminalID = "key2", "secret2", "M2", "T2" })
	if _, err := other.GetPayment(context.Background(), "P-A-1"); err == nil {
		t.Fatal("another merchant read the payment")
	}
	if err := other.CancelPayment(context.Background(), "P-A-1"); err == nil {
		t.Fatal("another merchant cancelled the payment")
	}
	if _, err := other.CreateRefund(context.Background(), RefundRequest{MerchantRefundID: "R-X", PaymentID: p.PaymentID, Amount: Yen(700), RequestedAt: time.Now().Unix()}); err == nil {
		t.Fatal("another merchant refunded the payment")
	}
	// Another merchant's key on this merchant's terminal.
	intruder := clientFor(t, url, func(c *Config) { c.APIKey, c.APISecret, c.MerchantID, c.TerminalID = "key2", "secret2", "M2", "T1" })
	if _, err := intruder.DailyTotals(context.Background(), "D-X"); err == nil {
		t.Fatal("another merchant closed the terminal's day")
	}
	// Acting for a merchant the key is not tied to.
	spoof := clientFor(t, url, func(c *Config) { c.APIKey, c.APISecret, c.MerchantID = "key2", "secret2", "M1" })
	if _, err := spoof.GetPayment(context.Background(), "P-A-1"); err == nil {
		t.Fatal("key2 acted for M1")
	}
	if got, err := a.GetPayment(context.Background(), "P-A-1"); err != nil || got.Status != StatusCompleted {
		t.Fatalf("the payment changed: %+v %v", got, err)
	}
	var stored string
	s.db.QueryRow(`SELECT code || code_masked FROM payments`).Scan(&stored)
	if strings.Contains(stored, code) {
		t.Fatal("the simulator keeps the full customer code")
	}
	// A used code is still single-use though only its digest is kept.
	if _, err := a.CreatePayment(context.Background(), PaymentRequest{MerchantPaymentID: "P-A-2", UserAuthorizationID: code, Amount: Yen(700), RequestedAt: time.Now().Unix(), TerminalID: "T1"}); err == nil {
		t.Fatal("a used code paid twice")
	}
}

// The manual's codes for a suspended terminal (Q1ET000D on a payment,
// Q1ET0023 on the terminal calls), a timed-out query (Q1ET003C), a payment
// the center cancelled itself (Q1ET0009) and a center that cannot be
// reached to settle an unknown outcome (Q1ET0045).
func TestSituationalCodesOfTheTable(t *testing.T) {
	_, suspURL := simOn(t, SimOptions{Suspended: map[string]bool{"T1": true}})
	_, _, err := pay(clientFor(t, suspURL), code(t, "PayPay", "ok"), 100)
	wantCode(t, err, "Q1ET000D", false)
	_, err = clientFor(t, suspURL).DailyTotals(context.Background(), "D-S")
	wantCode(t, err, "Q1ET0023", false)
	_, url := simOn(t, SimOptions{})
	if e := mapError(opOther, 401, "OP_OUT_OF_SCOPE"); e.Code != "Q1ET0023" {
		t.Fatalf("OP_OUT_OF_SCOPE on a terminal call: %s", e.Code)
	}
	if e := mapError(opClose, 401, "OP_OUT_OF_SCOPE"); e.Code != "Q1ET0023" {
		t.Fatalf("OP_OUT_OF_SCOPE on 日計: %s", e.Code)
	}
	c := clientFor(t, url)
	_, _, err = pay(c, code(t, "PayPay", "center_canceled"), 100)
	wantCode(t, err, "Q1ET0009", false)

	_, slowURL := simOn(t, SimOptions{Latency: 1500 * time.Millisecond})
	slow := clientFor(t, slowURL, func(c *Config) { c.OtherTimeout = 300 * time.Millisecond })
	_, err = slow.InterimTotals(context.Background())
	wantCode(t, err, "Q1ET003C", false)
	_, err = slow.DailyTotals(context.Background(), "D-X")
	wantCode(t, err, "Q1ET0043", true) // 日計 may have closed: unknown

	// A payment whose connection drops, then a center that cannot be
	// reached at all while the terminal tries to settle it.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	go func() {
		conn, err := ln.Accept()
		if err == nil {
			io.Copy(io.Discard, io.LimitReader(conn, 1))
			conn.Close()
		}
		ln.Close() // from now on nothing listens: dial fails
	}()
	gone := clientFor(t, "http://"+addr, func(c *Config) { c.SettleFor = 600 * time.Millisecond; c.RetryEvery = 100 * time.Millisecond })
	_, _, err = pay(gone, code(t, "PayPay", "ok"), 100)
	wantCode(t, err, "Q1ET0045", true)
}
