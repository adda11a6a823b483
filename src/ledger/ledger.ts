/**
 * The reference ledger: an Invoance-compatible audit store on SQLite. This file wires the
 * parts together and owns the operations that span them (orgs, idempotent ingest).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { stringifyAuditJson, type AuditJsonValue } from '../core/index.js'
import { HttpError, notFound } from '../protocol/errors.js'
import { ApiKeys, type Caller } from './api-keys.js'
import { openDatabase, statements, type Db } from './database.js'
import { streamCa as checkedStreamCa } from './streams/tls-trust.js'
import { EventStore, type EventRow, type NewEvent } from './event-store.js'
import { Exports, type ExportFormat, type ExportRow } from './exports.js'
import { Cursors, DownloadSigner, ledgerSecret } from './hmac.js'
import { Orgs, type Org } from './orgs.js'
import { PortalSessions } from './portal.js'
import { portalConfig, type PortalConfig, type PortalOptions } from './portal-config.js'
import { ledgerName, LogTree } from './log-tree.js'
import { Retention, type RetentionTimers } from './retention.js'
import { SigningKeys } from './signing-keys.js'
import { Streams, type StreamOptions } from './streams/streams.js'
import type { EventFilters } from '../protocol/filters.js'
import type { EventInput } from './validation.js'

export interface LedgerOptions {
  /** Database file, or `:memory:`. Default `.auditlens/ledger.db`. */
  db?: string
  /**
   * Where private signing keys (`keys/`) and export files (`exports/`) live. Default: the
   * database file's folder; for `:memory:`, keys stay in memory and exports go to a temp folder.
   */
  dataDir?: string | null
  /** Accepted as an API key with every scope (the `AUDITLENS_API_KEY` of development and tests). */
  devApiKey?: string | null
  /** Where export files are written (default `<dataDir>/exports`, or a temp folder). */
  exportDir?: string
  /** How long a presigned download URL stays valid (default 600 s). */
  downloadTtlSeconds?: number
  /** The current time in epoch milliseconds (default `Date.now`); tests step it by hand. */
  now?: () => number
  /** Where warnings go, such as a signing key row without a matching key file (default `console.warn`). */
  warn?: (line: string) => void
  /** The hosted viewer's settings: its URL, issuer branding, CORS origins, exchange rate limit. */
  portal?: PortalOptions
  /** Webhook streams: `{ deliver: true }` runs the background deliverer (as `auditlens serve` does). */
  streams?: StreamOptions
  /**
   * The ledger's name in checkpoint origins (`<name>/orgs/<aorg id>`): a schema-less URL without
   * spaces or `+` (C2SP tlog-checkpoint). Default `auditlens.local/<ledger id>`, fixed per database.
   */
  logName?: string
  /** Time between retention passes (default one hour); null runs none (the CLI's `prune` runs one by hand). */
  retentionIntervalMs?: number | null
  /** The timers the retention pass runs on (default the global ones); tests step them by hand. */
  timers?: RetentionTimers
}

export type { Org }

export const DEFAULT_DB = '.auditlens/ledger.db'

export class Ledger {
  readonly db: Db
  readonly keys: SigningKeys
  readonly apiKeys: ApiKeys
  readonly events: EventStore
  readonly exports: Exports
  readonly cursors: Cursors
  readonly downloads: DownloadSigner
  readonly portal: PortalSessions
  readonly portalConfig: PortalConfig
  readonly orgs: Orgs
  readonly streams: Streams
  readonly retention: Retention
  /** Each org's Merkle tree, checkpoints and proofs (issue 14). */
  readonly log: LogTree
  readonly now: () => number
  private readonly sql: ReturnType<typeof statements>
  private readonly tempDir: string | null

  constructor(options: LedgerOptions = {}) {
    this.now = options.now ?? Date.now
    this.portalConfig = portalConfig(options.portal)
    // Checked before anything is opened or created: a wrong CA file must leave nothing behind.
    const streamCa = checkedStreamCa(options.streams?.ca)
    const dbPath = options.db ?? DEFAULT_DB
    const inMemory = dbPath === ':memory:'
    if (!inMemory) mkdirSync(dirname(resolve(dbPath)), { recursive: true })
    const dataDir = options.dataDir !== undefined ? options.dataDir : inMemory ? null : dirname(resolve(dbPath))
    this.tempDir = dataDir === null && !options.exportDir ? mkdtempSync(join(tmpdir(), 'auditlens-')) : null
    this.db = openDatabase(dbPath)
    this.sql = statements(this.db)
    this.orgs = new Orgs(this.db, this.now)
    this.keys = new SigningKeys(this.db, dataDir === null ? null : join(dataDir, 'keys'), this.now, options.warn)
    this.apiKeys = new ApiKeys(this.db, options.devApiKey ?? null, this.now)
    const name = options.logName ?? ledgerName(this.db, this.now())
    this.log = new LogTree(
      this.db,
      this.keys,
      this.now,
      (orgId) => `${name}/orgs/${orgId}`,
      (orgId) => this.events.lastSeq(orgId),
      (orgId) => this.retention.latestJson(orgId),
    )
    this.events = new EventStore(this.db, this.keys, this.now, this.log)
    this.log.backfill(this.events)
    this.exports = new Exports(
      this.db,
      this.events,
      options.exportDir ?? join(dataDir ?? this.tempDir!, 'exports'),
      this.now,
      this.log,
    )
    this.cursors = new Cursors(ledgerSecret(this.db, 'cursor_secret'))
    this.downloads = new DownloadSigner(
      ledgerSecret(this.db, 'download_secret'),
      options.downloadTtlSeconds ?? 600,
      this.now,
    )
    this.portal = new PortalSessions(this.db, ledgerSecret(this.db, 'portal_secret'), this.now)
    this.streams = new Streams(
      this.db,
      this.events,
      ledgerSecret(this.db, 'stream_secret_key'),
      this.now,
      // The ledger's warn, unless streams were given their own.
      { ...(options.warn && { warn: options.warn }), ...options.streams, ca: streamCa },
    )
    this.retention = new Retention(this.db, this.keys, this.now, options.warn ? { warn: options.warn } : {})
    const interval = options.retentionIntervalMs === undefined ? 3_600_000 : options.retentionIntervalMs
    if (interval !== null) this.retention.start(interval, options.timers)
  }

  /** Create an org (see {@link Orgs.create}). */
  createOrg(externalId: string, name: string | null): Org {
    return this.orgs.create(externalId, name)
  }

  listOrgs(includeArchived = false): Org[] {
    return this.orgs.list(includeArchived)
  }

  orgById(id: string): Org | undefined {
    return this.orgs.byId(id)
  }

  orgByExternalId(externalId: string): Org | undefined {
    return this.orgs.byExternalId(externalId)
  }

  /** The org with this `aorg_` id, or a 404 that says how to find ids. */
  requireOrg(id: string): Org {
    const org = this.orgById(id)
    if (!org) throw notFound(`No org has id "${id}"; GET /v1/audit/orgs lists them.`)
    return org
  }

  /**
   * The org a caller names: an exact `aorg_` id first, else the caller's external id
   * (`organization_id`), else a 404. The one resolution every route that names an org uses.
   */
  resolveOrg(ref: string): Org {
    return this.orgs.resolve(ref)
  }

  /** {@link resolveOrg} for writes and access grants: an archived org is a 409 `org_archived`. */
  resolveOrgForWriting(ref: string): Org {
    return this.orgs.resolveForWriting(ref)
  }

  /**
   * Ingest one event under an idempotency key (scoped to the API key): the same key and body
   * return the stored event, the same key with another body is a 409.
   */
  ingest(
    caller: Caller,
    idempotencyKey: string,
    input: EventInput,
    body: Record<string, AuditJsonValue>,
  ): {
    event: EventRow
    replayed: boolean
  } {
    const { value, replayed } = this.once(
      caller,
      idempotencyKey,
      '',
      body,
      (id) => this.events.byId(id)!,
      () => {
        const org = this.orgs.resolveForIngest(input.orgRef)
        const [event] = this.events.appendInTransaction(org.id, [input])
        return { value: event!, id: event!.id }
      },
    )
    if (!replayed) this.streams.notify(value.org_id)
    return { event: value, replayed }
  }

  /**
   * Create an export job, under an idempotency key when the caller sends one, exactly as
   * {@link ingest} does: the same key and body give back the same job (a retried POST after a
   * timeout creates no second job), the same key with another body is a 409.
   */
  createExport(
    caller: Caller,
    idempotencyKey: string | null,
    orgId: string,
    format: ExportFormat,
    filters: EventFilters,
    body: Record<string, AuditJsonValue>,
  ): { job: ExportRow; replayed: boolean } {
    const create = () => {
      const job = this.exports.create(this.requireOrg(orgId).id, format, filters)
      return { value: job, id: job.id }
    }
    if (idempotencyKey === null) return { job: create().value, replayed: false }
    const { value, replayed } = this.once(
      caller,
      idempotencyKey,
      'exports',
      body,
      (id) => this.exports.get(id)!,
      create,
    )
    return { job: value, replayed }
  }

  /**
   * Run `create` at most once per API key and Idempotency-Key, in one IMMEDIATE transaction
   * (the write lock is taken first, so two concurrent tries, even from two processes on the
   * same file, cannot both create). `scope` goes into the request hash, so a key used for
   * one kind of request is a 409 for another; ingest's scope is empty, which keeps the hashes
   * stored by earlier versions valid. The stored id is the event's or the export's.
   */
  private once<T>(
    caller: Caller,
    idempotencyKey: string,
    scope: string,
    body: Record<string, AuditJsonValue>,
    replay: (id: string) => T,
    create: () => { value: T; id: string },
  ): { value: T; replayed: boolean } {
    const requestHash = createHash('sha256')
      .update(scope ? `${scope}\n` : '')
      .update(stringifyAuditJson(body, { sortKeys: true }))
      .digest('hex')
    const run = this.db.transaction(() => {
      const previous = this.sql(
        'SELECT request_hash, event_id FROM idempotency_keys WHERE api_key_id = ? AND key = ?',
      ).get(caller.keyId, idempotencyKey) as { request_hash: string; event_id: string } | undefined
      if (previous) {
        if (previous.request_hash !== requestHash) {
          throw new HttpError(
            409,
            'conflict',
            'This Idempotency-Key was already used with a different body; use a new key.',
          )
        }
        return { value: replay(previous.event_id), replayed: true }
      }
      const { value, id } = create()
      this.sql('INSERT INTO idempotency_keys VALUES (?, ?, ?, ?, ?)').run(
        caller.keyId,
        idempotencyKey,
        requestHash,
        id,
        new Date(this.now()).toISOString(),
      )
      return { value, replayed: false }
    })
    return run.immediate()
  }

  /** Append many events to one org in a single transaction (seeding, benchmarks). */
  appendMany(orgId: string, events: readonly NewEvent[]): EventRow[] {
    const rows = this.db.transaction(() => this.events.appendInTransaction(orgId, events)).immediate()
    this.streams.notify(orgId)
    return rows
  }

  async close(): Promise<void> {
    await this.streams.stop()
    await this.retention.close()
    await this.exports.close()
    this.db.close()
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true })
  }
}
