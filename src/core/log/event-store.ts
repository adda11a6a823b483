/**
 * `createEventStore`: the event list as a framework-free store (`subscribe` / `getSnapshot`,
 * ready for React's useSyncExternalStore). Pages follow `next_cursor`; a filter change aborts
 * what is in flight and can never be overwritten by a stale page; live tail adds only events
 * newer than the head; with no filters, missing seqs between loaded neighbours are reported.
 */
import type { AuditEvent } from '../types.js'
import { AuditError, isAbort } from './audit-error.js'
import type { AuditFilters } from '../../protocol/filters.js'
import type { AuditClient, EventPage } from './client.js'

/** A run of seqs missing between two loaded events (or below the oldest one). */
export interface SeqGap {
  /** First missing seq. */
  from: number
  /** Last missing seq. */
  to: number
  /** The loaded event just above the gap (newer). */
  afterEventId: string
}

export type EventStoreState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; hasMore: boolean; loadingMore: boolean; pageError: AuditError | null }
  | { status: 'error'; error: AuditError }
  | { status: 'session-expired'; error: AuditError }

export interface EventStoreSnapshot {
  state: EventStoreState
  /** Newest first, each event once. */
  events: readonly AuditEvent[]
  filters: AuditFilters
  /** Only without filters (with filters, skipped seqs are expected). */
  gaps: readonly SeqGap[]
}

export interface EventStore {
  subscribe(listener: () => void): () => void
  getSnapshot(): EventStoreSnapshot
  /** Load the next page; concurrent calls share one request. Starts with the first page. */
  loadNext(): Promise<void>
  /** Replace the filters: aborts in-flight work, clears the list and loads the first page. */
  setFilters(filters: AuditFilters): Promise<void>
  /** Live tail: fetch the newest events above the head; resolves with how many were added. */
  refreshHead(): Promise<number>
  /** After an error: try the failed load again. */
  retry(): Promise<void>
  /** Stop everything in flight; the store stays readable and usable (React StrictMode remounts). */
  destroy(): void
}

export interface EventStoreOptions {
  filters?: AuditFilters
  /** Events per page (default 50, at most 200). */
  pageSize?: number
  /** Pages live tail reads at most before giving up on catching up in one go (default 10). */
  maxTailPages?: number
  /**
   * A first page for `filters` and `pageSize` that is already here (the host's server fetched
   * it, see `adoptInitialPage`): the store starts ready with it, and pages on from its cursor.
   */
  initialPage?: EventPage | null
}

const seqOf = (event: AuditEvent) => Number(event.seq)
const bySeqDesc = (a: AuditEvent, b: AuditEvent) => seqOf(b) - seqOf(a)

/** Two seq-descending lists as one: a copy joined end to end when they do not overlap (the usual case). */
function join(rows: readonly AuditEvent[], page: readonly AuditEvent[]): AuditEvent[] {
  if (rows.length === 0) return [...page]
  if (seqOf(rows.at(-1)!) >= seqOf(page[0]!)) return rows.concat(page)
  if (seqOf(page.at(-1)!) >= seqOf(rows[0]!)) return page.concat(rows)
  const out: AuditEvent[] = []
  let i = 0
  let j = 0
  while (i < rows.length && j < page.length) out.push(seqOf(rows[i]!) >= seqOf(page[j]!) ? rows[i++]! : page[j++]!)
  return out.concat(rows.slice(i), page.slice(j))
}
const hasFilters = (f: AuditFilters) => Boolean(f.actions?.length || f.actorId || f.targetId || f.from || f.to)

export function createEventStore(client: AuditClient, options: EventStoreOptions = {}): EventStore {
  const pageSize = Math.min(200, Math.max(1, options.pageSize ?? 50))
  const maxTailPages = options.maxTailPages ?? 10
  const listeners = new Set<() => void>()
  let snapshot: EventStoreSnapshot = { state: { status: 'idle' }, events: [], filters: options.filters ?? {}, gaps: [] }
  let byId = new Map<string, AuditEvent>()
  /** `byId`'s values, newest first: the published `events`. */
  let sorted: AuditEvent[] = []
  let cursor: string | null = null
  let hasMore = true
  /** Bumped on every filter change; a response from an older generation is dropped. */
  let generation = 0
  let controller = new AbortController()
  let loading: Promise<void> | null = null
  let tailing: Promise<number> | null = null
  const initial = options.initialPage
  if (initial) {
    add(initial.events)
    hasMore = (cursor = initial.nextCursor) !== null
    publish(ready(), true)
  }

  function publish(state: EventStoreState, changedEvents = false): void {
    let { events, gaps } = snapshot
    if (changedEvents) {
      events = sorted
      gaps = hasFilters(snapshot.filters) ? [] : findGaps(events, hasMore)
    }
    snapshot = { state, events, filters: snapshot.filters, gaps }
    for (const listener of [...listeners]) listener()
  }

  /**
   * Add a page to the seq-descending list. A page lands below the rows (paging) or above them
   * (live tail), so it is sorted alone (page size, not rows) and joined on; only an overlap or
   * a changed copy of a loaded event costs a full sort.
   */
  function add(page: readonly AuditEvent[]): number {
    const fresh: AuditEvent[] = []
    let replaced = false
    for (const event of page) {
      const known = byId.get(event.id)
      if (known === event) continue
      if (known) replaced = true
      else fresh.push(event)
      byId.set(event.id, event)
    }
    if (replaced) sorted = [...byId.values()].sort(bySeqDesc)
    else if (fresh.length > 0) sorted = join(sorted, fresh.sort(bySeqDesc))
    return fresh.length
  }

  function failed(error: unknown): EventStoreState {
    const auditError = AuditError.from(error, 'Loading the audit log failed.')
    return auditError.code === 'session-expired'
      ? { status: 'session-expired', error: auditError }
      : { status: 'error', error: auditError }
  }

  function ready(pageError: AuditError | null = null, loadingMore = false): EventStoreState {
    return { status: 'ready', hasMore, loadingMore, pageError }
  }

  /** Ready, keeping what the current state says about a page load in progress or failed. */
  function currentReady(): EventStoreState {
    const state = snapshot.state
    return state.status === 'ready' ? ready(state.pageError, loading !== null) : ready()
  }

  function loadNext(): Promise<void> {
    if (loading) return loading
    if (!hasMore && snapshot.state.status === 'ready') return Promise.resolve()
    const mine = generation
    const first = byId.size === 0
    publish(first ? { status: 'loading' } : ready(null, true))
    loading = (async () => {
      try {
        const page = await client.listEvents(
          { ...snapshot.filters, limit: pageSize, cursor },
          { signal: controller.signal },
        )
        if (mine !== generation) return
        add(page.events)
        cursor = page.nextCursor
        hasMore = page.nextCursor !== null
        publish(ready(), true)
      } catch (error) {
        if (mine !== generation || isAbort(error)) return
        // A failed later page keeps what is shown and says so; a failed first page is the state.
        const state = failed(error)
        publish(
          first || state.status === 'session-expired' ? state : ready(state.status === 'error' ? state.error : null),
        )
      } finally {
        if (mine === generation) loading = null
      }
    })()
    return loading
  }

  async function refreshHead(): Promise<number> {
    if (tailing) return tailing
    if (snapshot.state.status !== 'ready') return 0
    const mine = generation
    tailing = (async () => {
      const head = snapshot.events[0] ? seqOf(snapshot.events[0]) : 0
      let added = 0
      let tailCursor: string | null = null
      try {
        for (let page = 0; page < maxTailPages; page++) {
          const result = await client.listEvents(
            { ...snapshot.filters, limit: pageSize, cursor: tailCursor },
            { signal: controller.signal },
          )
          if (mine !== generation) return 0
          const above = result.events.filter((event) => seqOf(event) > head)
          const reachedHead = above.length < result.events.length
          added += add(above.filter((event) => !byId.has(event.id)))
          if (reachedHead || result.nextCursor === null) {
            if (added > 0) publish(currentReady(), true)
            return added
          }
          tailCursor = result.nextCursor
        }
        // More arrived than live tail reads in one go. Keeping the old rows would leave a hole
        // between them and the new ones (shown as a false seq gap), so the list restarts from
        // the newest rows and continues downwards from here.
        const fresh = [...byId.values()].filter((event) => seqOf(event) > head)
        byId = new Map(fresh.map((event) => [event.id, event]))
        sorted = fresh.sort(bySeqDesc)
        cursor = tailCursor
        hasMore = true
        publish(currentReady(), true)
        return added
      } catch (error) {
        if (mine !== generation || isAbort(error)) return 0
        const state = failed(error)
        if (state.status === 'session-expired') publish(state)
        throw error
      } finally {
        if (mine === generation) tailing = null
      }
    })()
    return tailing
  }

  function reset(filters: AuditFilters): void {
    controller.abort()
    controller = new AbortController()
    generation++
    loading = null
    tailing = null
    byId = new Map()
    sorted = []
    cursor = null
    hasMore = true
    snapshot = { ...snapshot, filters, events: [], gaps: [] }
  }

  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot: () => snapshot,
    loadNext,
    setFilters(filters) {
      reset(filters)
      return loadNext()
    },
    refreshHead,
    retry() {
      if (snapshot.state.status === 'error' || snapshot.state.status === 'session-expired') {
        if (byId.size === 0) reset(snapshot.filters)
        return loadNext()
      }
      if (snapshot.state.status === 'ready' && snapshot.state.pageError) return loadNext()
      return Promise.resolve()
    },
    destroy() {
      controller.abort()
      controller = new AbortController()
      generation++
      loading = null
      tailing = null
    },
  }
}

/** Missing seqs between neighbours of a seq-descending list, and below the oldest at the end. */
export function findGaps(events: readonly AuditEvent[], hasMore: boolean): SeqGap[] {
  const gaps: SeqGap[] = []
  for (let i = 1; i < events.length; i++) {
    const newer = seqOf(events[i - 1]!)
    const older = seqOf(events[i]!)
    if (newer - older > 1) gaps.push({ from: older + 1, to: newer - 1, afterEventId: events[i - 1]!.id })
  }
  const oldest = events.at(-1)
  if (!hasMore && oldest && seqOf(oldest) > 1) gaps.push({ from: 1, to: seqOf(oldest) - 1, afterEventId: oldest.id })
  return gaps
}
