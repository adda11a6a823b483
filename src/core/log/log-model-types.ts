/**
 * The log model's contract: its options, its snapshot and its methods. The model itself is in
 * log-model.ts.
 */
import type { AuditFilters } from '../../protocol/filters.js'
import type { AuditEvent } from '../types.js'
import type { AuditError } from './audit-error.js'
import type { EventPage } from './client.js'
import type { EventStoreSnapshot } from './event-store.js'
import type { DeepLinkState } from './deep-link.js'
import type { LogRows } from './log-rows.js'
import type { PrunedRange } from './pruned-range.js'
import type { PruneMarkerCheck } from '../verify/prune-marker-registry.js'
import type { IntervalTimers, LiveTailState } from './tail-poll.js'

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
  /**
   * Request the first page now, before `start()`, which then takes this request instead of
   * making its own: a view calls it while it first renders (in a browser only; a server render
   * fetches nothing), so the page is in flight before the framework commits. Models of the same
   * client and query that ask at the same time (React StrictMode renders twice) share one
   * request. Does nothing with an `initialPage`, once started, or when asked before.
   */
  prefetch(): void
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
