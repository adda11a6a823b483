/**
 * An in-memory AuditClient for component tests (a single layer: the real client, proxy and
 * ledger are covered by the server tests). Events can be really signed, so badges verify.
 */
import {
  AuditError,
  type AuditClient,
  type AuditEvent,
  type AuditFilters,
  type ExportInfo,
  type TrustedKeyInput,
} from '../../src/core/index.js'
import { exportInfo } from '../support/export-info.js'

export interface FakeClientOptions {
  events: AuditEvent[]
  keys?: TrustedKeyInput[]
  scopes?: string[]
  /** Answer every page with everything that matches (to load 100,000 rows at once). */
  singlePage?: boolean
  fail?: () => AuditError | null
  exports?: Partial<ExportInfo>[]
  /** What `getPruneMarker` answers (default null: nothing pruned). */
  pruneMarker?: unknown
  /**
   * The client's clock, which the components read for "now" (date presets, link and token
   * expiry). Default: fixed at {@link FAKE_NOW}, so that no component test depends on the
   * real date (a fixture's date compared with the real clock is what failed CI on 2026-11-30).
   */
  now?: () => number
}

/** The fake client's "now" unless a test gives its own clock: 2026-11-20T12:00:00Z, as ManualClock's. */
export const FAKE_NOW = Date.parse('2026-11-20T12:00:00.000Z')

export function fakeClient(options: FakeClientOptions) {
  const calls: { filters: AuditFilters; cursor: string | null | undefined }[] = []
  let exportStep = 0
  const exportAnswer = () =>
    exportInfo(options.exports?.[Math.min(exportStep++, (options.exports?.length ?? 1) - 1)] ?? {})
  const matches = (event: AuditEvent, f: AuditFilters) =>
    (!f.actions?.length || f.actions.includes(event.action)) &&
    (!f.actorId || event.actor.id === f.actorId) &&
    (!f.targetId || event.targets.some((t) => t.id === f.targetId))
  const client: AuditClient = {
    platform: {
      fetch: globalThis.fetch,
      now: options.now ?? (() => FAKE_NOW),
      random: Math.random,
      sleep: async () => {},
    },
    async listEvents(query, { signal } = {}) {
      calls.push({ filters: query, cursor: query.cursor })
      const failure = options.fail?.()
      if (failure) throw failure
      if (signal?.aborted) throw new AuditError('aborted', 'cancelled')
      const all = options.events.filter((e) => matches(e, query))
      if (options.singlePage) return { events: all, nextCursor: null }
      const start = query.cursor ? Number(query.cursor) : 0
      const limit = query.limit ?? 50
      const events = all.slice(start, start + limit)
      return { events, nextCursor: start + limit < all.length ? String(start + limit) : null }
    },
    async getEvent(id) {
      const event = options.events.find((e) => e.id === id)
      if (!event) throw new AuditError('not-found', 'No such event', { status: 404 })
      return event
    },
    async createExport() {
      exportStep = 0
      return exportAnswer()
    },
    async getExport() {
      return exportAnswer()
    },
    async getKeys() {
      return options.keys ?? []
    },
    async getPruneMarker() {
      return options.pruneMarker ?? null
    },
    // A service without the completeness extension.
    async getCheckpoint() {
      return null
    },
    async getConsistency() {
      throw new AuditError('not-found', 'No checkpoints', { status: 404 })
    },
    async getInclusion() {
      throw new AuditError('not-found', 'No checkpoints', { status: 404 })
    },
    async token() {
      return {
        token: 't',
        expires_at: new Date(client.platform.now() + 60_000).toISOString(),
        scopes: options.scopes ?? ['audit:read', 'audit:export'],
      }
    },
  }
  return { client, calls }
}

/** Unsigned events, newest first (seq n..1), cheap enough for 100,000 rows. */
export function plainEvents(count: number): AuditEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = count - i
    return {
      id: `aevt_${seq}`,
      org_id: 'aorg_1',
      seq,
      occurred_at: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
      ingested_at: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
      action: seq % 2 ? 'user.signed_in' : 'invoice.paid',
      actor: { type: 'user', id: `user_${seq % 7}`, name: `User ${seq % 7}` },
      targets: [{ type: 'invoice', id: `inv_${seq}` }],
      context: null,
      metadata: null,
    } as AuditEvent
  })
}
