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
import type { AuditClient } from './client.js'
import { dropped, filled, makeBlock, samePage, seqOf, type PageBlock, type SeqGap } from './page-blocks.js'
import { heldEvents, refetchBlock } from './page-refetch.js'

export type { PageBlock, SeqGap }

export type EventStoreState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; hasMore: boolean; loadingMore: boolean; pageError: AuditError | null }
  | { status: 'error'; error: AuditError }
  | { status: 'session-expired'; error: AuditError }

export interface EventStoreSnapshot {
  state: EventStoreState
  /** Every page fetched, newest first; a block outside the window has `events: null`. */
  blocks: readonly PageBlock[]
  /** The position of `blocks[0]` on a line that stays put: n blocks added above lower it by n. */
  base: number
  /** The events held now (the window), newest first, each once; built on first read. */
  readonly events: readonly AuditEvent[]
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
  /**
   * The blocks (indexes in `blocks`) the view shows: they are kept, re-fetched if dropped, and
   * the blocks farthest from them are dropped beyond `windowPages`.
   */
  setViewport(firstBlock: number, lastBlock: number): void
  /** Where event `eventId` is held: its block's index in `blocks` and its place in it; null when not held. */
  locate(eventId: string): { block: number; offset: number } | null
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
   * Pages that hold their events at most (default 20): the ones nearest the viewport. Farther
   * pages keep their place (row count, scroll height) and are fetched again when shown.
   */
  windowPages?: number
}

const hasFilters = (f: AuditFilters) => Boolean(f.actions?.length || f.actorId || f.targetId || f.from || f.to)
const bySeqDesc = (a: AuditEvent, b: AuditEvent) => seqOf(b) - seqOf(a)
const gapsOf = (block: PageBlock) => block.gaps.map((g) => g.gap)

function snapshotOf(
  state: EventStoreState,
  blocks: readonly PageBlock[],
  filters: AuditFilters,
  gaps: readonly SeqGap[],
  base = 0,
  holding: readonly (readonly [PageBlock, number])[] = [],
): EventStoreSnapshot {
  let events: readonly AuditEvent[] | null = null
  return {
    state,
    blocks,
    base,
    filters,
    gaps,
    get events() {
      events ??= heldEvents(holding)
      return events
    },
  }
}

export function createEventStore(client: AuditClient, options: EventStoreOptions = {}): EventStore {
  const pageSize = Math.min(200, Math.max(1, options.pageSize ?? 50))
  const maxTailPages = options.maxTailPages ?? 10
  const windowPages = Math.max(1, options.windowPages ?? 20)
  const listeners = new Set<() => void>()
  let snapshot = snapshotOf({ status: 'idle' }, [], options.filters ?? {}, [])
  let blocks: readonly PageBlock[] = []
  let gaps: readonly SeqGap[] = []
  /** Ids of the held events, for dropping a page's copies of events already shown. */
  let held = new Map<string, { block: PageBlock; offset: number }>()
  /** The blocks holding events, each with its position (`base` + index, unchanged by prepends). */
  let holding = new Map<PageBlock, number>()
  /** The position of `blocks[0]`: prepending n blocks lowers it by n. */
  let base = 0
  /** Blocks in the viewport, by key: kept in the window, re-fetched when dropped. */
  let viewport = { first: 0, last: 0 }
  const refetching = new Map<number, Promise<void>>()
  let cursor: string | null = null
  let hasMore = true
  /** Bumped on every filter change; a response from an older generation is dropped. */
  let generation = 0
  let controller = new AbortController()
  let loading: Promise<void> | null = null
  let tailing: Promise<number> | null = null

  function publish(state: EventStoreState): void {
    snapshot = snapshotOf(state, blocks, snapshot.filters, gaps, base, [...holding])
    for (const listener of [...listeners]) listener()
  }

  function hold(block: PageBlock, index: number): void {
    if (!block.events) return
    block.events.forEach((event, offset) => held.set(event.id, { block, offset }))
    holding.set(block, base + index)
  }
  function release(block: PageBlock): void {
    if (!holding.delete(block)) return
    for (const event of block.events ?? []) if (held.get(event.id)?.block === block) held.delete(event.id)
  }

  /** Replace the block at `index` (a copy of the block list: one pointer per page). */
  function replace(index: number, block: PageBlock): void {
    const next = blocks.slice()
    release(next[index]!)
    next[index] = block
    hold(block, index)
    blocks = next
  }

  /** Drop the events of the held blocks farthest from the viewport, beyond `windowPages`. O(window). */
  function evict(): void {
    if (holding.size <= windowPages) return
    const distance = (i: number) =>
      i < viewport.first ? viewport.first - i : i > viewport.last ? i - viewport.last : 0
    const indexes = [...holding.values()].map((position) => position - base)
    indexes.sort((a, b) => distance(b) - distance(a))
    const far = indexes.slice(0, indexes.length - windowPages).filter((index) => distance(index) > 0)
    if (far.length === 0) return
    const next = blocks.slice()
    for (const index of far) {
      release(next[index]!)
      next[index] = dropped(next[index]!)
    }
    blocks = next
  }

  /** Add a page fetched with `from` below the blocks (paging). O(page). */
  function append(page: readonly AuditEvent[], from: string | null, last: boolean): void {
    const fresh = page.filter((event) => !held.has(event.id)).sort(bySeqDesc)
    const below = blocks.at(-1)
    const overlap = below?.events && fresh.length > 0 && seqOf(fresh[0]!) > below.oldest
    if (below?.events && overlap) {
      // A page reaching above the last one (events written out of order): merge it into that
      // block, so rows stay in seq order. O(page + block).
      const merged = [...below.events, ...fresh].sort(bySeqDesc)
      const above = blocks.at(-2)
      const block = makeBlock(
        merged,
        { cursor: below.cursor, newest: seqOf(merged[0]!), oldest: seqOf(merged.at(-1)!) },
        { above: edgeOf(above), last, gaps: !hasFilters(snapshot.filters) },
      )
      replace(blocks.length - 1, block)
      gaps = rebuildGaps(blocks)
      return
    }
    const kept = below ? fresh.filter((event) => seqOf(event) < below.oldest) : fresh
    // An empty last page still carries the gap below the oldest event, down to seq 1.
    const newest = kept[0] ? seqOf(kept[0]) : below ? below.oldest - 1 : 0
    const block = makeBlock(
      kept,
      { cursor: from, newest, oldest: kept.at(-1) ? seqOf(kept.at(-1)!) : 1 },
      { above: edgeOf(below), last, gaps: !hasFilters(snapshot.filters) },
    )
    if (block.count === 0 && block.gaps.length === 0) return
    blocks = [...blocks, block]
    hold(block, blocks.length - 1)
    if (block.gaps.length > 0) gaps = gaps.concat(gapsOf(block))
  }

  /** Add blocks above the head (live tail), newest first; the old head gets the gap above it. */
  function prepend(pages: readonly { events: AuditEvent[]; cursor: string | null }[]): void {
    const made: PageBlock[] = []
    const withGaps = !hasFilters(snapshot.filters)
    for (const page of pages) {
      const events = page.events.sort(bySeqDesc)
      const block = makeBlock(
        events,
        { cursor: page.cursor, newest: seqOf(events[0]!), oldest: seqOf(events.at(-1)!) },
        { above: edgeOf(made.at(-1)), last: false, gaps: withGaps },
      )
      made.push(block)
    }
    const head = blocks[0]
    const lowest = made.at(-1)
    // The gap between the new blocks and the old head, under the lowest new event.
    if (withGaps && head && lowest?.oldestId && lowest.oldest - head.newest > 1) {
      const gap = { from: head.newest + 1, to: lowest.oldest - 1, afterEventId: lowest.oldestId }
      made[made.length - 1] = { ...lowest, gaps: [...lowest.gaps, { after: lowest.count - 1, gap }] }
    }
    blocks = [...made, ...blocks]
    base -= made.length
    made.forEach(hold)
    viewport = { first: viewport.first + made.length, last: viewport.last + made.length }
    gaps = made.some((block) => block.gaps.length > 0) ? [...made.flatMap(gapsOf), ...gaps] : gaps
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
  function currentReady(pageError?: AuditError | null): EventStoreState {
    const state = snapshot.state
    const error = pageError !== undefined ? pageError : state.status === 'ready' ? state.pageError : null
    return state.status === 'ready' || pageError !== undefined ? ready(error, loading !== null) : ready()
  }

  function loadNext(): Promise<void> {
    if (loading) return loading
    if (!hasMore && snapshot.state.status === 'ready') return Promise.resolve()
    const mine = generation
    const first = blocks.length === 0
    publish(first ? { status: 'loading' } : ready(null, true))
    loading = (async () => {
      try {
        const from = cursor
        const page = await client.listEvents(
          { ...snapshot.filters, limit: pageSize, cursor: from },
          { signal: controller.signal },
        )
        if (mine !== generation) return
        cursor = page.nextCursor
        hasMore = page.nextCursor !== null
        append(page.events, from, !hasMore)
        evict()
        loading = null
        publish(ready())
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

  async function refreshHead(): Promise<number> {
    if (tailing) return tailing
    if (snapshot.state.status !== 'ready') return 0
    const mine = generation
    tailing = (async () => {
      const head = blocks[0]?.newest ?? 0
      const pages: { events: AuditEvent[]; cursor: string | null }[] = []
      let tailCursor: string | null = null
      try {
        for (let read = 0; read < maxTailPages; read++) {
          const result = await client.listEvents(
            { ...snapshot.filters, limit: pageSize, cursor: tailCursor },
            { signal: controller.signal },
          )
          if (mine !== generation) return 0
          const above = result.events.filter((event) => seqOf(event) > head)
          if (above.length > 0) pages.push({ events: above, cursor: tailCursor })
          if (above.length < result.events.length || result.nextCursor === null) {
            const added = pages.reduce((sum, page) => sum + page.events.length, 0)
            if (added > 0) {
              prepend(pages)
              evict()
              publish(currentReady())
            }
            return added
          }
          tailCursor = result.nextCursor
        }
        // More arrived than live tail reads in one go. Keeping the old rows would leave a hole
        // between them and the new ones (shown as a false seq gap), so the list restarts from
        // the newest rows and continues downwards from here.
        blocks = []
        gaps = []
        held = new Map()
        holding = new Map()
        base = 0
        for (const page of pages) append(page.events, page.cursor, false)
        viewport = { first: 0, last: 0 }
        evict()
        cursor = tailCursor
        hasMore = true
        publish(currentReady())
        return pages.reduce((sum, page) => sum + page.events.length, 0)
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

  /** Fetch a dropped block again by its cursor; a page that changed meanwhile is derived afresh. */
  function refill(block: PageBlock, at: number): Promise<void> {
    const running = refetching.get(block.key)
    if (running) return running
    const mine = generation
    const position = base + at
    const job = (async () => {
      try {
        const events = await refetchBlock(client, block, snapshot.filters, pageSize, controller.signal)
        const index = position - base
        if (mine !== generation || blocks[index]?.key !== block.key || blocks[index]!.events) return
        if (samePage(block, events)) replace(index, filled(block, events))
        else {
          // Retention (or anything else) changed the page since it was first read: its rows are
          // derived from what the ledger returns now, never drawn under the old events' places.
          const above = blocks[index - 1]
          replace(
            index,
            makeBlock(
              events,
              { cursor: block.cursor, newest: block.newest, oldest: block.oldest },
              {
                above: edgeOf(above),
                last: index === blocks.length - 1 && !hasMore,
                gaps: !hasFilters(snapshot.filters),
              },
            ),
          )
          gaps = rebuildGaps(blocks)
        }
        evict()
        publish(currentReady())
      } catch (error) {
        if (mine !== generation || isAbort(error)) return
        const state = failed(error)
        publish(state.status === 'session-expired' ? state : currentReady(AuditError.from(error, 'Loading failed.')))
      } finally {
        refetching.delete(block.key)
      }
    })()
    refetching.set(block.key, job)
    return job
  }

  function setViewport(first: number, last: number): void {
    viewport = { first: Math.max(0, first), last: Math.max(first, last) }
    if (snapshot.state.status !== 'ready') return
    for (let i = viewport.first; i <= Math.min(viewport.last, blocks.length - 1); i++) {
      if (!blocks[i]!.events) void refill(blocks[i]!, i)
    }
    const before = blocks
    evict()
    if (blocks !== before) publish(currentReady())
  }

  function reset(filters: AuditFilters): void {
    controller.abort()
    controller = new AbortController()
    generation++
    loading = null
    tailing = null
    refetching.clear()
    blocks = []
    gaps = []
    held = new Map()
    holding = new Map()
    base = 0
    viewport = { first: 0, last: 0 }
    cursor = null
    hasMore = true
    snapshot = snapshotOf(snapshot.state, blocks, filters, gaps)
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
    setViewport,
    locate(eventId) {
      const at = held.get(eventId)
      const position = at ? holding.get(at.block) : undefined
      return position === undefined ? null : { block: position - base, offset: at!.offset }
    },
    retry() {
      const state = snapshot.state
      if (state.status === 'error' || state.status === 'session-expired') {
        if (blocks.length === 0) reset(snapshot.filters)
        return loadNext()
      }
      if (state.status === 'ready' && state.pageError) {
        publish(ready())
        setViewport(viewport.first, viewport.last)
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

/** The oldest event of a block, for the gap above the next one. */
function edgeOf(block: PageBlock | undefined): { seq: number; id: string } | null {
  if (!block) return null
  return block.oldestId ? { seq: block.oldest, id: block.oldestId } : { seq: block.oldest, id: '' }
}

/** Every block's gaps in order: after a block was derived afresh (rare). O(blocks). */
function rebuildGaps(blocks: readonly PageBlock[]): SeqGap[] {
  return blocks.flatMap(gapsOf)
}
