/**
 * `createLogModel`: everything the audit log shows, without a framework. It holds the event
 * store (a window of pages around the viewport, filters, seq gaps), the rows a view draws, live tail with its timer and its count of rows that arrived out of
 * view, and the selection, fetching an event a deep link names that is not loaded. A view
 * subscribes, reads `getSnapshot()` (one new object per publish, unchanged parts kept), and
 * pushes its current options in with `setOptions` on every render; unchanged options cost
 * nothing. Nothing runs until `start()`, so building one while rendering on a server is pure.
 */
import type { AuditFilters } from '../../protocol/filters.js'
import type { AuditEvent } from '../types.js'
import { AuditError } from './audit-error.js'
import type { AuditClient, EventPage } from './client.js'
import { createEventStore, type EventStore, type EventStoreSnapshot } from './event-store.js'
import type { DeepLink, DeepLinkState } from './deep-link.js'
import { rowsOver, type LogRows } from './log-rows.js'
import type { PageBlock } from './page-blocks.js'
import type { AppliedMarker, PrunedRange } from './pruned-range.js'
import { isVerifiedPruneMarker, type PruneMarkerCheck } from '../verify/prune-marker-registry.js'
import { loadedWindow, loadWindow } from './block-list.js'

export type { DeepLinkState }

export interface LiveTailState {
  /** Whether the log polls for newer events (as last set through `setOptions`). */
  on: boolean
  /** The last poll failed; the next one tries again. */
  failure: AuditError | null
  /** Events that arrived while the reader was away from the head (for a "new events" pill). */
  unseen: number
}

export interface LogSelection {
  /** The selected event's id, loaded or not; `null` for none. */
  eventId: string | null
  /** Its index in `rows`, or -1 when it is not held (not loaded, or its page was dropped). */
  index: number
  /**
   * The event itself: from the rows, as last seen there (its page may have been dropped since),
   * or from the deep-link fetch; `null` while unknown.
   */
  event: AuditEvent | null
  deepLink: DeepLinkState
}

export interface LogModelSnapshot extends EventStoreSnapshot {
  /**
   * What a view draws: events (placeholders where a page was dropped), gap markers, the pruned
   * range, and a loader row while more pages exist.
   */
  rows: LogRows
  /** Seqs removed by retention (from a verified `pruneMarker`), once the oldest page is loaded. */
  pruned: PrunedRange | null
  /** Every action seen since the model was made (filter suggestions), sorted. */
  knownActions: readonly string[]
  liveTail: LiveTailState
  selection: LogSelection
}

/** A `setInterval` / `clearInterval` pair: the global one by default, a hand-stepped one in tests. */
export interface IntervalTimers {
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

export type LogModelErrorSource = 'live-tail' | 'event'

export interface LogModelOptions {
  /** The filters the rows match; a changed value (compared by content) loads afresh. */
  filters?: AuditFilters
  /** Events per page (default 50, at most 200); a change loads afresh. */
  pageSize?: number
  /** Pages one live-tail poll reads at most (default 10). */
  maxTailPages?: number
  /**
   * Pages that hold their events at most (default 20), those nearest the rows the view shows
   * (`setViewport`); the rest keep their rows as placeholders and are fetched again when shown.
   * A change loads afresh.
   */
  windowPages?: number
  /**
   * A first page for the first `filters` and `pageSize` that is already here (see
   * `EventStoreOptions.initialPage`): read when the model is made, and `start()` shows it
   * instead of fetching it. Later changes are ignored.
   */
  initialPage?: EventPage | null
  /** Poll for newer events while the rows are shown (default false). */
  liveTail?: boolean
  /** Time between polls (default 5000 ms). */
  liveTailIntervalMs?: number
  /**
   * The org's prune marker as {@link verifyPruneMarker} checked it. Only a `verified` result
   * made by that function turns the missing head of the log into a "pruned" row; anything else
   * leaves it reported as a gap.
   */
  pruneMarker?: PruneMarkerCheck | null
  /** The selected event; one that is not loaded is fetched by id. */
  selectedEventId?: string | null
  /** Whether the reader is at the head of the list: rows that arrive otherwise count as unseen. */
  isAtHead?: () => boolean
  /** Hears the first failure of a run of live-tail failures, and each failed deep-link fetch. */
  onError?: (error: AuditError, source: LogModelErrorSource) => void
  timers?: IntervalTimers
}

export interface LogModel {
  subscribe(listener: () => void): () => void
  getSnapshot(): LogModelSnapshot
  /** Merge in options; only what changed takes effect. */
  setOptions(options: LogModelOptions): void
  /** Load the first page and start live tail and deep links; returns the matching stop. Restartable. */
  start(): () => void
  loadNext(): Promise<void>
  /** Try the failed page load again. */
  retry(): Promise<void>
  /** Fetch the deep-linked event again after a failure. */
  retryDeepLink(): void
  /** The reader is back at the head: nothing is unseen. */
  markSeen(): void
  /**
   * The rows (indexes in `rows`) the view shows now: their pages are kept or fetched again,
   * and pages far from them are dropped beyond `windowPages`.
   */
  setViewport(firstRow: number, lastRow: number): void
  /** Stop everything and drop the listeners. */
  dispose(): void
}

const NO_FILTERS: AuditFilters = {}
const NO_LINK: DeepLinkState = { status: 'none' }
const globalTimers: IntervalTimers = {
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>),
}
export function createLogModel(client: AuditClient, initial: LogModelOptions = {}): LogModel {
  let options: LogModelOptions = { ...initial }
  const filtersOf = () => options.filters ?? NO_FILTERS
  let filtersKey = JSON.stringify(filtersOf())
  const listeners = new Set<() => void>()
  const seenActions = new Set<string>()
  /** The initial page while the store still holds it (`start()` then keeps it). */
  let initialPage = initial.initialPage
  let store: EventStore = newStore()
  let unsubscribeStore = store.subscribe(changed)
  let running = false
  let liveTail: LiveTailState = { on: Boolean(options.liveTail), failure: null, unseen: 0 }
  /** Made when a deep link first names an event that is not loaded (its code loads on demand). */
  let deepLink: DeepLink | null = null
  let tail: { handle: unknown; timers: IntervalTimers; intervalMs: number } | null = null
  let tailRun = 0
  let startRun = 0
  /** What the last derive's gaps and pruned range were computed from (`undefined`: not yet applied). */
  let storeGapsOf: readonly unknown[] | null = null
  let markerOf: PruneMarkerCheck | null | undefined = null
  let throughOf: number | null = null
  let hasMoreOf = true
  let orgOf: string | null = null
  /** The selected event as last seen in the rows, kept when its page is dropped. */
  let selected: AuditEvent | null = null
  let snapshot = derive(null)

  function newStore() {
    const { pageSize, maxTailPages, windowPages } = options
    return createEventStore(client, {
      filters: filtersOf(),
      ...(pageSize ? { pageSize } : {}),
      ...(maxTailPages ? { maxTailPages } : {}),
      ...(windowPages ? { windowPages } : {}),
      initialPage,
    })
  }

  /** The org of the loaded events (the prune marker must be this org's). */
  function orgIdOf(blocks: readonly PageBlock[]): string | null {
    for (let i = blocks.length - 1; i >= 0; i--) if (blocks[i]!.orgId) return blocks[i]!.orgId
    return null
  }

  /** Where the selected event is among the rows, and the event, without scanning every row. */
  function locate(rows: LogRows, eventId: string | null): { index: number; event: AuditEvent | null } {
    if (eventId === null) return { index: -1, event: null }
    const at = store.locate(eventId)
    const index = at ? rows.indexOfEvent(at.block, at.offset) : -1
    const row = index < 0 ? undefined : rows.at(index)
    if (row?.kind === 'event') selected = row.event
    else if (selected?.id !== eventId) selected = null
    return { index, event: selected }
  }

  /** The snapshot for the current parts, reusing those of `previous` that did not change. */
  function derive(previous: LogModelSnapshot | null): LogModelSnapshot {
    const storeSnapshot = store.getSnapshot()
    const { state, blocks, base, gaps: storeGaps, filters } = storeSnapshot
    const loader = state.status === 'ready' && (state.hasMore || state.loadingMore)
    const hasMore = state.status !== 'ready' || state.hasMore
    const marker = options.pruneMarker ?? null
    // The org changes only with the first block of a new list: O(blocks) only then.
    const orgId = previous && previous.blocks[0] === blocks[0] && orgOf !== null ? orgOf : orgIdOf(blocks)
    const sameInputs =
      previous && storeGapsOf === storeGaps && markerOf === marker && hasMoreOf === hasMore && orgOf === orgId
    let applied: AppliedMarker = sameInputs
      ? { gaps: previous.gaps, pruned: previous.pruned, through: throughOf }
      : { gaps: storeGaps, pruned: null, through: null }
    markerOf = marker
    if (!sameInputs && isVerifiedPruneMarker(marker)) {
      // Applying a marker loads on demand with the window's code (page-window.ts), requested
      // after the first page. Until it is here the gaps stay alarms, and its arrival derives again.
      const window = loadedWindow()
      if (window) applied = window.applyPruneMarker(orgId, storeGaps, hasMore, marker)
      else {
        markerOf = undefined
        void loadWindow().then(publish)
      }
    }
    storeGapsOf = storeGaps
    hasMoreOf = hasMore
    orgOf = orgId
    throughOf = applied.through
    const { gaps, pruned } = applied
    const before = seenActions.size
    const rows = rowsOver(
      blocks,
      base,
      { previous: previous?.rows ?? null, through: applied.through, pruned, loader },
      // knownActions grow from new pages only: O(page) per page.
      (block) => block.events?.forEach((event) => typeof event.action === 'string' && seenActions.add(event.action)),
    )
    const knownActions = !previous || seenActions.size !== before ? [...seenActions].sort() : previous.knownActions
    const eventId = options.selectedEventId ?? null
    const found = locate(rows, eventId)
    const index = found.index
    const link = deepLink?.state ?? NO_LINK
    const event = found.event ?? (link.status === 'ready' ? link.event : null)
    const was = previous?.selection
    const selection =
      was && was.eventId === eventId && was.index === index && was.event === event && was.deepLink === link
        ? was
        : { eventId, index, event, deepLink: link }
    return {
      state,
      blocks,
      base,
      get events() {
        return storeSnapshot.events
      },
      gaps,
      filters,
      pruned,
      rows,
      knownActions,
      liveTail,
      selection,
    }
  }

  function replaceStore(): void {
    initialPage = null
    unsubscribeStore()
    store.destroy()
    store = newStore()
    unsubscribeStore = store.subscribe(changed)
    if (running) void store.loadNext()
  }

  function publish(): void {
    snapshot = derive(snapshot)
    for (const listener of [...listeners]) listener()
  }

  function changed(): void {
    syncDeepLink()
    syncTail()
    publish()
  }

  function setLiveTail(next: Partial<LiveTailState>): void {
    const merged = { ...liveTail, ...next }
    if (merged.on !== liveTail.on || merged.failure !== liveTail.failure || merged.unseen !== liveTail.unseen) {
      liveTail = merged
    }
  }

  /** The poll runs while started, switched on and showing rows; a new run forgets old failures. */
  function syncTail(): void {
    const intervalMs = options.liveTailIntervalMs ?? 5000
    const wanted = running && liveTail.on && store.getSnapshot().state.status === 'ready'
    if (tail && (!wanted || tail.intervalMs !== intervalMs)) stopTail()
    if (!wanted) setLiveTail({ failure: null })
    if (!wanted || tail) return
    const run = ++tailRun
    let failing = false
    const tick = () => {
      const away = !(options.isAtHead?.() ?? true)
      store.refreshHead().then(
        (added) => {
          if (run !== tailRun) return
          failing = false
          setLiveTail({ failure: null, ...(added > 0 && away ? { unseen: liveTail.unseen + added } : {}) })
          publish()
        },
        (error: unknown) => {
          if (run !== tailRun) return
          const failure = AuditError.from(error, 'Live updates failed.')
          setLiveTail({ failure })
          if (!failing) options.onError?.(failure, 'live-tail')
          failing = true
          publish()
        },
      )
    }
    const timers = options.timers ?? globalTimers
    tail = { handle: timers.setInterval(tick, intervalMs), timers, intervalMs }
  }

  function stopTail(): void {
    tail?.timers.clearInterval(tail.handle)
    tail = null
    tailRun++
  }

  /** Fetch the selected event while started and it is not among the rows; forget it once it is. */
  function syncDeepLink(force = false): void {
    const id = options.selectedEventId ?? null
    // Not held and never seen in the rows: an event whose page was dropped stays as last seen.
    const missing = running && id !== null && store.locate(id) === null && selected?.id !== id
    if (!deepLink) {
      if (!missing) return
      const window = loadedWindow()
      // The fetch waits for its code (page-window.ts) only when a link comes before the first page.
      if (!window) return void loadWindow().then(() => changed())
      deepLink = window.createDeepLink(client, publish, (error) => options.onError?.(error, 'event'), AuditError)
    }
    deepLink.sync(missing ? id : null, force)
  }

  function stop(): void {
    running = false
    stopTail()
    store.destroy()
    syncDeepLink()
    setLiveTail({ failure: null })
  }

  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot: () => snapshot,
    setOptions(next) {
      const before = options
      options = { ...options, ...next }
      const key = JSON.stringify(filtersOf())
      let dirty =
        (options.selectedEventId ?? null) !== (before.selectedEventId ?? null) ||
        (options.pruneMarker ?? null) !== (before.pruneMarker ?? null)
      const paging = (o: LogModelOptions) => [o.pageSize, o.maxTailPages, o.windowPages].join()
      if (paging(options) !== paging(before) || key !== filtersKey) {
        filtersKey = key
        // Paging options are the store's own; filters reload in place while running.
        if (running && paging(options) === paging(before)) {
          initialPage = null
          void store.setFilters(filtersOf())
        } else replaceStore()
        dirty = true
      }
      if (options.timers !== before.timers || options.liveTailIntervalMs !== before.liveTailIntervalMs) {
        stopTail()
        dirty = true
      }
      if (Boolean(options.liveTail) !== liveTail.on) {
        setLiveTail({ on: Boolean(options.liveTail) })
        dirty = true
      }
      if (dirty) changed()
    },
    start() {
      if (!running) {
        running = true
        startRun++
        if (!initialPage) void store.setFilters(filtersOf())
        changed()
      }
      const mine = startRun
      return () => {
        if (mine === startRun && running) stop()
      }
    },
    loadNext: () => store.loadNext(),
    retry: () => store.retry(),
    retryDeepLink() {
      if (deepLink?.state.status !== 'failed') return
      syncDeepLink(true)
      publish()
    },
    setViewport(firstRow, lastRow) {
      const { rows } = snapshot
      store.setViewport(Math.max(0, rows.blockAt(firstRow)), Math.max(0, rows.blockAt(lastRow)))
    },
    markSeen() {
      if (liveTail.unseen === 0) return
      setLiveTail({ unseen: 0 })
      publish()
    },
    dispose() {
      stop()
      unsubscribeStore()
      listeners.clear()
    },
  }
}
