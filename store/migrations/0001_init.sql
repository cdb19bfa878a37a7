-- Transactions: payments, cancels and refunds. A row is written as an
-- intent before the center is asked and settled in place afterwards.
CREATE TABLE txns (
  id              INTEGER PRIMARY KEY,
  kind            TEXT    NOT NULL CHECK (kind IN ('payment', 'cancel', 'refund')),
  state           TEXT    NOT NULL CHECK (state IN ('intent', 'done', 'failed', 'unknown')),
  slip_no         TEXT    NOT NULL,
  merchant_txn_id TEXT    NOT NULL DEFAULT '',
  center_id       TEXT    NOT NULL UNIQUE,
  payment_id      TEXT    NOT NULL DEFAULT '',
  original_id     INTEGER REFERENCES txns(id),
  brand           TEXT    NOT NULL DEFAULT '',
  amount          INTEGER NOT NULL CHECK (amount > 0),
  code_masked     TEXT    NOT NULL DEFAULT '',
  at              TEXT    NOT NULL,
  error_code      TEXT    NOT NULL DEFAULT '',
  practice        INTEGER NOT NULL DEFAULT 0,
  request_id      TEXT    NOT NULL DEFAULT '',
  closed_seq      INTEGER
);
CREATE INDEX txns_open ON txns (practice, closed_seq, id);
CREATE INDEX txns_state ON txns (state) WHERE state IN ('intent', 'unknown');
CREATE INDEX txns_slip ON txns (slip_no, practice);
CREATE INDEX txns_mtxn ON txns (merchant_txn_id, practice);

-- The POS request journal: one row per request id, the final result kept
-- for status queries and replays.
CREATE TABLE requests (
  id         TEXT PRIMARY KEY,
  op         TEXT NOT NULL,
  hash       TEXT NOT NULL,
  result     TEXT,
  created_at TEXT NOT NULL,
  done_at    TEXT
);

CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);

-- Totals reports: daily (with the center's sequence number) and interim.
CREATE TABLE totals (
  id                 INTEGER PRIMARY KEY,
  kind               TEXT    NOT NULL CHECK (kind IN ('DAILY', 'INTERIM')),
  seq                INTEGER NOT NULL DEFAULT 0,
  merchant_totals_id TEXT    NOT NULL DEFAULT '',
  service            TEXT    NOT NULL DEFAULT 'QR',
  body               TEXT    NOT NULL,
  at                 TEXT    NOT NULL,
  practice           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX totals_kind ON totals (kind, practice, id);

CREATE TABLE sales_reports (
  id                 INTEGER PRIMARY KEY,
  merchant_report_id TEXT    NOT NULL UNIQUE,
  body               TEXT    NOT NULL,
  sent               INTEGER NOT NULL DEFAULT 0,
  at                 TEXT    NOT NULL,
  practice           INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
