/**
 * The event store's public types (event-store.ts): its state, snapshot, interface and options.
 * Apart from the store's code, as log-model-types.ts is from the model's.
 */
import type { AuditFilters } from '../../protocol/filters.js'
import type { AuditEvent } from '../types.js'
import type { AuditError } from './audit-error.js'
import type { EventPage } from './client.js'
import type { PageBlock, SeqGap } from './page-blocks.js'

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
  /** How many events are held now (`events.length`, without building the list). */
  heldCount: number
  filters: AuditFilters
  /** Only without filters (with filters, skipped seqs are expected). */
  gaps: readonly SeqGap[]
}

export interface EventStore {
  subscribe(listener: () => void): () => void
  getSnapshot(): EventStoreSnapshot
  /** Load the next page; concurrent calls share one request. Starts with the first page. */
  loadNext(): Promise<void>
  /**
   * Replace the filters: aborts in-flight work, clears the list and loads the first page, or
   * takes `firstPage` (a request for that page already in flight, see `LogModel.prefetch`).
   */
  setFilters(filters: AuditFilters, firstPage?: Promise<EventPage> | null): Promise<void>
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
  /** Events per page (default 50, at most 200; see `pageSizeOf`). */
  pageSize?: number
  /** Pages live tail reads at most before giving up on catching up in one go (default 10, also for 0). */
  maxTailPages?: number
  /**
   * Pages that hold their events at most (default 20, also for 0): the ones nearest the viewport. Farther
   * pages keep their place (row count, scroll height) and are fetched again when shown.
   */
  windowPages?: number
  /**
   * A first page for `filters` and `pageSize` that is already here (the host's server fetched
   * it, see `adoptInitialPage`): the store starts ready with it, and pages on from its cursor.
   */
  initialPage?: EventPage | null
}
