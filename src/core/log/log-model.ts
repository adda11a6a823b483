/**
 * `createLogModel`: everything the audit log shows, without a framework. It holds the event
 * store (a window of pages around the viewport, filters, seq gaps), the rows a view draws,
 * live tail (tail-poll.ts) and the selection, fetching an event a deep link names that is not
 * loaded. A view
 * subscribes, reads `getSnapshot()` (one new object per publish, unchanged parts kept), and
 * pushes its current options in with `setOptions` on every render; unchanged options cost
 * nothing. Nothing runs until `start()`, so building one while rendering on a server is pure.
 */
import type { AuditFilters } from '../../protocol/filters.js'
import type { AuditEvent } from '../types.js'
import { AuditError } from './audit-error.js'
import type { AuditClient, EventPage } from './client.js'
import { createEventStore, firstPageQuery, type EventStore } from './event-store.js'
import { requestEarlyPage } from './early-page.js'
import type { DeepLink, DeepLinkState } from './deep-link.js'
import { rowsOver, type LogRows } from './log-rows.js'
import type { PageBlock } from './page-blocks.js'
import type { AppliedMarker } from './pruned-range.js'
import { isVerifiedPruneMarker, type PruneMarkerCheck } from '../verify/prune-marker-registry.js'
import { loadedWindow, loadWindow } from './block-list.js'
import type { IntervalTimers, LiveTailState, TailPoll } from './tail-poll.js'

import type { LogModel, LogModelOptions, LogModelSnapshot } from './log-model-types.js'

export type { DeepLinkState, IntervalTimers, LiveTailState }
export type {
  LogModel,
  LogModelErrorSource,
  LogModelOptions,
  LogModelSnapshot,
  LogSelection,
} from './log-model-types.js'

const NO_FILTERS: AuditFilters = {}
const NO_LINK: DeepLinkState = { status: 'none' }
export function createLogModel(client: AuditClient, initial: LogModelOptions = {}): LogModel {
  let options: LogModelOptions = { ...initial }
  const filtersOf = () => options.filters ?? NO_FILTERS
  let filtersKey = JSON.stringify(filtersOf())
  const listeners = new Set<() => void>()
  const seenActions = new Set<string>()
  /** The initial page while the store still holds it (`start()` then keeps it). */
  let initialPage = initial.initialPage
  /** The first page asked for by `prefetch()`, until the store has shown it (or its failure). */
  let early: Promise<EventPage> | null = null
  let prefetched = false
  let store: EventStore = newStore()
  let unsubscribeStore = store.subscribe(changed)
  let running = false
  let tail: LiveTailState = { on: Boolean(options.liveTail), failure: null, unseen: 0 }
  /** Live tail's timer: made with the window's code once the poll is first wanted. */
  let poll: TailPoll | null = null
  /** Made when a deep link first names an event that is not loaded (its code loads on demand). */
  let deepLink: DeepLink | null = null
  /** The wait for the window's code, while it lasts (`awaitWindow`). */
  let awaiting: Promise<unknown> | null = null
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
    // The store reads each as is (0 is the default), the page size with pageSizeOf, as prefetch() does.
    return createEventStore(client, { filters: filtersOf(), pageSize, maxTailPages, windowPages, initialPage })
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
        awaitWindow()
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
      heldCount: storeSnapshot.heldCount,
      gaps,
      filters,
      pruned,
      rows,
      knownActions,
      liveTail: tail,
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
    // Shown: a later start() (StrictMode's remount) loads afresh. Until then a start that
    // follows a stop() (the same remount, before the answer) takes the same request again.
    const { status } = store.getSnapshot().state
    if (status !== 'idle' && status !== 'loading') early = null
    syncDeepLink()
    syncTail()
    publish()
  }

  /** Merge in a change of live tail's state: a new object only when a member changes. */
  function setTail(next: Partial<LiveTailState>): void {
    const merged = { ...tail, ...next }
    if (merged.on !== tail.on || merged.failure !== tail.failure || merged.unseen !== tail.unseen) tail = merged
  }

  /** A failed head poll (or live tail's code failing to load): shown, and reported once in a row. */
  function tailFailed(error: unknown, first: boolean): void {
    const failure = AuditError.from(error, 'Live updates failed.')
    setTail({ failure })
    if (first) options.onError?.(failure, 'live-tail')
    publish()
  }

  /**
   * Wait for the window's code (page-window.ts) for live tail, a deep link or a prune marker,
   * with one handler however often it is asked for meanwhile. It was requested with the first
   * page, so it is here by the time rows show, or soon after. If it fails to load (a deploy
   * replaced the chunk, the network dropped), live tail says so as it says a failed poll, and
   * the next change (a new page, switching live tail off and on) imports it again.
   */
  function awaitWindow(): void {
    awaiting ??= loadWindow()
      .then(changed, (error: unknown) => running && tail.on && tailFailed(error, !tail.failure))
      .finally(() => (awaiting = null))
  }

  /** The poll runs while started, switched on and showing rows. */
  function syncTail(): void {
    const wanted = running && tail.on && store.getSnapshot().state.status === 'ready'
    if (!wanted) setTail({ failure: null })
    if (!poll) {
      if (!wanted) return
      const window = loadedWindow()
      if (!window) return awaitWindow()
      poll = window.createTailPoll({
        refreshHead: () => store.refreshHead(),
        isAway: () => !(options.isAtHead?.() ?? true),
        polled(added, away) {
          setTail({ failure: null, ...(added > 0 && away ? { unseen: tail.unseen + added } : {}) })
          publish()
        },
        failed: tailFailed,
      })
    }
    poll.sync(wanted, options.liveTailIntervalMs ?? 5000, options.timers)
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
      if (!window) return awaitWindow()
      deepLink = window.createDeepLink(client, publish, (error) => options.onError?.(error, 'event'), AuditError)
    }
    deepLink.sync(missing ? id : null, force)
  }

  function stop(): void {
    running = false
    poll?.stop()
    store.destroy()
    syncDeepLink()
    setTail({ failure: null })
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
        early = null
        // Paging options are the store's own; filters reload in place while running.
        if (running && paging(options) === paging(before)) {
          initialPage = null
          void store.setFilters(filtersOf())
        } else replaceStore()
        dirty = true
      }
      // A new interval or new timers restart the poll (syncTail, through changed()).
      if (options.timers !== before.timers || options.liveTailIntervalMs !== before.liveTailIntervalMs) dirty = true
      if (Boolean(options.liveTail) !== tail.on) {
        setTail({ on: Boolean(options.liveTail) })
        dirty = true
      }
      if (dirty) changed()
    },
    prefetch() {
      if (running || initialPage || prefetched) return
      prefetched = true
      early = requestEarlyPage(client, firstPageQuery(filtersOf(), options.pageSize))
    },
    start() {
      if (!running) {
        running = true
        startRun++
        if (!initialPage) void store.setFilters(filtersOf(), early)
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
      if (tail.unseen === 0) return
      setTail({ unseen: 0 })
      publish()
    },
    dispose() {
      stop()
      unsubscribeStore()
      listeners.clear()
    },
  }
}
