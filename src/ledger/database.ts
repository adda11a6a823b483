/**
 * The reference ledger's SQLite schema (better-sqlite3, WAL).
 *
 * Events are append-only: triggers refuse UPDATE and DELETE, so neither a route nor a bug can
 * change history. Every list filter has an index that ends in `seq`, so pages are read in
 * keyset order instead of being sorted or skipped through.
 */
import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'

/** A prepared statement: the part of better-sqlite3's `Statement` the ledger uses. */
export interface Statement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint }
  get(...params: unknown[]): unknown
  all(...params: unknown[]): unknown[]
  iterate(...params: unknown[]): IterableIterator<unknown>
}

/** A function wrapped in a transaction; `immediate()` takes the write lock up front. */
export interface Transaction<T> {
  (): T
  immediate(): T
}

/**
 * The ledger's database handle: the part of better-sqlite3's `Database` the ledger uses.
 * Declared here, not taken from `@types/better-sqlite3`, so that the package's published
 * declarations type-check (with `skipLibCheck: false`) in projects without better-sqlite3.
 */
export interface Db {
  prepare(sql: string): Statement
  exec(sql: string): unknown
  pragma(source: string): unknown
  transaction<T>(fn: () => T): Transaction<T>
  close(): unknown
}

/**
 * better-sqlite3 is an optional peer dependency (a native module, compiled or downloaded at
 * install time): only the reference ledger needs it, so an app that only mounts the proxy or
 * renders the components installs without it. This error says how to get it.
 */
export class SqliteUnavailableError extends Error {
  override readonly name = 'SqliteUnavailableError'
  readonly code = 'sqlite-unavailable'
}

const INSTALL_HINT =
  'The reference ledger (auditlens serve, seed, keys, and the Ledger class) needs better-sqlite3, ' +
  'an optional peer dependency of auditlens. Install it next to auditlens: npm install better-sqlite3 ' +
  '(or, without a project: npx -p auditlens -p better-sqlite3 auditlens serve).'

/** How modules are loaded: Node's `require` here, a stand-in in tests. */
export type Load = (id: string) => unknown

/**
 * Load better-sqlite3 on first use rather than at import, so that `auditlens/server` (the
 * node:http adapter) loads without it. A missing package and a native module that does not load
 * (install scripts blocked, a Node ABI mismatch) both become a SqliteUnavailableError that names
 * the command that fixes it.
 */
function loadSqlite(load: Load): typeof BetterSqlite3 {
  try {
    return load('better-sqlite3') as typeof BetterSqlite3
  } catch (error) {
    if (errorCode(error) === 'MODULE_NOT_FOUND' && String((error as Error).message).includes("'better-sqlite3'"))
      throw new SqliteUnavailableError(INSTALL_HINT, { cause: error })
    throw error
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
}

/** better-sqlite3 loads its native addon in the constructor; a failure there is an install problem too. */
function openNative(Database: typeof BetterSqlite3, path: string): Db {
  try {
    return new Database(path)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (
      /bindings file|NODE_MODULE_VERSION|ERR_DLOPEN_FAILED|better_sqlite3\.node/.test(
        `${message} ${String(errorCode(error))}`,
      )
    )
      throw new SqliteUnavailableError(
        `better-sqlite3 is installed but its native module did not load (${message.split('\n')[0]}). ` +
          'Its install script must run: npm approve-scripts better-sqlite3 && npm rebuild better-sqlite3.',
        { cause: error },
      )
    throw error
  }
}

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

-- The two DELETE triggers below are replaced by migrate() with ones that admit a prune permit
-- (retention, see the end of this schema); UPDATE stays refused for every path.
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

-- Webhook streams (src/ledger/streams). The events table is the outbox: a stream delivers
-- every event of its org with seq > cursor_seq, in seq order, so nothing is written at ingest
-- and a crash loses nothing. The signing secret is stored only AES-256-GCM encrypted.
CREATE TABLE IF NOT EXISTS streams (
  id               TEXT PRIMARY KEY,
  org_id           TEXT NOT NULL,
  type             TEXT NOT NULL,
  url              TEXT NOT NULL,
  secret_box       TEXT NOT NULL,
  state            TEXT NOT NULL,
  cursor_seq       INTEGER NOT NULL,
  failure_streak   INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  last_delivery_at TEXT,
  last_success_at  TEXT,
  next_attempt_at  INTEGER,
  created_at       TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS streams_by_org ON streams (org_id, created_at);

-- Each org's log as an RFC 6962 Merkle tree (src/ledger/merkle-tree.ts): perfect subtrees
-- only, append-only like the events, and kept when retention prunes events.
CREATE TABLE IF NOT EXISTS merkle_nodes (
  org_id  TEXT NOT NULL,
  level   INTEGER NOT NULL,
  idx     INTEGER NOT NULL,
  hash    BLOB NOT NULL,
  PRIMARY KEY (org_id, level, idx)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS merkle_nodes_no_update BEFORE UPDATE ON merkle_nodes
BEGIN SELECT RAISE(ABORT, 'the Merkle tree is append-only: UPDATE is refused'); END;
CREATE TRIGGER IF NOT EXISTS merkle_nodes_no_delete BEFORE DELETE ON merkle_nodes
BEGIN SELECT RAISE(ABORT, 'the Merkle tree is append-only: DELETE is refused'); END;

-- Retention (src/ledger/retention.ts). A prune permit is the one way past the append-only
-- DELETE triggers: the prune transaction writes a row, deletes seqs up to through_seq of that
-- org, and removes the row before it commits, so no permit is ever visible outside it.
CREATE TABLE IF NOT EXISTS prune_permits (
  org_id      TEXT PRIMARY KEY,
  through_seq INTEGER NOT NULL
) WITHOUT ROWID;

-- One signed marker per prune: seqs 1..pruned_through_seq of the org were removed by policy.
CREATE TABLE IF NOT EXISTS prune_markers (
  org_id             TEXT NOT NULL,
  pruned_through_seq INTEGER NOT NULL,
  pruned_at          TEXT NOT NULL,
  retention_days     INTEGER NOT NULL,
  cutoff             TEXT NOT NULL,
  key_id             TEXT NOT NULL,
  signature          TEXT NOT NULL,
  PRIMARY KEY (org_id, pruned_through_seq)
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS prune_markers_no_update BEFORE UPDATE ON prune_markers
BEGIN SELECT RAISE(ABORT, 'prune markers are append-only: UPDATE is refused'); END;
CREATE TRIGGER IF NOT EXISTS prune_markers_no_delete BEFORE DELETE ON prune_markers
BEGIN SELECT RAISE(ABORT, 'prune markers are append-only: DELETE is refused'); END;
`

/** Open (creating if needed) a ledger database. `path` may be `:memory:`. */
export function openDatabase(path: string, load: Load = createRequire(import.meta.url)): Db {
  const db = openNative(loadSqlite(load), path)
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

  // Portal intents: sessions made before them were all for the event viewer.
  const portalColumns = db.prepare('PRAGMA table_info(portal_sessions)').all() as { name: string }[]
  if (!portalColumns.some((c) => c.name === 'intent'))
    db.exec("ALTER TABLE portal_sessions ADD COLUMN intent TEXT NOT NULL DEFAULT 'audit_logs'")

  const orgColumns = db.prepare('PRAGMA table_info(orgs)').all() as { name: string }[]
  // Org lifecycle (Invoance's Go and Ruby SDKs 0.2.0: archive, unarchive).
  if (!orgColumns.some((c) => c.name === 'archived_at')) db.exec('ALTER TABLE orgs ADD COLUMN archived_at TEXT')
  // Retention (PUT /orgs/:id/retention); NULL keeps events forever.
  if (!orgColumns.some((c) => c.name === 'retention_days'))
    db.exec('ALTER TABLE orgs ADD COLUMN retention_days INTEGER')

  permitPrunes(db)
}

/**
 * Retention: the DELETE triggers of `events` and `event_targets` refuse every row unless the
 * same transaction holds a prune permit covering it (org and seq ≤ through_seq). A database
 * made before retention has the unconditional triggers; they are replaced once, under the
 * write lock, so two processes opening the same file cannot both do it.
 */
function permitPrunes(db: Db): void {
  const tables = ['events', 'event_targets']
  const current = (table: string) =>
    (
      db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?").get(`${table}_no_delete`) as
        { sql: string } | undefined
    )?.sql.includes('prune_permits') === true
  // Checked before taking the write lock, so opening an up-to-date file never waits for it.
  if (tables.every(current)) return
  const upgrade = db.transaction(() => {
    for (const table of tables) {
      if (current(table)) continue
      const name = `${table}_no_delete`
      db.exec(`DROP TRIGGER IF EXISTS ${name}`)
      db.exec(
        `CREATE TRIGGER ${name} BEFORE DELETE ON ${table} WHEN NOT EXISTS (
           SELECT 1 FROM prune_permits p WHERE p.org_id = OLD.org_id AND OLD.seq <= p.through_seq)
         BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE is refused'); END`,
      )
    }
  })
  upgrade.immediate()
}

/**
 * Prepared statements by SQL text. better-sqlite3's prepare() costs about as much as running
 * a small query, so anything on a request path reuses its statement.
 */
export function statements(db: Db): (sql: string) => Statement {
  const cache = new Map<string, Statement>()
  return (sql) => {
    let statement = cache.get(sql)
    if (!statement) {
      statement = db.prepare(sql)
      cache.set(sql, statement)
    }
    return statement
  }
}
