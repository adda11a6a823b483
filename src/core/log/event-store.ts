/**
 * `createEventStore`: the event list as a framework-free store (`subscribe` / `getSnapshot`,
 * ready for React's useSyncExternalStore). Pages follow `next_cursor`; a filter change aborts
 * what is in flight and can never be overwritten by a stale page; live tail adds only events
 * newer than the head; with no filters, missing seqs between loaded neighbours are reported.
 *
 * Memory is bounded: each page is kept as a block (page-blocks.ts), and only the blocks around
 * the viewport (`setViewport`), at most `windowPages` of them, hold their events; the others
 * keep what re-fetching needs and are fetched again by their cursor when they come back into
 * view. Adding a page costs O(page) in events (its gaps, its block) plus copying the list of
 * block references (one pointer per page), which keeps every published snapshot immutable.
 */
import type { AuditEvent } from '../types.js'
import { AuditError, isAbort } from './audit-error.js'
import type { AuditFilters } from '../../protocol/filters.js'
import type { AuditClient, EventPage, EventsQuery } from './client.js'
import type { StoreParts } from './live-tail.js'
import type { PageBlock, SeqGap } from './page-blocks.js'
import {
  append,
  emptyList,
  heldEvents,
  listOps,
  loadedWindow,
  loadWindow as windowOps,
  locate,
  type BlockList,
  type PageWindow,
} from './block-list.js'
import type { EventStore, EventStoreOptions, EventStoreState, EventStoreSnapshot } from './event-store-types.js'

export type { PageBlock, SeqGap }
export type { EventStore, EventStoreOptions, EventStoreSnapshot, EventStoreState } from './event-store-types.js'

const hasFilters = (f: AuditFilters) => Boolean(f.actions?.length || f.actorId || f.targetId || f.from || f.to)

function snapshotOf(state: EventStoreState, list: BlockList, filters: AuditFilters): EventStoreSnapshot {
  let events: readonly AuditEvent[] | null = null
  const holding = [...list.holding]
  return {
    state,
    blocks: list.blocks,
    base: list.base,
    filters,
    gaps: list.gaps,
    heldCount: list.held.size,
    get events() {
      events ??= heldEvents(holding)
      return events
    },
  }
}

/**
 * Events a page asks for: `pageSize` clamped to 1–200, 50 when absent, 0 or NaN. The one place
 * a page size is read, so the store, the early first page (`LogModel.prefetch`) and the
 * server's first page (`firstPageQuery`) always ask the same.
 */
export const pageSizeOf = (pageSize?: number) => Math.min(200, Math.max(1, pageSize || 50))

/**
 * The query of a log's first page: its filters and its page size as the store clamps it. One
 * function for the server that fetches the page, the browser's early request and the check
 * that a handed-over page answers the log's own query (re-exported by initial-page.ts).
 */
export function firstPageQuery(filters: AuditFilters = {}, pageSize?: number): EventsQuery {
  return { ...filters, limit: pageSizeOf(pageSize) }
}

export function createEventStore(client: AuditClient, options: EventStoreOptions = {}): EventStore {
  const pageSize = pageSizeOf(options.pageSize)
  const maxTailPages = options.maxTailPages || 10
  const windowPages = Math.max(1, options.windowPages || 20)
  const listeners = new Set<() => void>()
  const filtersAtStart = options.filters ?? {}
  let list = emptyList(windowPages, !hasFilters(filtersAtStart))
  let snapshot = snapshotOf({ status: 'idle' }, list, filtersAtStart)
  /** Re-fetches in flight, by block key (page-window.ts's `refill`). */
  const refetching = new Set<number>()
  let cursor: string | null = null
  let hasMore = true
  /** Bumped on every filter change; a response from an older generation is dropped. */
  let generation = 0
  let controller = new AbortController()
  let loading: Promise<void> | null = null
  let tailing: Promise<number> | null = null
  const initial = options.initialPage
  if (initial) {
    cursor = initial.nextCursor
    hasMore = cursor !== null
    append(list, initial.events, null, !hasMore)
    snapshot = snapshotOf(ready(), list, filtersAtStart)
  }

  /** Drop the blocks farthest from the viewport beyond `windowPages` (see `loadedWindow`). */
  function evict(): void {
    if (list.holding.size > windowPages) loadedWindow()!.evict(list)
  }

  function publish(state: EventStoreState): void {
    snapshot = snapshotOf(state, list, snapshot.filters)
    for (const listener of [...listeners]) listener()
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
  function currentReady(pageError?: AuditError): EventStoreState {
    const state = snapshot.state
    return ready(pageError ?? (state.status === 'ready' ? state.pageError : null), loading !== null)
  }

  function loadNext(firstPage?: Promise<EventPage> | null): Promise<void> {
    if (loading) return loading
    if (!hasMore && snapshot.state.status === 'ready') return Promise.resolve()
    const mine = generation
    const first = list.blocks.length === 0
    publish(first ? { status: 'loading' } : ready(null, true))
    loading = (async () => {
      try {
        const from = cursor
        const page = await (firstPage ??
          client.listEvents({ ...snapshot.filters, limit: pageSize, cursor: from }, { signal: controller.signal }))
        if (list.holding.size >= windowPages) await windowOps()
        if (mine !== generation) return
        cursor = page.nextCursor
        hasMore = page.nextCursor !== null
        append(list, page.events, from, !hasMore)
        evict()
        loading = null
        publish(ready())
        // Requested early only; whoever needs it (a full window, live tail) awaits it and
        // reports its failure, and a failed load is imported again then.
        windowOps().catch(() => {})
      } catch (error) {
        if (mine !== generation || isAbort(error)) return
        loading = null
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

  /** What the on-demand code (live tail, re-fetching) reads and changes of this store. */
  const parts: StoreParts = {
    client,
    pageSize,
    maxTailPages,
    refetching,
    current: (mine) =>
      mine === generation ? { list, filters: snapshot.filters, signal: controller.signal, hasMore } : null,
    changed() {
      evict()
      publish(currentReady())
    },
    failed(error, mine) {
      if (mine !== generation || isAbort(error)) return
      const state = failed(error)
      publish(state.status === 'session-expired' ? state : currentReady(AuditError.from(error, 'Loading failed.')))
    },
    restart(next, from) {
      list = next
      cursor = from
      hasMore = true
      parts.changed()
    },
  }

  function refreshHead(): Promise<number> {
    if (tailing) return tailing
    if (snapshot.state.status !== 'ready') return Promise.resolve(0)
    const mine = generation
    const read = (window: PageWindow) => window.refreshHead(listOps, parts, mine)
    // Loaded already (requested with the first page), the first request leaves at once.
    const loaded = loadedWindow()
    tailing = (loaded ? read(loaded) : windowOps().then(read))
      .catch((error: unknown) => {
        if (mine !== generation || isAbort(error)) return 0
        const state = failed(error)
        if (state.status === 'session-expired') publish(state)
        throw error
      })
      .finally(() => {
        if (mine === generation) tailing = null
      })
    return tailing
  }

  function setViewport(first: number, last: number): void {
    list.viewport = { first: Math.max(0, first), last: Math.max(first, last) }
    if (snapshot.state.status !== 'ready') return
    const { blocks } = list
    for (let i = list.viewport.first; i <= Math.min(list.viewport.last, blocks.length - 1); i++) {
      // Only the window's code drops blocks, so it is loaded (page-window.ts re-fetches).
      if (!blocks[i]!.events) loadedWindow()!.refill(listOps, parts, blocks[i]!, i, generation)
    }
    evict()
    if (list.blocks !== blocks) publish(currentReady())
  }

  function reset(filters: AuditFilters): void {
    controller.abort()
    controller = new AbortController()
    generation++
    loading = null
    tailing = null
    refetching.clear()
    list = emptyList(windowPages, !hasFilters(filters))
    cursor = null
    hasMore = true
    snapshot = snapshotOf(snapshot.state, list, filters)
  }

  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot: () => snapshot,
    loadNext: () => loadNext(),
    setFilters(filters, firstPage) {
      reset(filters)
      return loadNext(firstPage)
    },
    refreshHead,
    setViewport,
    locate: (eventId) => locate(list, eventId),
    retry() {
      const state = snapshot.state
      if (state.status === 'error' || state.status === 'session-expired') {
        if (list.blocks.length === 0) reset(snapshot.filters)
        return loadNext()
      }
      if (state.status === 'ready' && state.pageError) {
        publish(ready())
        setViewport(list.viewport.first, list.viewport.last)
        return hasMore ? loadNext() : Promise.resolve()
      }
      return Promise.resolve()
    },
    destroy() {
      controller.abort()
      controller = new AbortController()
      generation++
      loading = null
      tailing = null
      refetching.clear()
    },
  }
}
