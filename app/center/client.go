package center

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Config is what the client needs to reach a center.
type Config struct {
	BaseURL    string // https://gateway.example or http://127.0.0.1:port
	APIKey     string
	APISecret  string
	MerchantID string
	TerminalID string
	StoreID    string
	// CAFile adds a private gateway's CA to the system roots.
	CAFile string
	// Time-outs of center-api.md section 1; zero means the spec's values.
	PayTimeout   time.Duration
	OtherTimeout time.Duration
	// SettleFor bounds how long an unknown outcome is chased with
	// inquiries and cancels before the result is reported as unknown.
	SettleFor time.Duration
	// RetryEvery is the pause between settlement attempts.
	RetryEvery time.Duration
	Now        func() time.Time
	Log        *slog.Logger
}

// Client calls the center. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client
}

// NewClient checks the configuration and builds a client that verifies
// certificates (plain HTTP only to loopback).
func NewClient(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("center url %q: want https://host[:port]", cfg.BaseURL)
	}
	if u.Scheme == "http" {
		ip := net.ParseIP(u.Hostname())
		if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("center url %q: plain http is allowed only on loopback", cfg.BaseURL)
		}
	}
	if cfg.APIKey == "" || cfg.APISecret == "" {
		return nil, errors.New("center: api_key and api_secret are required")
	}
	if cfg.PayTimeout == 0 {
		cfg.PayTimeout = 30 * time.Second
	}
	if cfg.OtherTimeout == 0 {
		cfg.OtherTimeout = 15 * time.Second
	}
	if cfg.SettleFor == 0 {
		cfg.SettleFor = 2 * time.Minute
	}
	if cfg.RetryEvery == 0 {
		cfg.RetryEvery = 2 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("center ca_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("center ca_file %s: no certificate in it", cfg.CAFile)
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Client{cfg: cfg, http: &http.Client{Transport: tr}}, nil
}

// Error is a center answer or transport failure, with the terminal's error
// code (the manual's Q1ET… table).
type Error struct {
	Code       string // Q1ET…
	HTTPStatus int
	CenterCode string // resultInfo.code
	// Unknown is true when the center may or may not have acted.
	Unknown bool
	// Kind of failure when Unknown or when nothing answered: "timeout",
	// "comm" (connection lost, 5xx) or "network" (no connection at all).
	Kind string
	Err  error
}

func (e *Error) Error() string {
	if e.CenterCode != "" {
		return fmt.Sprintf("center: %s (%d %s)", e.Code, e.HTTPStatus, e.CenterCode)
	}
	return fmt.Sprintf("center: %s (%s: %v)", e.Code, e.Kind, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// op tells the error mapping whether a call was a payment or a cancel/refund.
type op int

const (
	opPay op = iota
	opReverse
	opOther
	// opClose is 日計: its outcome matters (the day may be closed) like a
	// payment's, where other terminal calls simply failed.
	opClose
)

// do sends one signed call and decodes data into out.
func (c *Client) do(ctx context.Context, o op, method, path string, body any, out any) (int, error) {
	var raw []byte
	ct := ""
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return 0, err
		}
		ct = ContentTypeJSON
	}
	timeout := c.cfg.OtherTimeout
	if o == opPay || (o == opReverse && method == http.MethodPost) {
		timeout = c.cfg.PayTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.BaseURL+path, bytes.NewReader(raw))
	if err != nil {
		return 0, err
	}
	nonce := randHex(4)
	sigCT := ct
	if ct == "" {
		sigCT = "empty"
	} else {
		req.Header.Set("Content-Type", ct)
	}
	// The query string is not signed (center-api.md section 1).
	req.Header.Set("Authorization", AuthHeader(c.cfg.APIKey, c.cfg.APISecret, req.URL.Path, method, nonce, c.cfg.Now().Unix(), sigCT, raw))
	if c.cfg.MerchantID != "" {
		req.Header.Set("X-ASSUME-MERCHANT", c.cfg.MerchantID)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		te := transportError(err)
		if o == opOther && te.Kind == "timeout" {
			// A query or a report that timed out changed nothing that
			// needs settling: 処理がタイムアウトしました.
			te.Code, te.Unknown = "Q1ET003C", false
		}
		return 0, te
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return resp.StatusCode, transportError(err)
	}
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		// No envelope: a proxy or load balancer answered.
		return resp.StatusCode, mapError(o, resp.StatusCode, "")
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, mapError(o, resp.StatusCode, env.ResultInfo.Code)
	}
	if out != nil && len(env.Data) > 0 && string(env.Data) != "null" {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return resp.StatusCode, &Error{Code: "Q1ET0012", HTTPStatus: resp.StatusCode, Kind: "comm", Err: fmt.Errorf("bad data: %w", err)}
		}
	}
	return resp.StatusCode, nil
}

// transportError classifies a failure where no answer arrived.
func transportError(err error) *Error {
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return &Error{Code: "Q1ET0043", Unknown: true, Kind: "timeout", Err: err}
	case errors.As(err, &opErr) && opErr.Op == "dial":
		// Nothing was sent: the outcome is known (nothing happened).
		return &Error{Code: "Q1ET002E", Kind: "network", Err: err}
	default:
		return &Error{Code: "Q1ET0042", Unknown: true, Kind: "comm", Err: err}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// mapError maps an HTTP status and OPA code to the terminal's error table.
func mapError(o op, status int, code string) *Error {
	e := &Error{HTTPStatus: status, CenterCode: code}
	switch code {
	case "INVALID_USER_AUTHORIZATION_ID":
		e.Code = "Q1ET0002"
	case "OP_OUT_OF_SCOPE":
		// The terminal is suspended: on a payment, on a cancel or refund,
		// and on the terminal calls (totals, online test, 売上報告).
		e.Code = pick(o, "Q1ET000D", "Q1ET0036")
		if o == opOther || o == opClose {
			e.Code = "Q1ET0023"
		}
	case "USER_AUTHORIZATION_OUT_OF_SCOPE":
		e.Code = "Q1ET0004" // a code not usable at this merchant
	case "BANK_ERROR":
		e.Code = "Q1ET0003"
	case "NO_SUFFICIENT_FUND":
		e.Code = "Q1ET0006"
	case "UNACCEPTABLE_OP":
		e.Code = "Q1ET0007"
	case "EXPIRED_USER_AUTHORIZATION_ID":
		e.Code = "Q1ET000A"
	case "DUPLICATE_DYNAMIC_QR_REQUEST":
		e.Code = "Q1ET000B"
	case "INVALID_PARAMS", "MISSING_REQUEST_PARAMS":
		e.Code = pick(o, "Q1ET0021", "Q1ET0034")
		if o == opReverse && code == "INVALID_PARAMS" {
			e.Code = "Q1ET001E"
		}
	case "ORDER_NOT_REVERSIBLE":
		e.Code = "Q1ET001C"
	case "RESOURCE_NOT_FOUND", "NO_SUCH_REFUND_ORDER":
		e.Code = "Q1ET0041"
	case "TRANSACTION_FAILED":
		e.Code = "Q1ET0030"
	case "SERVICE_ERROR":
		e.Code = "Q1ET0012"
	case "MAINTENANCE_MODE", "RATE_LIMIT":
		e.Code = "Q1ET0028"
	case "USER_STATE_IS_NOT_ACTIVE":
		e.Code = "Q1ET0050"
	case "UNAUTHORIZED":
		e.Code = "Q1ET0040"
	default:
		switch {
		case status == 500 || status == 502 || status == 503 || status == 504:
			// INTERNAL_SERVER_ERROR and bare 5xx: the center may have acted.
			e.Code, e.Unknown, e.Kind = "Q1ET0042", true, "comm"
		case status == 429:
			e.Code = "Q1ET0028"
		default:
			e.Code = "Q1ET0040"
		}
	}
	return e
}

func pick(o op, pay, reverse string) string {
	if o == opReverse {
		return reverse
	}
	return pay
}

// AsError returns the center error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func (c *Client) now() int64 { return c.cfg.Now().Unix() }

// CreatePayment sends one payment request (no settlement; see Pay).
func (c *Client) CreatePayment(ctx context.Context, req PaymentRequest) (Payment, error) {
	var p Payment
	_, err := c.do(ctx, opPay, http.MethodPost, "/v2/payments?agreeSimilarTransaction=false", req, &p)
	return p, err
}

// GetPayment asks for a payment by the terminal's id.
func (c *Client) GetPayment(ctx context.Context, merchantPaymentID string) (Payment, error) {
	var p Payment
	_, err := c.do(ctx, opOther, http.MethodGet, "/v2/payments/"+url.PathEscape(merchantPaymentID), nil, &p)
	return p, err
}

// CancelPayment cancels (voids) a payment while the center's window is open.
func (c *Client) CancelPayment(ctx context.Context, merchantPaymentID string) error {
	_, err := c.do(ctx, opReverse, http.MethodDelete, "/v2/payments/"+url.PathEscape(merchantPaymentID), nil, nil)
	return err
}

// CreateRefund refunds all or part of a payment.
func (c *Client) CreateRefund(ctx context.Context, req RefundRequest) (Refund, error) {
	var r Refund
	_, err := c.do(ctx, opReverse, http.MethodPost, "/v2/refunds", req, &r)
	return r, err
}

// GetRefund asks for a refund by the terminal's id.
func (c *Client) GetRefund(ctx context.Context, merchantRefundID string) (Refund, error) {
	var r Refund
	_, err := c.do(ctx, opOther, http.MethodGet, "/v2/refunds/"+url.PathEscape(merchantRefundID), nil, &r)
	return r, err
}

// Pay makes a payment and settles an unknown outcome by itself: it asks
// for the payment, and when that does not settle it, cancels it, retrying
// until the cancel is accepted or SettleFor runs out. onRetry is called
// before each settlement attempt (the POS gets a retrying_center event).
func (c *Client) Pay(ctx context.Context, req PaymentRequest, onRetry func()) (Payment, error) {
	p, err := c.CreatePayment(ctx, req)
	e, ok := AsError(err)
	if err == nil || !ok || !e.Unknown {
		return p, err
	}
	return c.Settle(ctx, req.MerchantPaymentID, e.Kind, onRetry)
}

// Settle resolves a payment whose outcome is unknown; kind is how it became
// unknown ("timeout" or "comm").
func (c *Client) Settle(ctx context.Context, merchantPaymentID, kind string, onRetry func()) (Payment, error) {
	deadline := c.cfg.Now().Add(c.cfg.SettleFor)
	settledCode := map[string]string{"timeout": "Q1ET002C", "network": "Q1ET002D"}[kind]
	if settledCode == "" {
		settledCode = "Q1ET002D"
	}
	unknownCode := map[string]string{"timeout": "Q1ET0043", "network": "Q1ET0045"}[kind]
	if unknownCode == "" {
		unknownCode = "Q1ET0042"
	}
	for attempt := 0; ; attempt++ {
		if onRetry != nil {
			onRetry()
		}
		p, err := c.GetPayment(ctx, merchantPaymentID)
		if err == nil {
			switch p.Status {
			case StatusCompleted, StatusRefunded:
				c.cfg.Log.Info("unknown outcome settled by inquiry", "merchantPaymentId", merchantPaymentID, "status", p.Status)
				return p, nil
			case StatusFailed, StatusCanceled:
				code := settledCode
				if attempt == 0 {
					// Failed before the terminal cancelled anything: the
					// center cancelled it in its own error handling.
					code = "Q1ET0009"
				}
				return Payment{}, &Error{Code: code, Kind: kind, Err: errors.New("payment failed at the center")}
			}
		}
		cerr := c.CancelPayment(ctx, merchantPaymentID)
		if cerr == nil {
			c.cfg.Log.Info("unknown outcome settled by cancel", "merchantPaymentId", merchantPaymentID)
			return Payment{}, &Error{Code: settledCode, Kind: kind, Err: errors.New("canceled after an unknown outcome")}
		}
		if ce, ok := AsError(cerr); ok && ce.CenterCode == "ORDER_NOT_REVERSIBLE" {
			// Already FAILED (a cancel went through earlier) or window over.
			if p2, err := c.GetPayment(ctx, merchantPaymentID); err == nil && p2.Status == StatusCompleted {
				return p2, nil
			}
			return Payment{}, &Error{Code: settledCode, Kind: kind, Err: cerr}
		}
		if !c.cfg.Now().Add(c.cfg.RetryEvery).Before(deadline) {
			code := unknownCode
			if ce, ok := AsError(cerr); ok && ce.Kind == "network" {
				// The center could not even be reached to settle it:
				// ネットワークエラー, check whether the payment went through.
				code = "Q1ET0045"
			}
			return Payment{}, &Error{Code: code, Unknown: true, Kind: kind, Err: fmt.Errorf("unsettled after %d attempts: %w", attempt+1, cerr)}
		}
		select {
		case <-ctx.Done():
			return Payment{}, &Error{Code: unknownCode, Unknown: true, Kind: kind, Err: ctx.Err()}
		case <-time.After(c.cfg.RetryEvery):
		}
	}
}

// DailyTotals closes the day at the center (replayable by id).
func (c *Client) DailyTotals(ctx context.Context, merchantTotalsID string) (Totals, error) {
	var t Totals
	body := map[string]any{"merchantTotalsId": merchantTotalsID, "requestedAt": c.now()}
	_, err := c.do(ctx, opClose, http.MethodPost, "/kiosk/v1/terminals/"+url.PathEscape(c.cfg.TerminalID)+"/totals/daily", body, &t)
	return t, err
}

// GetDailyTotals fetches a closed 日計 again.
func (c *Client) GetDailyTotals(ctx context.Context, merchantTotalsID string) (Totals, error) {
	var t Totals
	_, err := c.do(ctx, opOther, http.MethodGet, "/kiosk/v1/terminals/"+url.PathEscape(c.cfg.TerminalID)+"/totals/daily/"+url.PathEscape(merchantTotalsID), nil, &t)
	return t, err
}

// InterimTotals fetches the figures since the last close without closing.
func (c *Client) InterimTotals(ctx context.Context) (Totals, error) {
	var t Totals
	_, err := c.do(ctx, opOther, http.MethodGet, "/kiosk/v1/terminals/"+url.PathEscape(c.cfg.TerminalID)+"/totals/interim", nil, &t)
	return t, err
}

// OnlineTest checks the way to the center and back.
func (c *Client) OnlineTest(ctx context.Context, echo string) (OnlineTest, time.Duration, error) {
	var o OnlineTest
	start := time.Now()
	_, err := c.do(ctx, opOther, http.MethodPost, "/kiosk/v1/terminals/"+url.PathEscape(c.cfg.TerminalID)+"/online-test", map[string]any{"requestedAt": c.now(), "echo": echo}, &o)
	return o, time.Since(start), err
}

// SendSalesReport sends a 売上報告 (replayable by merchantReportId).
func (c *Client) SendSalesReport(ctx context.Context, rep SalesReport) (SalesReport, error) {
	var out SalesReport
	rep.RequestedAt = c.now()
	_, err := c.do(ctx, opOther, http.MethodPost, "/kiosk/v1/terminals/"+url.PathEscape(c.cfg.TerminalID)+"/sales-reports", rep, &out)
	return out, err
}

// SalesReportFormat fetches the report form's labels.
func (c *Client) SalesReportFormat(ctx context.Context) (ReportFormat, error) {
	var f ReportFormat
	_, err := c.do(ctx, opOther, http.MethodGet, "/kiosk/v1/terminals/"+url.PathEscape(c.cfg.TerminalID)+"/sales-reports/format", nil, &f)
	return f, err
}
