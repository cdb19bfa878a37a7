package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Txn kinds and states.
const (
	KindPayment = "payment"
	KindCancel  = "cancel"
	KindRefund  = "refund"

	StateIntent  = "intent"
	StateDone    = "done"
	StateFailed  = "failed"
	StateUnknown = "unknown"
)

// Txn is one stored transaction.
type Txn struct {
	ID            int64
	Kind          string
	State         string
	SlipNo        string // 伝票番号, five digits
	MerchantTxnID string // 加盟店取引番号 from the POS
	CenterID      string // merchantPaymentId / merchantRefundId sent to the center
	PaymentID     string // the center's payment id
	OriginalID    int64  // for cancels and refunds
	Brand         string
	Amount        int64
	CodeMasked    string
	At            time.Time
	ErrorCode     string
	Practice      bool
	RequestID     string
	Closed        bool
	// Reversed marks a failed payment that the center holds as reversed
	// (counted there as 売上 and 取消).
	Reversed bool
}

// ErrSlipNo means no slip number could be made (QRNE0019 on screen).
var ErrSlipNo = errors.New("slip number could not be made")

// ErrWrite means a state change could not be stored (QRNE0105 on screen).
var ErrWrite = errors.New("database write failed")

// ErrNotFound means no such transaction.
var ErrNotFound = errors.New("no such transaction")

// SlipNoMax is where the five-digit slip counter wraps back to 00001.
const SlipNoMax = 99999

// BeginTxn numbers a new transaction and stores it as an intent, in one
// SQL transaction; it fills ID, SlipNo and State.
func (s *DB) BeginTxn(ctx context.Context, t *Txn) error {
	counter := "slip"
	if t.Practice {
		counter = "slip_practice"
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int64
		err := tx.QueryRow(`SELECT value FROM counters WHERE name=?`, counter).Scan(&n)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: %v", ErrSlipNo, err)
		}
		n++
		if n > SlipNoMax {
			n = 1
		}
		if _, err := tx.Exec(`INSERT INTO counters(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value=excluded.value`, counter, n); err != nil {
			return fmt.Errorf("%w: %v", ErrSlipNo, err)
		}
		t.SlipNo = fmt.Sprintf("%05d", n)
		t.State = StateIntent
		var orig any
		if t.OriginalID != 0 {
			orig = t.OriginalID
		}
		res, err := tx.Exec(`INSERT INTO txns(kind, state, slip_no, merchant_txn_id, center_id, payment_id, original_id, brand, amount, code_masked, at, practice, request_id)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`, t.Kind, t.State, t.SlipNo, t.MerchantTxnID, t.CenterID, t.PaymentID, orig, t.Brand, t.Amount, t.CodeMasked,
			t.At.Format(time.RFC3339), t.Practice, t.RequestID)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrWrite, err)
		}
		t.ID, err = res.LastInsertId()
		return err
	})
	if err != nil && !errors.Is(err, ErrSlipNo) && !errors.Is(err, ErrWrite) {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	return err
}

// SettleTxn records the outcome of an intent.
func (s *DB) SettleTxn(ctx context.Context, id int64, state, paymentID, brand, errorCode string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE txns SET state=?, payment_id=CASE WHEN ?='' THEN payment_id ELSE ? END,
		brand=CASE WHEN ?='' THEN brand ELSE ? END, error_code=?, at=? WHERE id=?`,
		state, paymentID, paymentID, brand, brand, errorCode, at.Format(time.RFC3339), id)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	return nil
}

const txnCols = `id, kind, state, slip_no, merchant_txn_id, center_id, payment_id, COALESCE(original_id, 0), brand, amount, code_masked, at, error_code, practice, request_id, closed_seq IS NOT NULL, reversed`

func scanTxns(rows *sql.Rows) ([]Txn, error) {
	defer rows.Close()
	var out []Txn
	for rows.Next() {
		var t Txn
		var at string
		if err := rows.Scan(&t.ID, &t.Kind, &t.State, &t.SlipNo, &t.MerchantTxnID, &t.CenterID, &t.PaymentID, &t.OriginalID, &t.Brand, &t.Amount, &t.CodeMasked, &at, &t.ErrorCode, &t.Practice, &t.RequestID, &t.Closed, &t.Reversed); err != nil {
			return nil, err
		}
		t.At, _ = time.Parse(time.RFC3339, at)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Txn reads one transaction by id.
func (s *DB) Txn(ctx context.Context, id int64) (Txn, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+txnCols+` FROM txns WHERE id=?`, id)
	if err != nil {
		return Txn{}, err
	}
	ts, err := scanTxns(rows)
	if err != nil {
		return Txn{}, err
	}
	if len(ts) == 0 {
		return Txn{}, ErrNotFound
	}
	return ts[0], nil
}

// History is the completed transactions since the last 日計, newest first:
// the 業務再印字 list and the 取引明細 of a report. Practice transactions
// never appear among the real ones.
func (s *DB) History(ctx context.Context, practice bool, limit int) ([]Txn, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+txnCols+` FROM txns WHERE practice=? AND closed_seq IS NULL AND state='done' ORDER BY id DESC LIMIT ?`, practice, limit)
	if err != nil {
		return nil, err
	}
	return scanTxns(rows)
}

// Details are the report's 取引明細: every transaction since the last
// 日計 that ended, numbered up to upTo (0: all), oldest first. Completed
// ones count; failed ones are listed so that no slip number goes missing
// on paper, and count only when the center holds them reversed.
func (s *DB) Details(ctx context.Context, practice bool, upTo int64) ([]Txn, error) {
	if upTo <= 0 {
		upTo = 1<<62 - 1
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+txnCols+` FROM txns WHERE practice=? AND closed_seq IS NULL AND state IN ('done', 'failed') AND id<=? ORDER BY id`, practice, upTo)
	if err != nil {
		return nil, err
	}
	return scanTxns(rows)
}

// SetReversed records that the center holds a failed payment as reversed.
// With reopen it goes into the open period (out of an earlier 日計 that
// closed it before the center had it): it counts where the center counts it.
func (s *DB) SetReversed(ctx context.Context, id int64, reopen bool) error {
	q := `UPDATE txns SET reversed=1 WHERE id=?`
	if reopen {
		q = `UPDATE txns SET reversed=1, closed_seq=NULL WHERE id=?`
	}
	_, err := s.exec(ctx, q, id)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	return nil
}

// ReversalCandidates are the real payments that failed with one of codes
// (cancelled after an unknown outcome) since a time, not yet known to be
// reversed at the center, closed or not.
func (s *DB) ReversalCandidates(ctx context.Context, codes []string, since time.Time) ([]Txn, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	q := `SELECT ` + txnCols + ` FROM txns WHERE kind='payment' AND state='failed' AND reversed=0 AND practice=0 AND error_code IN (?` + strings.Repeat(",?", len(codes)-1) + `) ORDER BY id`
	args := make([]any, len(codes))
	for i, c := range codes {
		args[i] = c
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	all, err := scanTxns(rows)
	if err != nil {
		return nil, err
	}
	var out []Txn
	for _, x := range all {
		if !x.At.Before(since) {
			out = append(out, x)
		}
	}
	return out, nil
}

// Find finds a completed transaction by slip number or 加盟店取引番号 (the
// newest when several match), among practice or real ones; openOnly keeps
// to those since the last 日計, kind ("" for any) to one kind.
func (s *DB) Find(ctx context.Context, slipNo, merchantTxnID, kind string, practice, openOnly bool) (Txn, error) {
	q, arg := `slip_no=?`, slipNo
	if slipNo == "" {
		q, arg = `merchant_txn_id=?`, merchantTxnID
	}
	args := []any{arg}
	if kind != "" {
		q += ` AND kind=?`
		args = append(args, kind)
	}
	if openOnly {
		q += ` AND closed_seq IS NULL`
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+txnCols+` FROM txns WHERE `+q+` AND practice=? AND state='done' ORDER BY id DESC LIMIT 1`, append(args, practice)...)
	if err != nil {
		return Txn{}, err
	}
	ts, err := scanTxns(rows)
	if err != nil {
		return Txn{}, err
	}
	if len(ts) == 0 {
		return Txn{}, ErrNotFound
	}
	return ts[0], nil
}

// Unsettled lists intents and unknown outcomes: the work of start-up
// recovery and the 要確認 list.
func (s *DB) Unsettled(ctx context.Context) ([]Txn, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+txnCols+` FROM txns WHERE state IN ('intent', 'unknown') ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return scanTxns(rows)
}

// CountOpen counts the real transactions since the last 日計 (the capacity check).
func (s *DB) CountOpen(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM txns WHERE practice=0 AND closed_seq IS NULL`).Scan(&n)
	return n, err
}

// Refunded sums what has been cancelled or refunded of a payment.
func (s *DB) Refunded(ctx context.Context, originalID int64) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount), 0) FROM txns WHERE original_id=? AND state IN ('done', 'intent', 'unknown')`, originalID).Scan(&n)
	return n, err
}

// TxnsOfRequest lists the transactions a POS request made, oldest first.
func (s *DB) TxnsOfRequest(ctx context.Context, requestID string) ([]Txn, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+txnCols+` FROM txns WHERE request_id=? ORDER BY id`, requestID)
	if err != nil {
		return nil, err
	}
	return scanTxns(rows)
}

// AllTxns lists every transaction, oldest first (audits and tests).
func (s *DB) AllTxns(ctx context.Context) ([]Txn, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+txnCols+` FROM txns ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return scanTxns(rows)
}
