package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Report is a stored totals report.
type Report struct {
	ID               int64
	Kind             string // DAILY or INTERIM
	Seq              int64
	MerchantTotalsID string
	Service          string
	Body             string // the center's totals as JSON
	At               time.Time
	Practice         bool
}

// SaveDaily stores a 日計 report and clears the transaction data it closes
// (those numbered up to upTo, or every open one when upTo is 0), in one
// SQL transaction: the reprint list starts empty, the closed rows stay for
// audit. Intents and unknown outcomes stay open until settled. The
// pending 日計 (PendingDaily) is cleared in the same transaction.
func (s *DB) SaveDaily(ctx context.Context, r *Report, upTo int64) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM totals WHERE kind='DAILY' AND merchant_totals_id=? AND merchant_totals_id<>''`, r.MerchantTotalsID).Scan(&n); err != nil {
			return err
		}
		if !r.Practice {
			if _, err := tx.Exec(`DELETE FROM settings WHERE key=?`, settingPendingDaily); err != nil {
				return err
			}
		}
		if n > 0 {
			return nil // a replay after a crash: already stored and cleared
		}
		res, err := tx.Exec(`INSERT INTO totals(kind, seq, merchant_totals_id, service, body, at, practice) VALUES ('DAILY',?,?,?,?,?,?)`,
			r.Seq, r.MerchantTotalsID, r.Service, r.Body, r.At.Format(time.RFC3339), r.Practice)
		if err != nil {
			return err
		}
		r.ID, _ = res.LastInsertId()
		if upTo <= 0 {
			upTo = 1<<62 - 1
		}
		_, err = tx.Exec(`UPDATE txns SET closed_seq=? WHERE closed_seq IS NULL AND practice=? AND state IN ('done', 'failed') AND id<=?`, r.ID, r.Practice, upTo)
		return err
	})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	return nil
}

const settingPendingDaily = "daily_pending"

// PendingDaily is a 日計 sent to the center whose answer is not stored: its
// merchantTotalsId and the last transaction it covers. ok is false when
// none is pending.
func (s *DB) PendingDaily(ctx context.Context) (mtid string, upTo int64, ok bool, err error) {
	v, err := s.Setting(settingPendingDaily)
	if err != nil || v == "" {
		return "", 0, false, err
	}
	if _, err := fmt.Sscanf(v, "%s %d", &mtid, &upTo); err != nil {
		return "", 0, false, fmt.Errorf("%w: pending 日計 %q", ErrCorrupt, v)
	}
	return mtid, upTo, true, nil
}

// BeginDaily records a 日計 about to be sent (before the center is asked),
// covering every transaction numbered so far; it returns that number.
func (s *DB) BeginDaily(ctx context.Context, mtid string) (int64, error) {
	var upTo int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM txns`).Scan(&upTo); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`,
			settingPendingDaily, fmt.Sprintf("%s %d", mtid, upTo))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrWrite, err)
	}
	return upTo, nil
}

// ClearPendingDaily forgets a pending 日計 that the center refused (it
// closed nothing).
func (s *DB) ClearPendingDaily(ctx context.Context) error {
	_, err := s.exec(ctx, `DELETE FROM settings WHERE key=?`, settingPendingDaily)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	return nil
}

// DailyByID reads the stored 日計 of a merchantTotalsId.
func (s *DB) DailyByID(ctx context.Context, mtid string) (Report, error) {
	var r Report
	var at string
	err := s.db.QueryRowContext(ctx, `SELECT id, kind, seq, merchant_totals_id, service, body, at, practice FROM totals WHERE kind='DAILY' AND merchant_totals_id=?`, mtid).
		Scan(&r.ID, &r.Kind, &r.Seq, &r.MerchantTotalsID, &r.Service, &r.Body, &at, &r.Practice)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	r.At, _ = time.Parse(time.RFC3339, at)
	return r, err
}

// SaveInterim stores a 中間計 report; nothing is cleared.
func (s *DB) SaveInterim(ctx context.Context, r *Report) error {
	res, err := s.exec(ctx, `INSERT INTO totals(kind, service, body, at, practice) VALUES ('INTERIM',?,?,?,?)`, r.Service, r.Body, r.At.Format(time.RFC3339), r.Practice)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	r.ID, _ = res.LastInsertId()
	return nil
}

// Reports lists stored reports of a kind, newest first (the 日計再印字 list).
func (s *DB) Reports(ctx context.Context, kind string, practice bool, limit int) ([]Report, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, seq, merchant_totals_id, service, body, at, practice FROM totals WHERE kind=? AND practice=? ORDER BY id DESC LIMIT ?`, kind, practice, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		var r Report
		var at string
		if err := rows.Scan(&r.ID, &r.Kind, &r.Seq, &r.MerchantTotalsID, &r.Service, &r.Body, &at, &r.Practice); err != nil {
			return nil, err
		}
		r.At, _ = time.Parse(time.RFC3339, at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ClosedTxns lists the transactions a 日計 closed, completed and failed
// (its 取引明細 on reprint), oldest first.
func (s *DB) ClosedTxns(ctx context.Context, reportID int64, limit int) ([]Txn, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+txnCols+` FROM txns WHERE closed_seq=? AND state IN ('done', 'failed') ORDER BY id LIMIT ?`, reportID, limit)
	if err != nil {
		return nil, err
	}
	return scanTxns(rows)
}

// SaveService stores the report of another payment service of a batch.
func (s *DB) SaveService(ctx context.Context, r *Report, kind string) error {
	if kind == "DAILY" && r.MerchantTotalsID != "" {
		// A replay after a crash: the close is stored once.
		var n int
		s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM totals WHERE kind='DAILY' AND merchant_totals_id=? AND service=?`, r.MerchantTotalsID, r.Service).Scan(&n)
		if n > 0 {
			return nil
		}
	}
	res, err := s.exec(ctx, `INSERT INTO totals(kind, seq, merchant_totals_id, service, body, at, practice) VALUES (?,?,?,?,?,?,?)`,
		kind, r.Seq, r.MerchantTotalsID, r.Service, r.Body, r.At.Format(time.RFC3339), r.Practice)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	r.ID, _ = res.LastInsertId()
	return nil
}

// SaveSalesReport stores a 売上報告 (sent, or only output).
func (s *DB) SaveSalesReport(ctx context.Context, merchantReportID, body string, sent, practice bool, at time.Time) error {
	_, err := s.exec(ctx, `INSERT INTO sales_reports(merchant_report_id, body, sent, at, practice) VALUES (?,?,?,?,?)
		ON CONFLICT(merchant_report_id) DO UPDATE SET body=excluded.body, sent=excluded.sent`, merchantReportID, body, sent, at.Format(time.RFC3339), practice)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	return nil
}
