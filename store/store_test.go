package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func openTemp(t testing.TB) (*DB, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "codepay.db")
	db, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, p
}

func TestOpenCreatesPrivateFileAndMigratesOnce(t *testing.T) {
	db, p := openTemp(t)
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", st.Mode(), err)
	}
	var mode string
	db.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	var sync int
	db.db.QueryRow(`PRAGMA synchronous`).Scan(&sync)
	if mode != "wal" || sync != 2 {
		t.Errorf("journal_mode=%s synchronous=%d", mode, sync)
	}
	applied := func(db *DB) (n int, version int) {
		db.db.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &version)
		return
	}
	n1, v1 := applied(db)
	if n1 == 0 || v1 != len(migrationFiles(t)) {
		t.Fatalf("%d migrations applied, latest %d, %d on disk", n1, v1, len(migrationFiles(t)))
	}
	x := Txn{Kind: KindPayment, CenterID: "P-1", Amount: 100, At: time.Now()}
	db.BeginTxn(context.Background(), &x)
	db.Close()
	db2, err := Open(p) // reopening runs no migration twice and keeps the data
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if n2, v2 := applied(db2); n2 != n1 || v2 != v1 {
		t.Errorf("reopened: %d migrations (latest %d), before %d (%d)", n2, v2, n1, v1)
	}
	if all, _ := db2.AllTxns(context.Background()); len(all) != 1 {
		t.Errorf("reopened with %d rows", len(all))
	}
}

func migrationFiles(t *testing.T) []string {
	m, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(m) == 0 {
		t.Fatalf("migrations: %v %v", m, err)
	}
	return m
}

func TestSlipNumbersWrapAtFiveDigits(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	db.db.Exec(`INSERT INTO counters(name, value) VALUES ('slip', 99998)`)
	var slips []string
	for i := 0; i < 3; i++ {
		x := Txn{Kind: KindPayment, CenterID: "P-" + string(rune('a'+i)), Amount: 1, At: time.Now()}
		if err := db.BeginTxn(ctx, &x); err != nil {
			t.Fatal(err)
		}
		slips = append(slips, x.SlipNo)
	}
	if slips[0] != "99999" || slips[1] != "00001" || slips[2] != "00002" {
		t.Fatalf("slips %v", slips)
	}
	// Practice has its own counter.
	p := Txn{Kind: KindPayment, CenterID: "P-practice", Amount: 1, At: time.Now(), Practice: true}
	db.BeginTxn(ctx, &p)
	if p.SlipNo != "00001" {
		t.Errorf("practice slip %s", p.SlipNo)
	}
}

func TestFailedWriteLeavesNothingHalfWritten(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	a := Txn{Kind: KindPayment, CenterID: "P-1", Amount: 100, At: time.Now()}
	if err := db.BeginTxn(ctx, &a); err != nil {
		t.Fatal(err)
	}
	// The same center id again breaks a constraint: the insert fails, and
	// the slip counter it moved is rolled back with it.
	b := Txn{Kind: KindPayment, CenterID: "P-1", Amount: 100, At: time.Now()}
	err := db.BeginTxn(ctx, &b)
	if !errors.Is(err, ErrWrite) {
		t.Fatalf("got %v, want ErrWrite", err)
	}
	c := Txn{Kind: KindPayment, CenterID: "P-2", Amount: 100, At: time.Now()}
	db.BeginTxn(ctx, &c)
	if c.SlipNo != "00002" {
		t.Errorf("the failed write consumed a slip number: next is %s", c.SlipNo)
	}
	if n, _ := db.CountOpen(ctx); n != 2 {
		t.Errorf("%d rows, want 2", n)
	}
}

// A store that turned read-only under the terminal (an SD card the kernel
// remounted read-only after an error) refuses writes with ErrWrite and
// keeps what it held. query_only makes SQLite refuse the write as a
// read-only medium does, whoever runs the test (root ignores file modes).
func TestReadOnlyDatabaseIsAWriteError(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	x := Txn{Kind: KindPayment, CenterID: "P-1", Amount: 100, At: time.Now()}
	if err := db.BeginTxn(ctx, &x); err != nil {
		t.Fatal(err)
	}
	db.db.SetMaxOpenConns(1) // the pragma is per connection
	if _, err := db.db.Exec(`PRAGMA query_only=ON`); err != nil {
		t.Fatal(err)
	}
	y := Txn{Kind: KindPayment, CenterID: "P-2", Amount: 1, At: time.Now()}
	if err := db.BeginTxn(ctx, &y); !errors.Is(err, ErrWrite) && !errors.Is(err, ErrSlipNo) {
		t.Fatalf("read-only write: %v", err)
	}
	if err := db.SettleTxn(ctx, x.ID, StateDone, "PID", "PayPay", "", x.At); !errors.Is(err, ErrWrite) {
		t.Fatalf("read-only settle: %v", err)
	}
	if err := db.StartRequest(ctx, "R1", "payment", "h", false); !errors.Is(err, ErrWrite) {
		t.Fatalf("read-only journal: %v", err)
	}
	all, err := db.AllTxns(ctx)
	if err != nil || len(all) != 1 || all[0].State != StateIntent {
		t.Fatalf("what was stored: %+v %v", all, err)
	}
}

func TestCorruptFileIsRefusedAndKept(t *testing.T) {
	p := filepath.Join(t.TempDir(), "codepay.db")
	junk := make([]byte, 8192)
	copy(junk, "SQLite format 3\x00")
	for i := 100; i < len(junk); i++ {
		junk[i] = byte(i * 7)
	}
	os.WriteFile(p, junk, 0o600)
	before := sha256.Sum256(junk)
	_, err := Open(p)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want ErrCorrupt", err)
	}
	after, _ := os.ReadFile(p)
	if sha256.Sum256(after) != before {
		t.Fatal("the damaged file was changed")
	}
}

func TestRequestJournal(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	if _, seen, _ := db.Request(ctx, "R-1"); seen {
		t.Fatal("unknown id seen")
	}
	db.StartRequest(ctx, "R-1", "payment", "h1", false)
	if err := db.StartRequest(ctx, "R-1", "payment", "h1", false); err == nil {
		t.Error("an id journaled twice")
	}
	if run, _ := db.RunningRequests(ctx); len(run) != 1 {
		t.Errorf("running: %v", run)
	}
	db.FinishRequest(ctx, "R-1", `{"ok":true}`)
	r, seen, err := db.Request(ctx, "R-1")
	if !seen || err != nil || r.Result != `{"ok":true}` || r.Hash != "h1" {
		t.Errorf("%+v %v %v", r, seen, err)
	}
}

// BenchmarkHistoryAndCountWithAMillion measures the reprint list and the
// capacity check over 1,000,000 stored transactions.
func BenchmarkHistoryAndCountWithAMillion(b *testing.B) {
	db, _ := openTemp(b)
	ctx := context.Background()
	fill(b, db, 1000000)
	b.Run("History", func(b *testing.B) {
		for b.Loop() {
			if h, err := db.History(ctx, false, 200); err != nil || len(h) != 200 {
				b.Fatal(err, len(h))
			}
		}
	})
	b.Run("CountOpen", func(b *testing.B) {
		for b.Loop() {
			db.CountOpen(ctx)
		}
	})
	b.Run("Unsettled", func(b *testing.B) {
		for b.Loop() {
			db.Unsettled(ctx)
		}
	})
}

// fill inserts n closed transactions plus 1000 open ones, fast.
func fill(b *testing.B, db *DB, n int) {
	tx, err := db.db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	st, err := tx.Prepare(`INSERT INTO txns(kind, state, slip_no, center_id, brand, amount, at, closed_seq) VALUES ('payment','done',?,?,'PayPay',1000,'2026-11-24T10:00:00+09:00',?)`)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		var closed any = 1
		if i >= n-1000 {
			closed = nil
		}
		if _, err := st.Exec("00001", "C-"+itoa(i), closed); err != nil {
			b.Fatalf("row %d: %v", i, err)
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	var rows int
	if err := db.db.QueryRow(`SELECT COUNT(*) FROM txns`).Scan(&rows); err != nil || rows != n {
		b.Fatalf("%d rows stored of %d: %v", rows, n, err)
	}
}

func itoa(i int) string {
	const d = "0123456789"
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{d[i%10]}, b...)
	}
	return string(b)
}

// A full disk (here: the database capped at its current size) is a write
// error, and nothing already stored is lost.
func TestFullDiskIsAWriteError(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	a := Txn{Kind: KindPayment, CenterID: "P-0", Amount: 1, At: time.Now()}
	if err := db.BeginTxn(ctx, &a); err != nil {
		t.Fatal(err)
	}
	db.db.SetMaxOpenConns(1) // the cap below is per connection
	var pages int
	db.db.QueryRow(`PRAGMA page_count`).Scan(&pages)
	db.db.Exec(`PRAGMA max_page_count = ` + itoa(pages))
	var err error
	for i := 1; i < 2000 && err == nil; i++ {
		x := Txn{Kind: KindPayment, CenterID: "P-" + itoa(i), MerchantTxnID: "padding-padding-padding-padding", Amount: 1, At: time.Now()}
		err = db.BeginTxn(ctx, &x)
	}
	if !errors.Is(err, ErrWrite) && !errors.Is(err, ErrSlipNo) {
		t.Fatalf("a full database gave %v", err)
	}
	if got, err := db.Txn(ctx, a.ID); err != nil || got.Amount != 1 {
		t.Fatalf("stored data lost: %+v %v", got, err)
	}
}

// Every character that means something in a URI is just part of the
// folder's name: the database lands at exactly that path, mode 0600, with
// WAL and synchronous FULL, and nothing is created anywhere else.
func TestDataDirWithURICharacters(t *testing.T) {
	for _, name := range []string{"dh#frag", "q?_pragma=journal_mode(DELETE)", "pct%41x", "amp&x=y", "sp ace", "semi;colon", `quo"te'`, "ユニ", "plus+eq="} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, name)
			path := filepath.Join(dir, "codepay.db")
			db, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			x := Txn{Kind: KindPayment, CenterID: "C-1", Amount: 1, At: time.Now()}
			if err := db.BeginTxn(context.Background(), &x); err != nil {
				t.Fatal(err)
			}
			var mode string
			var sync int
			db.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
			db.db.QueryRow(`PRAGMA synchronous`).Scan(&sync)
			db.Close()
			if mode != "wal" || sync != 2 {
				t.Errorf("journal_mode %q synchronous %d", mode, sync)
			}
			st, err := os.Stat(path)
			if err != nil || st.Size() == 0 || st.Mode().Perm() != 0o600 {
				t.Fatalf("the database is not at %s (mode 0600): %v %v", path, st, err)
			}
			entries, _ := os.ReadDir(root)
			if len(entries) != 1 || entries[0].Name() != name {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Fatalf("files outside the data folder: %v", names)
			}
		})
	}
}
