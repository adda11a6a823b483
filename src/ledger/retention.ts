/**
 * Retention: per-org `retention_days`, a background pass that removes expired events, and the
 * signed prune marker each removal leaves behind (an auditlens extension; see README).
 *
 * Expiry is judged on `ingested_at`, not `occurred_at`: the ledger sets it under the write
 * lock, so it follows seq, while `occurred_at` is whatever the client sent (a backfilled
 * event would expire on arrival, and expired events would be scattered through the log).
 * Only a prefix of seqs is ever removed, oldest first, stopping at the first event still
 * within retention, so the remaining log is 1..N pruned, then N+1.. intact: never a hole.
 */
import { sign } from 'node:crypto'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { PRUNE_SCHEMA, pruneMarkerBytes, type PruneMarker } from '../core/verify/prune-marker.js'
import { statements, type Db } from './database.js'
import type { SigningKeys } from './signing-keys.js'

/** The longest retention accepted: about 100 years, far beyond any plan, and exact in epoch ms. */
export const MAX_RETENTION_DAYS = 36_500

const DAY_MS = 86_400_000

/** A marker as stored: the served marker without the public key (looked up by key_id). */
export type PruneMarkerRow = Omit<PruneMarker, 'schema' | 'signing_public_key'>

/** A `setInterval` / `clearInterval` pair: the global one by default, a hand-stepped one in tests. */
export interface RetentionTimers {
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

export interface RetentionOptions {
  /** Events removed per transaction (default 5000), so a large backlog never holds the write lock long. */
  batch?: number
  /** Where a failed pass is reported (default `console.warn`). */
  warn?: (line: string) => void
}

export class Retention {
  private readonly sql: ReturnType<typeof statements>
  private readonly batch: number
  private readonly warn: (line: string) => void
  private timer: { handle: unknown; timers: RetentionTimers } | null = null
  private pass: Promise<PruneMarkerRow[]> | null = null
  private closed = false

  constructor(
    private readonly db: Db,
    private readonly keys: SigningKeys,
    private readonly clock: () => number,
    options: RetentionOptions = {},
  ) {
    this.sql = statements(db)
    this.batch = options.batch ?? 5000
    this.warn = options.warn ?? console.warn
  }

  /** The org's retention in days, or null (keep forever, the default). */
  daysOf(orgId: string): number | null {
    const row = this.sql('SELECT retention_days FROM orgs WHERE id = ?').get(orgId) as
      { retention_days: number | null } | undefined
    return row?.retention_days ?? null
  }

  /** Set (or with null, clear) an org's retention. The next pass applies it. */
  setDays(orgId: string, days: number | null): void {
    this.sql('UPDATE orgs SET retention_days = ? WHERE id = ?').run(days, orgId)
  }

  /** Every marker of the org, oldest first. */
  markers(orgId: string): PruneMarkerRow[] {
    return this.sql('SELECT * FROM prune_markers WHERE org_id = ? ORDER BY pruned_through_seq').all(
      orgId,
    ) as PruneMarkerRow[]
  }

  /** The newest marker: it covers every seq pruned so far (prunes only ever extend the prefix). */
  latest(orgId: string): PruneMarkerRow | undefined {
    return this.sql('SELECT * FROM prune_markers WHERE org_id = ? ORDER BY pruned_through_seq DESC LIMIT 1').get(
      orgId,
    ) as PruneMarkerRow | undefined
  }

  /** Highest pruned seq of the org, 0 when nothing was pruned. */
  prunedThrough(orgId: string): number {
    return this.latest(orgId)?.pruned_through_seq ?? 0
  }

  /** The newest marker as served, or null when nothing was pruned. */
  latestJson(orgId: string): PruneMarker | null {
    const row = this.latest(orgId)
    return row ? this.toJson(row) : null
  }

  /** The marker as served: with its schema and the signing key's public half. */
  toJson(row: PruneMarkerRow): PruneMarker {
    return {
      schema: PRUNE_SCHEMA,
      org_id: row.org_id,
      pruned_through_seq: row.pruned_through_seq,
      pruned_at: row.pruned_at,
      retention_days: row.retention_days,
      cutoff: row.cutoff,
      key_id: row.key_id,
      signing_public_key: this.keys.publicKeyOf(row.key_id),
      signature: row.signature,
    }
  }

  /**
   * Remove one batch of the org's expired prefix in one IMMEDIATE transaction and sign a marker
   * for it. Returns the marker, or null when nothing (more) is expired.
   */
  pruneBatch(orgId: string): PruneMarkerRow | null {
    const run = this.db.transaction(() => {
      const days = this.daysOf(orgId)
      if (days === null) return null
      const now = this.clock()
      const cutoff = new Date(now - days * DAY_MS).toISOString()
      const floor = this.prunedThrough(orgId)
      // The first event still within retention ends the prefix; newer seqs are never examined.
      const kept = this.sql(
        'SELECT seq FROM events WHERE org_id = ? AND seq > ? AND ingested_at >= ? ORDER BY seq LIMIT 1',
      ).get(orgId, floor, cutoff) as { seq: number } | undefined
      const expired = this.sql(
        `SELECT MAX(seq) AS seq FROM (SELECT seq FROM events WHERE org_id = @org AND seq > @floor AND seq < @end
           ORDER BY seq LIMIT @batch)`,
      ).get({ org: orgId, floor, end: kept?.seq ?? Number.MAX_SAFE_INTEGER, batch: this.batch }) as {
        seq: number | null
      }
      if (expired.seq === null) return null
      const through = expired.seq
      this.remove(orgId, through)
      const key = this.keys.active()
      // Like ingested_at: never before the key's window opened, so the marker verifies under it.
      const nowIso = new Date(now).toISOString()
      const marker: PruneMarkerRow = {
        org_id: orgId,
        pruned_through_seq: through,
        pruned_at: nowIso < key.notBefore ? key.notBefore : nowIso,
        retention_days: days,
        cutoff,
        key_id: key.keyId,
        signature: '',
      }
      marker.signature = sign(null, pruneMarkerBytes(marker), key.privateKey).toString('hex')
      this.sql(
        `INSERT INTO prune_markers (org_id, pruned_through_seq, pruned_at, retention_days, cutoff, key_id, signature)
         VALUES (@org_id, @pruned_through_seq, @pruned_at, @retention_days, @cutoff, @key_id, @signature)`,
      ).run(marker)
      return marker
    })
    return run.immediate()
  }

  /**
   * Delete seqs up to `through` under a permit the DELETE triggers admit; the permit is gone
   * again before the transaction commits. Idempotency keys that stored a removed event go too
   * (a replay would otherwise name an event that no longer exists); retention is at least a
   * day, and Stripe forgets idempotency keys after 24 hours, so no honest retry is that late.
   */
  private remove(orgId: string, through: number): void {
    this.sql('INSERT INTO prune_permits (org_id, through_seq) VALUES (?, ?)').run(orgId, through)
    this.sql(
      'DELETE FROM idempotency_keys WHERE event_id IN (SELECT id FROM events WHERE org_id = ? AND seq <= ?)',
    ).run(orgId, through)
    this.sql('DELETE FROM event_targets WHERE org_id = ? AND seq <= ?').run(orgId, through)
    this.sql('DELETE FROM events WHERE org_id = ? AND seq <= ?').run(orgId, through)
    this.sql('DELETE FROM prune_permits WHERE org_id = ?').run(orgId)
  }

  /**
   * One pass over every org with a retention, batch by batch, yielding to the event loop
   * between batches so requests keep being served. Resolves with the markers written.
   * Concurrent calls share one pass.
   */
  runPass(): Promise<PruneMarkerRow[]> {
    if (this.pass) return this.pass
    const pass = this.prunePass().finally(() => {
      if (this.pass === pass) this.pass = null
    })
    this.pass = pass
    return pass
  }

  private async prunePass(): Promise<PruneMarkerRow[]> {
    const written: PruneMarkerRow[] = []
    const orgs = this.sql('SELECT id FROM orgs WHERE retention_days IS NOT NULL ORDER BY id').all() as { id: string }[]
    for (const { id } of orgs) {
      for (;;) {
        if (this.closed) return written
        const marker = this.pruneBatch(id)
        if (!marker) break
        written.push(marker)
        await yieldToLoop()
      }
    }
    return written
  }

  /** Run a pass every `intervalMs` on `timers` (unref'd, so it never keeps a process alive). */
  start(intervalMs: number, timers: RetentionTimers = globalTimers): void {
    this.stop()
    const tick = () => {
      this.runPass().catch((error: unknown) =>
        this.warn(`auditlens: the retention pass failed: ${error instanceof Error ? error.message : String(error)}`),
      )
    }
    const handle = timers.setInterval(tick, intervalMs)
    ;(handle as { unref?: () => void } | null)?.unref?.()
    this.timer = { handle, timers }
  }

  /** Stop the timer (a pass in progress finishes its batch). */
  stop(): void {
    if (this.timer) this.timer.timers.clearInterval(this.timer.handle)
    this.timer = null
  }

  /** Stop the timer and wait for a running pass to stop after its current batch. */
  async close(): Promise<void> {
    this.closed = true
    this.stop()
    await this.pass?.catch(() => {})
  }
}

const globalTimers: RetentionTimers = {
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>),
}
