/**
 * The reference ledger's SQLite schema (better-sqlite3, WAL).
 *
 * Events are append-only: triggers refuse UPDATE and DELETE, so neither a route nor a bug can
 * change history. Every list filter has an index that ends in `seq`, so pages are read in
 * keyset order instead of being sorted or skipped through.
 */
import Database from 'better-sqlite3'

export type Db = Database.Database

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS orgs (
  id          TEXT PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  name        TEXT,
  created_at  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS signing_keys (
  key_id      TEXT PRIMARY KEY,
  public_key  TEXT NOT NULL,
  not_before  TEXT NOT NULL,
  not_after   TEXT
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS api_keys (
  id          TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  scopes      TEXT NOT NULL,
  created_at  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS events (
  org_id        TEXT NOT NULL,
  seq           INTEGER NOT NULL,
  id            TEXT NOT NULL UNIQUE,
  occurred_at   TEXT NOT NULL,
  ingested_at   TEXT NOT NULL,
  action        TEXT NOT NULL,
  actor_id      TEXT NOT NULL,
  actor_json    TEXT NOT NULL,
  targets_json  TEXT NOT NULL,
  context_json  TEXT,
  metadata_json TEXT,
  payload_hash  TEXT NOT NULL,
  signature     TEXT NOT NULL,
    key_id        TEXT NOT NULL,
  -- Set only for events signed outside this ledger (imported, or the demo's foreign-key
  -- example); otherwise the key comes from signing_keys by key_id.
  signing_public_key TEXT,
  PRIMARY KEY (org_id, seq)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS events_by_action   ON events (org_id, action, seq);
CREATE INDEX IF NOT EXISTS events_by_actor    ON events (org_id, actor_id, seq);
CREATE INDEX IF NOT EXISTS events_by_occurred ON events (org_id, occurred_at, seq);

CREATE TABLE IF NOT EXISTS event_targets (
  org_id    TEXT NOT NULL,
  target_id TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  PRIMARY KEY (org_id, target_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE is refused'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE is refused'); END;
CREATE TRIGGER IF NOT EXISTS event_targets_no_update BEFORE UPDATE ON event_targets
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE is refused'); END;
CREATE TRIGGER IF NOT EXISTS event_targets_no_delete BEFORE DELETE ON event_targets
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE is refused'); END;

CREATE TABLE IF NOT EXISTS idempotency_keys (
  api_key_id   TEXT NOT NULL,
  key          TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  event_id     TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (api_key_id, key)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS exports (
  id          TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL,
  format      TEXT NOT NULL,
  filters     TEXT NOT NULL,
  status      TEXT NOT NULL,
  row_count   INTEGER NOT NULL DEFAULT 0,
  error       TEXT,
  file_path   TEXT,
  created_at  TEXT NOT NULL,
  finished_at TEXT
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS portal_sessions (
  token_hash  TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL,
  duration_s  INTEGER NOT NULL,
  expires_at  TEXT NOT NULL,
  used_at     TEXT
) WITHOUT ROWID;
`

/** Open (creating if needed) a ledger database. `path` may be `:memory:`. */
export function openDatabase(path: string): Db {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.exec(SCHEMA)
  migrate(db)
  return db
}

/** Bring a database made by an earlier version up to date. */
function migrate(db: Db): void {
  const columns = db.prepare('PRAGMA table_info(events)').all() as { name: string }[]
  if (!columns.some((c) => c.name === 'signing_public_key'))
    db.exec('ALTER TABLE events ADD COLUMN signing_public_key TEXT')
}

/**
 * Prepared statements by SQL text. better-sqlite3's prepare() costs about as much as running
 * a small query, so anything on a request path reuses its statement.
 */
export function statements(db: Db): (sql: string) => Database.Statement<unknown[]> {
  const cache = new Map<string, Database.Statement<unknown[]>>()
  return (sql) => {
    let statement = cache.get(sql)
    if (!statement) {
      statement = db.prepare<unknown[]>(sql)
      cache.set(sql, statement)
    }
    return statement
  }
}
