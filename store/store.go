// Package store keeps the terminal's data in one SQLite file: transactions,
// the POS request journal, totals history, sales reports and settings.
// Every state change is one SQL transaction, so a power failure leaves
// either the old state or the new one.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // pure-Go SQLite: no cgo for the store
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the terminal's store.
type DB struct {
	db   *sql.DB
	path string

	faultMu sync.Mutex
	fault   error // a write fault a test has injected (a full disk)
	// clean is true when the last run closed the file cleanly and nothing
	// touched it since (CleanStart).
	clean bool
}

// CleanStart tells whether the last run closed the store cleanly and the
// file is as it left it (same size and modification time). Otherwise (a
// power failure, a crash, a file changed from outside) the whole file must
// be checked before it is written to.
func (s *DB) CleanStart() bool { return s.clean }

func cleanPath(path string) string { return path + ".clean" }

// fileStamp identifies the database file's state: size and modification time.
func fileStamp(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%d %d", st.Size(), st.ModTime().UnixNano())
}

// ErrCorrupt means the file is not a database this terminal can use; it is
// left untouched.
var ErrCorrupt = errors.New("database file is damaged or not a codepay database")

// ErrReplaced means the store that was here is gone: the file is missing,
// empty or another store's, while the marker beside it says a store was
// created at this path. Nothing is written; old request ids must not run
// again and slip numbers must not restart.
var ErrReplaced = errors.New("the database file was lost or replaced")

// ErrReadOnly means the data folder or file cannot be written.
var ErrReadOnly = errors.New("the data folder is not writable")

// MarkerPath is the file that says a store exists at path. It lives
// outside the database so that a deleted, truncated or swapped database is
// told apart from a terminal's first start.
func MarkerPath(path string) string { return path + ".marker" }

const settingStoreID = "store_id"

// DSN is the SQLite connection string for path: a file: URI with the path
// percent-encoded, so that no character of the folder's name ('#', '?',
// '%', '&'...) is taken for part of the URI and every pragma applies.
func DSN(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	q["_pragma"] = []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(5000)", "foreign_keys(ON)"}
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	// url.URL writes "file:///abs"; SQLite takes an empty authority.
	return u.String(), nil
}

// Open opens or creates the store at path (mode 0600) and migrates it.
func Open(path string) (*DB, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store %s: %w: %v", dir, ErrReadOnly, err)
	}
	if err := writable(dir); err != nil {
		return nil, fmt.Errorf("store %s: %w: %v", dir, ErrReadOnly, err)
	}
	marker, merr := os.ReadFile(MarkerPath(path))
	if merr != nil && !errors.Is(merr, fs.ErrNotExist) {
		return nil, fmt.Errorf("store %s: %w", MarkerPath(path), merr)
	}
	hasMarker := merr == nil
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if hasMarker {
			return nil, fmt.Errorf("store %s: %w (the file is missing)", path, ErrReplaced)
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		f.Close()
	case err != nil:
		return nil, fmt.Errorf("store: %w", err)
	case fi.Size() == 0 && hasMarker:
		return nil, fmt.Errorf("store %s: %w (the file is empty)", path, ErrReplaced)
	}
	dsn, err := DSN(path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// The clean mark is read and removed before anything else: from now on
	// until Close, a stop is not clean.
	stamp, _ := os.ReadFile(cleanPath(path))
	os.Remove(cleanPath(path))
	s := &DB{db: db, path: path}
	s.clean = len(stamp) > 0 && strings.TrimSpace(string(stamp)) == fileStamp(path) && fileStamp(path+"-wal") == ""
	if err := s.check(); err != nil {
		db.Close()
		return nil, err
	}
	if hasMarker {
		// Compare before anything is written: a swapped file stays as found.
		id, err := s.Setting(settingStoreID)
		if err != nil || id == "" || id != strings.TrimSpace(string(marker)) {
			db.Close()
			return nil, fmt.Errorf("store %s: %w (it is not the store the marker names)", path, ErrReplaced)
		}
	}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	if !hasMarker {
		if err := s.mark(); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

// mark gives the store an id (kept when it has one, from an older
// version) and writes the marker beside it, durably.
func (s *DB) mark() error {
	id, err := s.Setting(settingStoreID)
	if err != nil {
		return err
	}
	if id == "" {
		b := make([]byte, 16)
		rand.Read(b)
		id = hex.EncodeToString(b)
		if err := s.SetSetting(settingStoreID, id); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	tmp := MarkerPath(s.path) + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("store marker: %w", err)
	}
	_, err = f.WriteString(id + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, MarkerPath(s.path))
	}
	if err == nil {
		if d, derr := os.Open(filepath.Dir(s.path)); derr == nil {
			d.Sync()
			d.Close()
		}
	}
	if err != nil {
		return fmt.Errorf("store marker: %w", err)
	}
	return nil
}

// writable tells whether files can be made in dir (root ignores mode
// bits, so the answer comes from trying).
func writable(dir string) error {
	f, err := os.CreateTemp(dir, ".codepay-write-check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// InjectWriteFault makes every later write fail with err (nil: writes work
// again). It stands for a disk that fills up, in the fault tests.
func (s *DB) InjectWriteFault(err error) {
	s.faultMu.Lock()
	s.fault = err
	s.faultMu.Unlock()
}

func (s *DB) writeFault() error {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.fault
}

// exec runs one write statement.
func (s *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := s.writeFault(); err != nil {
		return nil, err
	}
	return s.db.ExecContext(ctx, q, args...)
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
func (s *DB) Verify() error { return s.VerifyContext(context.Background()) }

// VerifyContext is Verify, stopped when ctx ends (then ctx's error, not
// ErrCorrupt).
func (s *DB) VerifyContext(ctx context.Context) error {
	var res string
	if err := s.db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("store %s: %w: %v", s.path, ErrCorrupt, err)
	}
	if res != "ok" {
		return fmt.Errorf("store %s: %w: %s", s.path, ErrCorrupt, res)
	}
	return nil
}

// Close closes the file, and marks the stop as clean: everything is
// checkpointed into the database file, whose size and time are noted, so
// that the next start can skip the full check.
func (s *DB) Close() error {
	_, cerr := s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	err := s.db.Close()
	if cerr == nil && err == nil && s.writeFault() == nil {
		if stamp := fileStamp(s.path); stamp != "" && fileStamp(s.path+"-wal") == "" {
			os.WriteFile(cleanPath(s.path), []byte(stamp+"\n"), 0o600)
		}
	}
	return err
}

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
	if err := s.writeFault(); err != nil {
		return err
	}
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
	_, err := s.exec(context.Background(), `INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`, key, value)
	return err
}
