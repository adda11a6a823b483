/**
 * Events: signing at ingest, keyset pages, lookups and the seq-gap scan.
 */
import { createHash, sign } from 'node:crypto'
import { canonicalBytes, stringifyAuditJson, type AuditJsonObject } from '../core/index.js'
import { statements, type Db } from './database.js'
import { newId } from './ids.js'
import type { LogTree } from './log-tree.js'
import type { SigningKeys } from './signing-keys.js'
import { ACTION_PATTERN, type EventFilters } from '../protocol/filters.js'

/** What a caller supplies for one event; the ledger adds id, seq, ingested_at and the proof. */
export interface NewEvent {
  action: string
  occurredAt: string | null
  actor: AuditJsonObject
  targets: AuditJsonObject[]
  context: AuditJsonObject | null
  metadata: AuditJsonObject | null
}

export interface EventRow {
  org_id: string
  seq: number
  id: string
  occurred_at: string
  ingested_at: string
  action: string
  actor_id: string
  actor_json: string
  targets_json: string
  context_json: string | null
  metadata_json: string | null
  payload_hash: string
  signature: string
  key_id: string
  signing_public_key?: string | null
}

export class EventStore {
  private readonly stmt: ReturnType<typeof statements>

  constructor(
    db: Db,
    private readonly keys: SigningKeys,
    private readonly clock: () => number,
    /** The org logs' Merkle trees, given each new event's leaf in the same transaction. */
    private readonly log: LogTree | null = null,
  ) {
    this.stmt = statements(db)
  }

  /**
   * Append events to an org, signing each over its `invoance.audit/1` canonical bytes. Must run
   * inside a write transaction (see {@link Ledger.ingest}): seq is read and used in the same one.
   */
  appendInTransaction(orgId: string, events: readonly NewEvent[]): EventRow[] {
    const now = new Date(this.clock())
    const key = this.keys.active()
    let seq = this.lastSeq(orgId)
    // The tree takes the next leaf only when it holds every earlier one (an org pruned before
    // the ledger kept trees has none; its checkpoint says so).
    const treeFollows = this.log !== null && this.log.size(orgId) === seq
    // Never before the active key's window opened, so every event lies inside its key's window.
    const nowIso = now.toISOString()
    const ingestedAt = nowIso < key.notBefore ? key.notBefore : nowIso
    const insert = this.stmt(
      `INSERT INTO events (org_id, seq, id, occurred_at, ingested_at, action, actor_id, actor_json, targets_json,
        context_json, metadata_json, payload_hash, signature, key_id)
       VALUES (@org_id, @seq, @id, @occurred_at, @ingested_at, @action, @actor_id, @actor_json,
        @targets_json, @context_json, @metadata_json, @payload_hash, @signature, @key_id)`,
    )
    const insertTarget = this.stmt('INSERT OR IGNORE INTO event_targets VALUES (?, ?, ?)')
    return events.map((input) => {
      seq += 1
      const id = newId('aevt', now.getTime())
      const unsigned = {
        id,
        org_id: orgId,
        seq,
        occurred_at: input.occurredAt ?? ingestedAt,
        ingested_at: ingestedAt,
        action: input.action,
        actor: input.actor,
        targets: input.targets,
        context: input.context,
        metadata: input.metadata,
      }
      const bytes = canonicalBytes(unsigned)
      const row: EventRow = {
        org_id: orgId,
        seq,
        id,
        occurred_at: unsigned.occurred_at,
        ingested_at: ingestedAt,
        action: input.action,
        actor_id: String(input.actor.id),
        actor_json: stringifyAuditJson(input.actor),
        targets_json: stringifyAuditJson(input.targets),
        context_json: input.context === null ? null : stringifyAuditJson(input.context),
        metadata_json: input.metadata === null ? null : stringifyAuditJson(input.metadata),
        payload_hash: createHash('sha256').update(bytes).digest('hex'),
        signature: sign(null, bytes, key.privateKey).toString('hex'),
        key_id: key.keyId,
      }
      insert.run(row)
      for (const target of input.targets) insertTarget.run(orgId, String(target.id), seq)
      if (treeFollows) this.log!.appendInTransaction(orgId, seq, bytes)
      return row
    })
  }

  /**
   * The org's newest seq as the log counts it: its newest event, or, after retention pruned
   * every event, its newest prune marker (seq continues after it; retention.ts).
   */
  lastSeq(orgId: string): number {
    const last = this.stmt(
      `SELECT MAX(seq) AS seq FROM (SELECT MAX(seq) AS seq FROM events WHERE org_id = @org
         UNION ALL SELECT MAX(pruned_through_seq) FROM prune_markers WHERE org_id = @org)`,
    ).get({ org: orgId }) as { seq: number | null }
    return last.seq ?? 0
  }

  byId(id: string): EventRow | undefined {
    return this.stmt('SELECT * FROM events WHERE id = ?').get(id) as EventRow | undefined
  }

  /**
   * One keyset page, newest first: events with `seq < before` matching `filters`.
   *
   * Each query names the index that reads it in keyset order (INDEXED BY), rather than
   * trusting the planner, which without statistics walks the primary key and filters every
   * row. The most selective filter drives: actions (one ordered run per action, merged), then
   * actor, then target (through event_targets); other filters are checked on the rows read.
   * A date range alone walks the org's rows by seq, checking occurred_at.
   */
  page(orgId: string, filters: EventFilters, limit: number, before: number | null): EventRow[] {
    // Free text in `actions` (Invoance's viewer) names actions ingest never stores: those match
    // nothing, and a filter of nothing else is an empty page without a query.
    const actions = filters.actions.filter((action) => ACTION_PATTERN.test(action))
    if (filters.actions.length > 0 && actions.length === 0) return []
    const { sql, params } = this.pageQuery(orgId, { ...filters, actions }, limit, before)
    return this.stmt(sql).all(params) as EventRow[]
  }

  /** The SQL and parameters of {@link page}, exposed so tests can check its query plan. */
  pageQuery(orgId: string, filters: EventFilters, limit: number, before: number | null) {
    const params: Record<string, unknown> = { org: orgId, limit }
    const checks: string[] = []
    if (before !== null) params.before = before
    if (filters.from !== null) {
      checks.push('e.occurred_at >= @from')
      params.from = filters.from
    }
    if (filters.to !== null) {
      checks.push(filters.toInclusive ? 'e.occurred_at <= @to' : 'e.occurred_at < @to')
      params.to = filters.to
    }
    const beforeCheck = (column: string) => (before !== null ? [`${column} < @before`] : [])
    if (filters.actorId !== null) params.actor = filters.actorId
    if (filters.targetId !== null) params.target = filters.targetId
    const targetCheck = 'e.seq IN (SELECT t.seq FROM event_targets t WHERE t.org_id = @org AND t.target_id = @target)'

    let sql: string
    if (filters.actions.length > 0) {
      const extra = [...checks]
      if (filters.actorId !== null) extra.push('e.actor_id = @actor')
      if (filters.targetId !== null) extra.push(targetCheck)
      const runs = filters.actions.map((action, i) => {
        params[`action${i}`] = action
        const where = ['e.org_id = @org', `e.action = @action${i}`, ...beforeCheck('e.seq'), ...extra].join(' AND ')
        return `SELECT * FROM (SELECT e.* FROM events e INDEXED BY events_by_action WHERE ${where} ORDER BY e.seq DESC LIMIT @limit)`
      })
      sql = runs.length === 1 ? runs[0]! : `SELECT * FROM (${runs.join(' UNION ALL ')}) ORDER BY seq DESC LIMIT @limit`
    } else if (filters.actorId !== null) {
      const extra = filters.targetId !== null ? [targetCheck] : []
      const where = ['e.org_id = @org', 'e.actor_id = @actor', ...beforeCheck('e.seq'), ...checks, ...extra].join(
        ' AND ',
      )
      sql = `SELECT e.* FROM events e INDEXED BY events_by_actor WHERE ${where} ORDER BY e.seq DESC LIMIT @limit`
    } else if (filters.targetId !== null) {
      const where = ['t.org_id = @org', 't.target_id = @target', ...beforeCheck('t.seq'), ...checks].join(' AND ')
      sql =
        'SELECT e.* FROM event_targets t JOIN events e ON e.org_id = t.org_id AND e.seq = t.seq ' +
        `WHERE ${where} ORDER BY t.seq DESC LIMIT @limit`
    } else {
      const where = ['e.org_id = @org', ...beforeCheck('e.seq'), ...checks].join(' AND ')
      sql = `SELECT e.* FROM events e WHERE ${where} ORDER BY e.seq DESC LIMIT @limit`
    }
    return { sql, params }
  }

  /**
   * Count, highest seq and every missing seq range of an org. Seqs up to `prunedThrough`
   * (removed by retention, vouched for by a signed marker) are not missing.
   */
  integrity(orgId: string, prunedThrough = 0): { max_seq: number; count: number; gaps: [number, number][] } {
    const totals = this.stmt(
      'SELECT COUNT(*) AS count, MAX(COALESCE(MAX(seq), 0), ?) AS max_seq FROM events WHERE org_id = ?',
    ).get(prunedThrough, orgId) as { count: number; max_seq: number }
    const gaps = this.stmt(
      `SELECT prev + 1 AS gap_from, seq - 1 AS gap_to FROM (
         SELECT seq, LAG(seq, 1, ?) OVER (ORDER BY seq) AS prev FROM events WHERE org_id = ? AND seq > ?
       ) WHERE seq - prev > 1`,
    ).all(prunedThrough, orgId, prunedThrough) as { gap_from: number; gap_to: number }[]
    return { ...totals, gaps: gaps.map((g) => [g.gap_from, g.gap_to]) }
  }

  /**
   * The event as the API returns it, written from stored JSON fragments without re-parsing, so
   * numbers keep their exact text and a page costs string concatenation only.
   */
  toJson(row: EventRow): string {
    const q = JSON.stringify
    return (
      `{"id":${q(row.id)},"org_id":${q(row.org_id)},"seq":${row.seq},"occurred_at":${q(row.occurred_at)},` +
      `"ingested_at":${q(row.ingested_at)},"action":${q(row.action)},"actor":${row.actor_json},` +
      `"targets":${row.targets_json},"context":${row.context_json ?? 'null'},"metadata":${row.metadata_json ?? 'null'},` +
      `"payload_hash":${q(row.payload_hash)},"signature":${q(row.signature)},` +
      `"signing_public_key":${q(row.signing_public_key ?? this.keys.publicKeyOf(row.key_id))},"key_id":${q(row.key_id)}}`
    )
  }
}
