package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Request is one POS request in the journal.
type Request struct {
	ID       string
	Op       string
	Hash     string
	Result   string // the final result as sent, "" while running
	Practice bool
}

// Request reads a journal entry; ok is false for an id never seen.
func (s *DB) Request(ctx context.Context, id string) (Request, bool, error) {
	r := Request{ID: id}
	var res sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT op, hash, result, practice FROM requests WHERE id=?`, id).Scan(&r.Op, &r.Hash, &res, &r.Practice)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	r.Result = res.String
	return r, err == nil, err
}

// StartRequest journals a request before it runs.
func (s *DB) StartRequest(ctx context.Context, id, op, hash string, practice bool) error {
	_, err := s.exec(ctx, `INSERT INTO requests(id, op, hash, practice, created_at) VALUES (?,?,?,?,?)`, id, op, hash, practice, time.Now().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	return nil
}

// FinishRequest stores a request's final result before it is sent.
func (s *DB) FinishRequest(ctx context.Context, id, result string) error {
	_, err := s.exec(ctx, `UPDATE requests SET result=?, done_at=? WHERE id=?`, result, time.Now().Format(time.RFC3339), id)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	return nil
}

// RunningRequests lists journaled requests without a final result.
func (s *DB) RunningRequests(ctx context.Context) ([]Request, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, op, hash, practice FROM requests WHERE result IS NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		var r Request
		if err := rows.Scan(&r.ID, &r.Op, &r.Hash, &r.Practice); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SetRequestRef files a request's outcome under ref (a 日計's merchantTotalsId).
func (s *DB) SetRequestRef(ctx context.Context, id, ref string) error {
	_, err := s.exec(ctx, `UPDATE requests SET ref=? WHERE id=?`, ref, id)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	return nil
}

// RequestRef reads what SetRequestRef filed.
func (s *DB) RequestRef(ctx context.Context, id string) (string, error) {
	var ref string
	err := s.db.QueryRowContext(ctx, `SELECT ref FROM requests WHERE id=?`, id).Scan(&ref)
	return ref, err
}

// UnknownRequests lists the requests of op whose stored result is an
// unknown outcome (to be replaced once it is settled).
func (s *DB) UnknownRequests(ctx context.Context, op string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM requests WHERE op=? AND result IS NOT NULL AND json_extract(result, '$.error.outcomeUnknown')=1`, op)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
