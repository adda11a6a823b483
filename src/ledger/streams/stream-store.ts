/**
 * Stream rows: what a stream is, where its cursor stands and how healthy it is. The events
 * table is the outbox (see database.ts): a stream's pending events are its org's events with
 * seq > cursor_seq, so ingest writes nothing for streams and a restart resumes from the cursor.
 */
import { createHash } from 'node:crypto'
import { statements, type Db } from '../database.js'
import type { EventRow } from '../event-store.js'
import { newId } from '../ids.js'
import type { SecretBox } from './secret-box.js'

/** `active`: delivering; `error`: retrying after failures; `paused`: stopped until resumed. */
export type StreamState = 'active' | 'error' | 'paused'

export interface StreamRow {
  id: string
  org_id: string
  type: 'webhook'
  url: string
  secret_box: string
  state: StreamState
  cursor_seq: number
  failure_streak: number
  last_error: string | null
  last_delivery_at: string | null
  last_success_at: string | null
  /** Epoch milliseconds of the next retry, or null when nothing is waiting. */
  next_attempt_at: number | null
  created_at: string
}

const iso = (ms: number) => new Date(ms).toISOString()

export class StreamStore {
  private readonly sql: ReturnType<typeof statements>

  constructor(
    db: Db,
    private readonly box: SecretBox,
  ) {
    this.sql = statements(db)
  }

  /**
   * A new stream whose cursor starts at the org's newest event: it delivers what is ingested
   * from now on, and does not backfill history (a SIEM that wants history runs an export).
   */
  create(orgId: string, url: string, secret: string, now: number): StreamRow {
    const head = this.sql('SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE org_id = ?').get(orgId) as {
      seq: number
    }
    const id = newId('astr', now)
    const row: StreamRow = {
      id,
      org_id: orgId,
      type: 'webhook',
      url,
      secret_box: this.box.seal(secret, id),
      state: 'active',
      cursor_seq: head.seq,
      failure_streak: 0,
      last_error: null,
      last_delivery_at: null,
      last_success_at: null,
      next_attempt_at: null,
      created_at: iso(now),
    }
    this.sql(
      `INSERT INTO streams VALUES (@id, @org_id, @type, @url, @secret_box, @state, @cursor_seq, @failure_streak,
        @last_error, @last_delivery_at, @last_success_at, @next_attempt_at, @created_at)`,
    ).run(row)
    return row
  }

  get(id: string): StreamRow | undefined {
    return this.sql('SELECT * FROM streams WHERE id = ?').get(id) as StreamRow | undefined
  }

  /** The stream `id` if it belongs to `orgId`: another org's stream is as absent as a missing one. */
  ofOrg(orgId: string, id: string): StreamRow | undefined {
    const row = this.get(id)
    return row?.org_id === orgId ? row : undefined
  }

  list(orgId: string): StreamRow[] {
    return this.sql('SELECT * FROM streams WHERE org_id = ? ORDER BY created_at, id').all(orgId) as StreamRow[]
  }

  /** Ids of the streams that may have work: every stream not paused, or those of one org. */
  deliverable(orgId?: string): string[] {
    const rows = (
      orgId === undefined
        ? this.sql("SELECT id FROM streams WHERE state != 'paused'").all()
        : this.sql("SELECT id FROM streams WHERE org_id = ? AND state != 'paused'").all(orgId)
    ) as { id: string }[]
    return rows.map((r) => r.id)
  }

  remove(id: string): boolean {
    return this.sql('DELETE FROM streams WHERE id = ?').run(id).changes > 0
  }

  /** The signing secret, decrypted for one delivery. */
  secretOf(row: StreamRow): string {
    return this.box.open(row.secret_box, row.id)
  }

  /** The next event the stream owes its receiver, in seq order. */
  nextEvent(row: StreamRow): EventRow | undefined {
    return this.sql('SELECT * FROM events WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT 1').get(
      row.org_id,
      row.cursor_seq,
    ) as EventRow | undefined
  }

  /** Advance the cursor past `seq` (never backwards) and clear the failure streak. */
  recordSuccess(id: string, seq: number, now: number): void {
    this.sql(
      `UPDATE streams SET cursor_seq = MAX(cursor_seq, ?), state = 'active', failure_streak = 0, last_error = NULL,
        last_delivery_at = ?, last_success_at = ?, next_attempt_at = NULL WHERE id = ?`,
    ).run(seq, iso(now), iso(now), id)
  }

  /** Count a failed attempt; pause the stream once `pauseAfter` attempts in a row failed. */
  recordFailure(id: string, error: string, now: number, retryAt: number, pauseAfter: number): StreamState {
    this.sql(
      `UPDATE streams SET failure_streak = failure_streak + 1, last_error = ?, last_delivery_at = ?,
        state = CASE WHEN failure_streak + 1 >= ? THEN 'paused' ELSE 'error' END,
        next_attempt_at = CASE WHEN failure_streak + 1 >= ? THEN NULL ELSE ? END
       WHERE id = ?`,
    ).run(error, iso(now), pauseAfter, pauseAfter, retryAt, id)
    return this.get(id)?.state ?? 'paused'
  }

  /**
   * Put a paused stream back to work from its cursor: the event that kept failing is the first
   * one retried, so resuming never skips anything. A stream that is not paused is left as it is.
   */
  resume(id: string): void {
    this.sql(
      `UPDATE streams SET state = 'active', failure_streak = 0, next_attempt_at = NULL
       WHERE id = ? AND state = 'paused'`,
    ).run(id)
  }
}

/**
 * The `webhook-id` of an event's delivery to a stream: derived from both ids, so every retry,
 * before or after a restart, carries the same one and a receiver can drop duplicates on it.
 */
export function deliveryId(streamId: string, eventId: string): string {
  return 'adlv_' + createHash('sha256').update(`${streamId}\n${eventId}`).digest('hex').slice(0, 32)
}

/** A stream as the API answers it: the viewer's field names (invoance-audit-viewer StreamConfig.tsx) plus health. */
export function streamJson(row: StreamRow) {
  return {
    id: row.id,
    org_id: row.org_id,
    type: row.type,
    endpoint: row.url,
    url: row.url,
    state: row.state,
    cursor_seq: row.cursor_seq,
    failure_streak: row.failure_streak,
    last_error: row.last_error,
    last_delivery_at: row.last_delivery_at,
    last_success_at: row.last_success_at,
    next_attempt_at: row.next_attempt_at === null ? null : iso(row.next_attempt_at),
    created_at: row.created_at,
  }
}
