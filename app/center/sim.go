package center

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the simulator's own state file

	"codepay/device/codes"
	"codepay/store"
)

// SimOptions configures the simulator.
type SimOptions struct {
	// Keys maps API key to secret; any number of terminals may share one.
	Keys map[string]string
	// Merchants ties an API key to its merchant. A key with none is tied
	// to the first X-ASSUME-MERCHANT it sends (or to itself), for good.
	// A key acts only for its merchant: another merchant's payments are
	// not found, and a terminal belongs to the merchant that used it first.
	Merchants map[string]string
	// DBPath is the simulator's SQLite file ("" keeps state in memory).
	DBPath string
	// Latency is added to every answer.
	Latency time.Duration
	// FailureRate answers that share of payment calls with 500
	// INTERNAL_SERVER_ERROR before doing anything.
	FailureRate float64
	// DropRate drops that share of connections after completing a payment
	// (the terminal must find it by inquiry).
	DropRate float64
	// Suspended terminals get OP_OUT_OF_SCOPE on every call.
	Suspended map[string]bool
	// CancelWindow, when set, replaces "until 00:14:59 JST the next day".
	CancelWindow time.Duration
	// SlowDelay is how long the slow scenario waits before it completes.
	SlowDelay time.Duration
	// UnsettledFor is how long the unsettled scenario refuses inquiries and cancels.
	UnsettledFor time.Duration
	// ReportFormat is the contract's 売上報告 labels (nil: DefaultReportFormat).
	ReportFormat *ReportFormat
	Now          func() time.Time
	Log          *slog.Logger
}

// Sim is the payment-center simulator.
type Sim struct {
	opt SimOptions
	db  *sql.DB
	mu  sync.Mutex
	// unsettledUntil holds merchantPaymentIds that answer 502 until a time.
	unsettledUntil map[string]time.Time
	// nonces seen within the signature window, by key: a byte-identical
	// request sent again (a replay) is refused.
	nonceMu sync.Mutex
	nonces  map[string]int64 // key + ":" + nonce -> epoch
	// calls counts authenticated calls by route (the ledger's).
	callMu sync.Mutex
	calls  map[string]int
}

type ctxMerchant struct{}

// merchantOf is the merchant the request's key acts for.
func merchantOf(r *http.Request) string {
	m, _ := r.Context().Value(ctxMerchant{}).(string)
	return m
}

var jst = time.FixedZone("JST", 9*60*60)

var merchantIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

const simSchema = `
CREATE TABLE IF NOT EXISTS payments (
  merchant_payment_id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, payment_id TEXT NOT NULL UNIQUE,
  code TEXT NOT NULL, amount INTEGER NOT NULL, status TEXT NOT NULL, brand TEXT NOT NULL,
  accepted_at INTEGER NOT NULL, requested_at INTEGER NOT NULL, terminal_id TEXT NOT NULL,
  store_id TEXT NOT NULL, receipt_no TEXT NOT NULL, canceled_at INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS used_codes (code TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS early_cancels (merchant_payment_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS refunds (
  merchant_refund_id TEXT PRIMARY KEY, payment_id TEXT NOT NULL, amount INTEGER NOT NULL,
  accepted_at INTEGER NOT NULL, requested_at INTEGER NOT NULL, reason TEXT NOT NULL, terminal_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS closes (
  terminal_id TEXT NOT NULL, merchant_totals_id TEXT NOT NULL, seq INTEGER NOT NULL,
  period_from INTEGER NOT NULL, period_to INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (terminal_id, merchant_totals_id));
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY, terminal_id TEXT NOT NULL, kind TEXT NOT NULL, brand TEXT NOT NULL,
  amount INTEGER NOT NULL, at INTEGER NOT NULL, close_seq INTEGER);
CREATE INDEX IF NOT EXISTS events_open ON events(terminal_id, close_seq);
CREATE TABLE IF NOT EXISTS key_merchants (api_key TEXT PRIMARY KEY, merchant_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS terminal_owners (terminal_id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
  terminal_id TEXT NOT NULL, merchant_report_id TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (terminal_id, merchant_report_id));
`

// NewSim opens (or creates) the simulator's state.
func NewSim(opt SimOptions) (*Sim, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.SlowDelay == 0 {
		opt.SlowDelay = 35 * time.Second
	}
	if opt.UnsettledFor == 0 {
		opt.UnsettledFor = 24 * time.Hour
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	dsn := "file::memory:?mode=memory&cache=shared"
	if opt.DBPath != "" {
		var err error
		if dsn, err = store.DSN(opt.DBPath); err != nil { // escaped: any folder name is safe
			return nil, fmt.Errorf("simulator db: %w", err)
		}
	} else {
		dsn = "file:sim" + randHex(8) + "?mode=memory&cache=shared"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("simulator db: %w", err)
	}
	if opt.DBPath == "" {
		db.SetMaxOpenConns(1)
	}
	if _, err := db.Exec(simSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("simulator db: %w", err)
	}
	// Customer codes are kept only masked (shown) and hashed (to spot a
	// used code); an older state file gains the column.
	db.Exec(`ALTER TABLE payments ADD COLUMN code_masked TEXT NOT NULL DEFAULT ''`)
	return &Sim{opt: opt, db: db, unsettledUntil: map[string]time.Time{}, nonces: map[string]int64{}, calls: map[string]int{}}, nil
}

// Close releases the state file.
func (s *Sim) Close() error { return s.db.Close() }

// Serve answers on l until it is closed.
func (s *Sim) Serve(l net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.opt.Log.Handler(), slog.LevelWarn)}
	err := srv.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Handler is the simulator's HTTP API.
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(s.counted("POST /v2/payments", s.createPayment))
	mux.HandleFunc(s.counted("GET /v2/payments/{id}", s.getPayment))
	mux.HandleFunc(s.counted("DELETE /v2/payments/{id}", s.cancelPayment))
	mux.HandleFunc(s.counted("POST /v2/refunds", s.createRefund))
	mux.HandleFunc(s.counted("GET /v2/refunds/{id}", s.getRefund))
	mux.HandleFunc(s.counted("POST /kiosk/v1/terminals/{tid}/totals/daily", s.dailyTotals))
	mux.HandleFunc(s.counted("GET /kiosk/v1/terminals/{tid}/totals/daily/{mid}", s.getDaily))
	mux.HandleFunc(s.counted("GET /kiosk/v1/terminals/{tid}/totals/interim", s.interimTotals))
	mux.HandleFunc(s.counted("POST /kiosk/v1/terminals/{tid}/online-test", s.onlineTest))
	mux.HandleFunc(s.counted("POST /kiosk/v1/terminals/{tid}/sales-reports", s.salesReport))
	mux.HandleFunc(s.counted("GET /kiosk/v1/terminals/{tid}/sales-reports/format", s.salesReportFormat))
	return s.auth(mux)
}

type ctxBody struct{}

// auth checks the OPA signature over the raw bytes and the Content-Type as received.
func (s *Sim) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opt.Latency > 0 {
			time.Sleep(s.opt.Latency)
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeErr(w, 400, "INVALID_PARAMS", "unreadable body")
			return
		}
		f, err := parseAuth(r.Header.Get("Authorization"))
		if err != nil {
			writeErr(w, 401, "UNAUTHORIZED", err.Error())
			return
		}
		secret, ok := s.opt.Keys[f.key]
		ct := r.Header.Get("Content-Type")
		if len(body) == 0 {
			ct = "empty"
		}
		switch {
		case !ok:
			writeErr(w, 401, "UNAUTHORIZED", "unknown API key")
			return
		case abs(s.opt.Now().Unix()-f.epoch) >= 120:
			writeErr(w, 401, "UNAUTHORIZED", "epoch too far from the server clock")
			return
		case BodyHash(ct, body) != f.bodyHash:
			writeErr(w, 401, "UNAUTHORIZED", "body hash mismatch")
			return
		case !hmac.Equal([]byte(MAC(secret, r.URL.Path, r.Method, f.nonce, f.epoch, ct, f.bodyHash)), []byte(f.mac)):
			writeErr(w, 401, "UNAUTHORIZED", "signature mismatch")
			return
		case !s.freshNonce(f.key, f.nonce, f.epoch):
			writeErr(w, 401, "UNAUTHORIZED", "nonce already used")
			return
		}
		merchant, err := s.keyMerchant(f.key, r.Header.Get("X-ASSUME-MERCHANT"))
		if err != nil {
			writeErr(w, 401, "UNAUTHORIZED", err.Error())
			return
		}
		if tid := terminalOfPath(r.URL.Path); tid != "" && !s.ownsTerminal(merchant, tid) {
			writeErr(w, 401, "OP_OUT_OF_SCOPE", "the terminal belongs to another merchant")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxMerchant{}, merchant)))
	})
}

// freshNonce remembers a key's nonce for the signature window and tells
// whether it was new. Nonces are kept in memory: a restarted simulator
// forgets them, which only a replay within 120 s of the restart could use.
func (s *Sim) freshNonce(key, nonce string, epoch int64) bool {
	now := s.opt.Now().Unix()
	s.nonceMu.Lock()
	defer s.nonceMu.Unlock()
	if len(s.nonces) > 4096 {
		for k, e := range s.nonces {
			if abs(now-e) >= 120 {
				delete(s.nonces, k)
			}
		}
	}
	k := key + ":" + nonce
	if _, seen := s.nonces[k]; seen {
		return false
	}
	s.nonces[k] = epoch
	return true
}

// keyMerchant is the merchant a key acts for; a request that asks to act
// for another is refused.
func (s *Sim) keyMerchant(key, assume string) (string, error) {
	m := s.opt.Merchants[key]
	if m == "" {
		s.mu.Lock()
		err := s.db.QueryRow(`SELECT merchant_id FROM key_merchants WHERE api_key=?`, key).Scan(&m)
		if errors.Is(err, sql.ErrNoRows) {
			m = assume
			if m == "" {
				m = key
			}
			_, err = s.db.Exec(`INSERT INTO key_merchants(api_key, merchant_id) VALUES (?,?)`, key, m)
		}
		s.mu.Unlock()
		if err != nil {
			return "", fmt.Errorf("key store: %v", err)
		}
	}
	if assume != "" && assume != m {
		return "", errors.New("this key does not act for that merchant")
	}
	return m, nil
}

// ownsTerminal ties a terminal to the merchant that used it first.
func (s *Sim) ownsTerminal(merchant, tid string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	var owner string
	err := s.db.QueryRow(`SELECT merchant_id FROM terminal_owners WHERE terminal_id=?`, tid).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = s.db.Exec(`INSERT INTO terminal_owners(terminal_id, merchant_id) VALUES (?,?)`, tid, merchant)
		return err == nil
	}
	return err == nil && owner == merchant
}

// terminalOfPath is the {terminalId} of a /kiosk/v1/terminals/ path.
func terminalOfPath(p string) string {
	rest, ok := strings.CutPrefix(p, "/kiosk/v1/terminals/")
	if !ok {
		return ""
	}
	tid, _, _ := strings.Cut(rest, "/")
	return tid
}

// codeDigest identifies a customer code without keeping it.
func codeDigest(code string) string {
	h := sha256.Sum256([]byte("codepay-sim-code:" + code))
	return "sha256:" + hex.EncodeToString(h[:])
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func writeJSON(w http.ResponseWriter, status int, code, msg string, data any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	var raw json.RawMessage = []byte("null")
	if data != nil {
		raw, _ = json.Marshal(data)
	}
	json.NewEncoder(w).Encode(envelope{ResultInfo: ResultInfo{Code: code, Message: msg, CodeID: codeID(code)}, Data: raw})
}

func writeErr(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, code, msg, nil)
}

// codeID gives each result code a stable 8-digit id, as OPA's resolve pages do.
func codeID(code string) string {
	var h uint32 = 2166136261
	for i := 0; i < len(code); i++ {
		h = (h ^ uint32(code[i])) * 16777619
	}
	return fmt.Sprintf("%08d", h%100000000)
}

func (s *Sim) cancelDeadline(acceptedAt int64) time.Time {
	at := time.Unix(acceptedAt, 0).In(jst)
	if s.opt.CancelWindow > 0 {
		return at.Add(s.opt.CancelWindow)
	}
	y, m, d := at.Date()
	return time.Date(y, m, d+1, 0, 14, 59, 0, jst)
}

func (s *Sim) createPayment(w http.ResponseWriter, r *http.Request) {
	var req PaymentRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeErr(w, 400, "INVALID_PARAMS", "body is not JSON")
		return
	}
	merchant := merchantOf(r)
	if req.MerchantPaymentID == "" || req.UserAuthorizationID == "" || req.RequestedAt == 0 {
		writeErr(w, 400, "MISSING_REQUEST_PARAMS", "merchantPaymentId, userAuthorizationId and requestedAt are required")
		return
	}
	if !merchantIDPattern.MatchString(req.MerchantPaymentID) || req.Amount.Amount <= 0 || req.Amount.Currency != "JPY" {
		writeErr(w, 400, "INVALID_PARAMS", "merchantPaymentId or amount is invalid")
		return
	}
	if s.opt.Suspended[req.TerminalID] {
		writeErr(w, 401, "OP_OUT_OF_SCOPE", "terminal suspended")
		return
	}
	if req.TerminalID != "" && !s.ownsTerminal(merchant, req.TerminalID) {
		writeErr(w, 401, "OP_OUT_OF_SCOPE", "the terminal belongs to another merchant")
		return
	}
	s.mu.Lock()
	// A resend with the same id answers the earlier result and charges nothing.
	if p, owner, digest, ok := s.loadPaymentRow(req.MerchantPaymentID); ok {
		s.mu.Unlock()
		if owner != merchant || digest != codeDigest(req.UserAuthorizationID) || p.Amount.Amount != req.Amount.Amount {
			writeErr(w, 400, "DUPLICATE_DYNAMIC_QR_REQUEST", "merchantPaymentId already used with other values")
			return
		}
		writeJSON(w, 201, "SUCCESS", "Success", p)
		return
	}
	s.mu.Unlock()
	if s.opt.FailureRate > 0 && randFloat() < s.opt.FailureRate {
		writeErr(w, 500, "INTERNAL_SERVER_ERROR", "injected failure")
		return
	}
	brand, digits, err := codes.Identify(req.UserAuthorizationID)
	if err != nil {
		writeErr(w, 401, "INVALID_USER_AUTHORIZATION_ID", "no brand issued this code")
		return
	}
	sc := scenarioOf(brand, digits)
	switch sc.Name {
	case "unknown_code":
		writeErr(w, 401, "INVALID_USER_AUTHORIZATION_ID", "no brand issued this code")
		return
	case "other_merchant":
		// Not OP_OUT_OF_SCOPE, which is the terminal's own suspension: the
		// manual tells the two apart (Q1ET0004 / Q1ET000D).
		writeErr(w, 401, "USER_AUTHORIZATION_OUT_OF_SCOPE", "code not usable at this merchant")
		return
	case "bank_error":
		writeErr(w, 400, "BANK_ERROR", "the customer's bank refused the payment")
		return
	case "insufficient":
		writeErr(w, 400, "NO_SUFFICIENT_FUND", "insufficient balance")
		return
	case "merchant_limit":
		writeErr(w, 400, "UNACCEPTABLE_OP", "merchant limit exceeded")
		return
	case "expired":
		writeErr(w, 401, "EXPIRED_USER_AUTHORIZATION_ID", "code expired")
		return
	case "failed":
		writeErr(w, 500, "TRANSACTION_FAILED", "transaction failed")
		return
	case "service_error":
		writeErr(w, 500, "SERVICE_ERROR", "service error")
		return
	case "maintenance":
		writeErr(w, 503, "MAINTENANCE_MODE", "maintenance")
		return
	case "rate_limit":
		writeErr(w, 429, "RATE_LIMIT", "too many requests")
		return
	case "user_inactive":
		writeErr(w, 401, "USER_STATE_IS_NOT_ACTIVE", "user not active")
		return
	case "invalid_params":
		writeErr(w, 400, "INVALID_PARAMS", "invalid parameters")
		return
	case "lost_early":
		dropConnection(w)
		return
	case "bad_gateway":
		writeErr(w, 502, "BAD_GATEWAY", "bad gateway")
		return
	case "unsettled":
		s.mu.Lock()
		s.unsettledUntil[req.MerchantPaymentID] = s.opt.Now().Add(s.opt.UnsettledFor)
		s.mu.Unlock()
		writeErr(w, 502, "BAD_GATEWAY", "bad gateway")
		return
	case "slow":
		time.Sleep(s.opt.SlowDelay)
	case "center_canceled":
		// The payment goes through, the center's own error handling
		// cancels it at once, and the terminal hears a bare 502.
		s.mu.Lock()
		s.db.Exec(`INSERT OR IGNORE INTO early_cancels(merchant_payment_id) VALUES (?)`, req.MerchantPaymentID)
		s.mu.Unlock()
		s.complete(req, merchant, brand)
		writeErr(w, 502, "BAD_GATEWAY", "bad gateway")
		return
	}
	p, status, code := s.complete(req, merchant, brand)
	switch {
	case status != 201:
		writeErr(w, status, code, code)
	case sc.Name == "lost" || (s.opt.DropRate > 0 && randFloat() < s.opt.DropRate):
		dropConnection(w)
	case sc.Name == "error_500_done":
		writeErr(w, 500, "INTERNAL_SERVER_ERROR", "internal error")
	default:
		writeJSON(w, 201, "SUCCESS", "Success", p)
	}
}

func randFloat() float64 {
	b := make([]byte, 4)
	rand.Read(b)
	return float64(uint32(b[0])<<24|uint32(b[1])<<16|uint32(b[2])<<8|uint32(b[3])) / (1 << 32)
}

// dropConnection closes the TCP connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// complete charges the customer: one SQL transaction, single-use codes.
func (s *Sim) complete(req PaymentRequest, merchant string, brand codes.Brand) (Payment, int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.loadPayment(req.MerchantPaymentID); ok {
		return p, 201, "SUCCESS"
	}
	tx, err := s.db.Begin()
	if err != nil {
		return Payment{}, 500, "INTERNAL_SERVER_ERROR"
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO used_codes(code) VALUES (?)`, codeDigest(req.UserAuthorizationID)); err != nil {
		return Payment{}, 401, "EXPIRED_USER_AUTHORIZATION_ID"
	}
	status := StatusCompleted
	var early int
	tx.QueryRow(`SELECT COUNT(*) FROM early_cancels WHERE merchant_payment_id=?`, req.MerchantPaymentID).Scan(&early)
	now := s.opt.Now().Unix()
	canceledAt := int64(0)
	if early > 0 {
		// A cancel came first: the late payment is reversed at once.
		status, canceledAt = StatusFailed, now
	}
	pid := fmt.Sprintf("%d%s", now, randHex(6))
	_, err = tx.Exec(`INSERT INTO payments(merchant_payment_id, merchant_id, payment_id, code, code_masked, amount, status, brand, accepted_at, requested_at, terminal_id, store_id, receipt_no, canceled_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, req.MerchantPaymentID, merchant, pid, codeDigest(req.UserAuthorizationID), MaskCode(req.UserAuthorizationID), req.Amount.Amount, status, brand.Name, now, req.RequestedAt, req.TerminalID, req.StoreID, req.OrderReceiptNumber, canceledAt)
	if err == nil {
		_, err = tx.Exec(`INSERT INTO events(terminal_id, kind, brand, amount, at) VALUES (?,?,?,?,?)`, req.TerminalID, "sale", brand.Name, req.Amount.Amount, now)
	}
	if err == nil && early > 0 {
		_, err = tx.Exec(`INSERT INTO events(terminal_id, kind, brand, amount, at) VALUES (?,?,?,?,?)`, req.TerminalID, "cancel", brand.Name, req.Amount.Amount, now)
	}
	if err != nil || tx.Commit() != nil {
		return Payment{}, 500, "INTERNAL_SERVER_ERROR"
	}
	p, _ := s.loadPayment(req.MerchantPaymentID)
	s.opt.Log.Info("payment", "merchantPaymentId", req.MerchantPaymentID, "code", MaskCode(req.UserAuthorizationID), "amount", req.Amount.Amount, "status", status)
	return p, 201, "SUCCESS"
}

// MaskCode keeps the first 4 and last 2 characters of a customer code for logs.
func MaskCode(c string) string {
	if len(c) <= 6 {
		return strings.Repeat("*", len(c))
	}
	return c[:4] + strings.Repeat("*", len(c)-6) + c[len(c)-2:]
}

// loadPayment reads a payment of merchant ("" for any); another
// merchant's payment is not found.
func (s *Sim) loadPayment(mpid string, merchant ...string) (Payment, bool) {
	p, owner, _, ok := s.loadPaymentRow(mpid)
	if !ok || (len(merchant) > 0 && merchant[0] != owner) {
		return Payment{}, false
	}
	return p, true
}

// loadPaymentRow reads a payment with its merchant and its code's digest;
// the payment shows the code masked, as the simulator keeps it.
func (s *Sim) loadPaymentRow(mpid string) (Payment, string, string, bool) {
	var p Payment
	var canceledAt int64
	var owner, digest string
	err := s.db.QueryRow(`SELECT merchant_payment_id, merchant_id, payment_id, code, code_masked, amount, status, brand, accepted_at, requested_at, terminal_id, store_id, receipt_no, canceled_at
		FROM payments WHERE merchant_payment_id=?`, mpid).Scan(&p.MerchantPaymentID, &owner, &p.PaymentID, &digest, &p.UserAuthorizationID, &p.Amount.Amount, &p.Status, &p.Brand, &p.AcceptedAt, &p.RequestedAt, &p.TerminalID, &p.StoreID, &p.OrderReceiptNumber, &canceledAt)
	if err != nil {
		return Payment{}, "", "", false
	}
	if !strings.HasPrefix(digest, "sha256:") { // a state file from before codes were hashed
		digest, p.UserAuthorizationID = codeDigest(digest), MaskCode(digest)
	}
	p.Amount.Currency = "JPY"
	refunds, _ := s.refundsOf(p.PaymentID)
	p.Refunds = &RefundList{Data: refunds}
	return p, owner, digest, true
}

func (s *Sim) refundsOf(paymentID string) ([]Refund, error) {
	rows, err := s.db.Query(`SELECT merchant_refund_id, amount, accepted_at, requested_at, reason FROM refunds WHERE payment_id=? ORDER BY accepted_at`, paymentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Refund{}
	for rows.Next() {
		rf := Refund{PaymentID: paymentID, Status: StatusRefunded, Amount: Money{Currency: "JPY"}}
		if err := rows.Scan(&rf.MerchantRefundID, &rf.Amount.Amount, &rf.AcceptedAt, &rf.RequestedAt, &rf.Reason); err != nil {
			return nil, err
		}
		out = append(out, rf)
	}
	return out, rows.Err()
}

func (s *Sim) unsettled(mpid string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	until, ok := s.unsettledUntil[mpid]
	return ok && s.opt.Now().Before(until)
}

func (s *Sim) getPayment(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if s.unsettled(id) {
		writeErr(w, 502, "BAD_GATEWAY", "bad gateway")
		return
	}
	s.mu.Lock()
	p, ok := s.loadPayment(id, merchantOf(r))
	s.mu.Unlock()
	if !ok {
		writeErr(w, 404, "RESOURCE_NOT_FOUND", "no such payment")
		return
	}
	writeJSON(w, 200, "SUCCESS", "Success", p)
}

func (s *Sim) cancelPayment(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if s.unsettled(id) {
		writeErr(w, 502, "BAD_GATEWAY", "bad gateway")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, owner, _, ok := s.loadPaymentRow(id)
	if ok && owner != merchantOf(r) {
		writeErr(w, 404, "RESOURCE_NOT_FOUND", "no such payment")
		return
	}
	if !ok {
		// Accepted: a payment arriving later under this id is reversed at once.
		s.db.Exec(`INSERT OR IGNORE INTO early_cancels(merchant_payment_id) VALUES (?)`, id)
		writeJSON(w, 202, "REQUEST_ACCEPTED", "Request accepted", nil)
		return
	}
	if s.opt.Suspended[p.TerminalID] {
		writeErr(w, 401, "OP_OUT_OF_SCOPE", "terminal suspended")
		return
	}
	switch {
	case p.Status == StatusFailed || p.Status == StatusCanceled:
		writeErr(w, 400, "ORDER_NOT_REVERSIBLE", "already canceled")
		return
	case len(p.Refunds.Data) > 0:
		writeErr(w, 400, "ORDER_NOT_REVERSIBLE", "refunded orders cannot be canceled")
		return
	case s.opt.Now().After(s.cancelDeadline(p.AcceptedAt)):
		writeErr(w, 400, "ORDER_NOT_REVERSIBLE", "cancel window is over")
		return
	}
	now := s.opt.Now().Unix()
	tx, err := s.db.Begin()
	if err == nil {
		defer tx.Rollback()
		_, err = tx.Exec(`UPDATE payments SET status=?, canceled_at=? WHERE merchant_payment_id=?`, StatusFailed, now, id)
	}
	if err == nil {
		_, err = tx.Exec(`INSERT INTO events(terminal_id, kind, brand, amount, at) VALUES (?,?,?,?,?)`, p.TerminalID, "cancel", p.Brand, p.Amount.Amount, now)
	}
	if err != nil || tx.Commit() != nil {
		writeErr(w, 500, "INTERNAL_SERVER_ERROR", "store failed")
		return
	}
	writeJSON(w, 202, "REQUEST_ACCEPTED", "Request accepted", nil)
}

func (s *Sim) createRefund(w http.ResponseWriter, r *http.Request) {
	var req RefundRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.MerchantRefundID == "" || req.PaymentID == "" {
		writeErr(w, 400, "MISSING_REQUEST_PARAMS", "merchantRefundId and paymentId are required")
		return
	}
	if !merchantIDPattern.MatchString(req.MerchantRefundID) || req.Amount.Amount <= 0 {
		writeErr(w, 400, "INVALID_PARAMS", "merchantRefundId or amount is invalid")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var existingPID string
	var existingAmount int64
	if err := s.db.QueryRow(`SELECT payment_id, amount FROM refunds WHERE merchant_refund_id=?`, req.MerchantRefundID).Scan(&existingPID, &existingAmount); err == nil {
		if existingPID != req.PaymentID || existingAmount != req.Amount.Amount || !s.paymentIsMerchants(existingPID, merchantOf(r)) {
			writeErr(w, 400, "ORDER_NOT_REVERSIBLE", "merchantRefundId already used")
			return
		}
		rf, _ := s.loadRefund(req.MerchantRefundID)
		writeJSON(w, 200, "SUCCESS", "Success", rf)
		return
	}
	var mpid string
	if err := s.db.QueryRow(`SELECT merchant_payment_id FROM payments WHERE payment_id=?`, req.PaymentID).Scan(&mpid); err != nil {
		writeErr(w, 404, "RESOURCE_NOT_FOUND", "no such payment")
		return
	}
	p, ok := s.loadPayment(mpid, merchantOf(r))
	if !ok {
		writeErr(w, 404, "RESOURCE_NOT_FOUND", "no such payment")
		return
	}
	if s.opt.Suspended[p.TerminalID] {
		writeErr(w, 401, "OP_OUT_OF_SCOPE", "terminal suspended")
		return
	}
	if p.Status != StatusCompleted && p.Status != StatusRefunded {
		writeErr(w, 400, "ORDER_NOT_REVERSIBLE", "payment is not completed")
		return
	}
	var refunded int64
	for _, rf := range p.Refunds.Data {
		refunded += rf.Amount.Amount
	}
	left := p.Amount.Amount - refunded
	if left == 0 {
		writeErr(w, 400, "ORDER_NOT_REVERSIBLE", "already refunded")
		return
	}
	brand, _ := codes.BrandByName(p.Brand)
	if req.Amount.Amount > left || (!brand.PartialRefund && req.Amount.Amount != left) {
		writeErr(w, 400, "INVALID_PARAMS", "refund amount is over what is left, or partial refunds are not allowed")
		return
	}
	now := s.opt.Now().Unix()
	tx, err := s.db.Begin()
	if err != nil {
		writeErr(w, 500, "INTERNAL_SERVER_ERROR", "store failed")
		return
	}
	defer tx.Rollback()
	tx.Exec(`INSERT INTO refunds(merchant_refund_id, payment_id, amount, accepted_at, requested_at, reason, terminal_id) VALUES (?,?,?,?,?,?,?)`,
		req.MerchantRefundID, req.PaymentID, req.Amount.Amount, now, req.RequestedAt, req.Reason, p.TerminalID)
	if req.Amount.Amount == left {
		tx.Exec(`UPDATE payments SET status=? WHERE payment_id=?`, StatusRefunded, req.PaymentID)
	}
	tx.Exec(`INSERT INTO events(terminal_id, kind, brand, amount, at) VALUES (?,?,?,?,?)`, p.TerminalID, "refund", p.Brand, req.Amount.Amount, now)
	if err := tx.Commit(); err != nil {
		writeErr(w, 500, "INTERNAL_SERVER_ERROR", "store failed")
		return
	}
	rf, _ := s.loadRefund(req.MerchantRefundID)
	writeJSON(w, 201, "SUCCESS", "Success", rf)
}

// paymentIsMerchants tells whether the payment (by the center's id) is merchant's.
func (s *Sim) paymentIsMerchants(paymentID, merchant string) bool {
	var owner string
	err := s.db.QueryRow(`SELECT merchant_id FROM payments WHERE payment_id=?`, paymentID).Scan(&owner)
	return err == nil && owner == merchant
}

func (s *Sim) loadRefund(id string) (Refund, bool) {
	rf := Refund{MerchantRefundID: id, Status: StatusRefunded, Amount: Money{Currency: "JPY"}}
	err := s.db.QueryRow(`SELECT payment_id, amount, accepted_at, requested_at, reason FROM refunds WHERE merchant_refund_id=?`, id).
		Scan(&rf.PaymentID, &rf.Amount.Amount, &rf.AcceptedAt, &rf.RequestedAt, &rf.Reason)
	return rf, err == nil
}

func (s *Sim) getRefund(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rf, ok := s.loadRefund(r.PathValue("id"))
	ok = ok && s.paymentIsMerchants(rf.PaymentID, merchantOf(r))
	s.mu.Unlock()
	if !ok {
		writeErr(w, 404, "NO_SUCH_REFUND_ORDER", "no such refund")
		return
	}
	writeJSON(w, 200, "SUCCESS", "Success", rf)
}

// TLSListener wraps l to serve TLS with a certificate and key in PEM files.
func TLSListener(l net.Listener, certFile, keyFile string) (net.Listener, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("center tls: %w", err)
	}
	return tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}), nil
}

// ServeLoopback runs the simulator on a free loopback port (the demo's
// embedded center, and the tests') and returns its URL and a stop func.
func (s *Sim) ServeLoopback() (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.Serve(l); err != nil && !errors.Is(err, net.ErrClosed) {
			s.opt.Log.Error("center simulator", "err", err)
		}
	}()
	return "http://" + l.Addr().String(), func() { l.Close(); <-done }, nil
}
