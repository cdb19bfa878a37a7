// Package store keeps the terminal's data in one SQLite file: transactions,
// the POS request journal, totals history, sales reports and settings.
// Every state change is one SQL transaction, so a power failure leaves
// either the old state or the new one.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	_ "modernc.org/sqlite" // pure-Go SQLite: no cgo for the store
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the terminal's store.
type DB struct {
	db   *sql.DB
	path string
}

// ErrCorrupt means the file is not a database this terminal can use; it is
// left untouched.
var ErrCorrupt = errors.New("database file is damaged or not a codepay database")

// Open opens or creates the store at path (mode 0600) and migrates it.
func Open(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		f.Close()
	}
	// WAL with synchronous=FULL: a commit survives a power cut. The pragmas
	// go in the DSN so that every pooled connection gets them.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(ON)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	s := &DB{db: db, path: path}
	if err := s.check(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// check refuses a file that is not a readable database before anything is
// written to it. Reading the schema catches a damaged header or schema at
// once; a full scan (Verify) would cost seconds on a million rows, so it
// runs after start-up instead.
func (s *DB) check() error {
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM sqlite_master`).Scan(&n); err != nil {
		return fmt.Errorf("store %s: %w: %v", s.path, ErrCorrupt, err)
	}
	return nil
}

// Verify runs SQLite's quick_check over the whole file.
func (s *DB) Verify() error {
	var res string
	if err := s.db.QueryRow(`PRAGMA quick_check`).Scan(&res); err != nil {
		return fmt.Errorf("store %s: %w: %v", s.path, ErrCorrupt, err)
	}
	if res != "ok" {
		return fmt.Errorf("store %s: %w: %s", s.path, ErrCorrupt, res)
	}
	return nil
}

// Close closes the file.
func (s *DB) Close() error { return s.db.Close() }

// Path is the database file.
func (s *DB) Path() string { return s.path }

func (s *DB) migrate() error {
	if _, err := s.db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return fmt.Errorf("store migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("store migrate: bad file name %s", name)
		}
		if err := s.tx(context.Background(), func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE version=?`, v).Scan(&n); err != nil || n > 0 {
				return err
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(string(body)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			_, err = tx.Exec(`INSERT INTO schema_migrations(version) VALUES (?)`, v)
			return err
		}); err != nil {
			return fmt.Errorf("store migrate: %w", err)
		}
	}
	return nil
}

// tx runs fn in one SQL transaction.
func (s *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Setting reads a setting ("" when unset).
func (s *DB) Setting(key string) (string, error) {
	var v string
	err := s.db.QueryRow(`SELECT value FROM settings WHERE key=?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetSetting writes a setting.
func (s *DB) SetSetting(key, value string) error {
	_, err := s.db.Exec(`INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`, key, value)
	return err
}
