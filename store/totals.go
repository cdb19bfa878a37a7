package store

import (
	"context"
	"database/sql"
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

// SaveDaily stores a 日計 report and clears the transaction data it closes,
// in one SQL transaction: the reprint list starts empty, the closed rows
// stay for audit. Intents and unknown outcomes stay open until settled.
func (s *DB) SaveDaily(ctx context.Context, r *Report) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM totals WHERE kind='DAILY' AND merchant_totals_id=? AND merchant_totals_id<>''`, r.MerchantTotalsID).Scan(&n); err != nil {
			return err
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
		_, err = tx.Exec(`UPDATE txns SET closed_seq=? WHERE closed_seq IS NULL AND practice=? AND state IN ('done', 'failed')`, r.ID, r.Practice)
		return err
	})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	return nil
}

// SaveInterim stores a 中間計 report; nothing is cleared.
func (s *DB) SaveInterim(ctx context.Context, r *Report) error {
	res, err := s.db.ExecContext(ctx, `INSERT INTO totals(kind, service, body, at, practice) VALUES ('INTERIM',?,?,?,?)`, r.Service, r.Body, r.At.Format(time.RFC3339), r.Practice)
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

// ClosedTxns lists the transactions a 日計 closed (for its 取引明細 on reprint).
func (s *DB) ClosedTxns(ctx context.Context, reportID int64, limit int) ([]Txn, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+txnCols+` FROM txns WHERE closed_seq=? AND state='done' ORDER BY id LIMIT ?`, reportID, limit)
	if err != nil {
		return nil, err
	}
	return scanTxns(rows)
}

// SaveService stores the report of another payment service of a batch.
func (s *DB) SaveService(ctx context.Context, r *Report, kind string) error {
	res, err := s.db.ExecContext(ctx, `INSERT INTO totals(kind, seq, merchant_totals_id, service, body, at, practice) VALUES (?,?,?,?,?,?,?)`,
		kind, r.Seq, r.MerchantTotalsID, r.Service, r.Body, r.At.Format(time.RFC3339), r.Practice)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	r.ID, _ = res.LastInsertId()
	return nil
}

// SaveSalesReport stores a 売上報告 (sent, or only output).
func (s *DB) SaveSalesReport(ctx context.Context, merchantReportID, body string, sent, practice bool, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sales_reports(merchant_report_id, body, sent, at, practice) VALUES (?,?,?,?,?)
		ON CONFLICT(merchant_report_id) DO UPDATE SET body=excluded.body, sent=excluded.sent`, merchantReportID, body, sent, at.Format(time.RFC3339), practice)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	return nil
}
