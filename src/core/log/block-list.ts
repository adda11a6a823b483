/**
 * The event store's list of page blocks: which blocks hold their events and where each held
 * event is (for dedupe and the selection). Dropping the blocks farthest from the viewport beyond
 * `windowPages`, and what is needed once pages were dropped or live tail adds above
 * (re-fetching, prepending), loads on demand from page-window.ts: first rows need none of it.
 */
import type { AuditEvent } from '../types.js'
import { AuditError } from './audit-error.js'
import { makeBlock, seqOf, type PageBlock, type SeqGap } from './page-blocks.js'

export type PageWindow = typeof import('./page-window.js')

let windowModule: Promise<PageWindow> | null = null
let loaded: PageWindow | null = null

/**
 * Dropping, re-fetching and live-tail blocks (page-window.ts), loaded on demand: requested once
 * the first page is shown, so it is there by the time the window is full or live tail adds a
 * page. A page that would fill the window waits for it, so while more blocks hold their events
 * than `windowPages`, and whenever a block was dropped, `loadedWindow()` has it (synchronous
 * callers rely on that).
 */
export const loadWindow = () =>
  (windowModule ??= import('./page-window.js').then(
    (module) => (loaded = module),
    (error: unknown) => {
      // A chunk that failed to load is not kept: the next call imports it again.
      windowModule = null
      throw error
    },
  ))
export const loadedWindow = () => loaded

export interface BlockList {
  /** Newest first; every published snapshot keeps its own array. */
  blocks: readonly PageBlock[]
  gaps: readonly SeqGap[]
  /** The position of `blocks[0]`: prepending n blocks lowers it by n. */
  base: number
  /** Each held event's block and place in it. */
  held: Map<string, { block: PageBlock; offset: number }>
  /** The blocks holding events, each with its position (`base` + index, unchanged by prepends). */
  holding: Map<PageBlock, number>
  /** The blocks the view shows (indexes in `blocks`). */
  viewport: { first: number; last: number }
  windowPages: number
  /** Whether seq gaps are reported (not with filters). */
  withGaps: boolean
}

export const emptyList = (windowPages: number, withGaps: boolean): BlockList => ({
  blocks: [],
  gaps: [],
  base: 0,
  held: new Map(),
  holding: new Map(),
  viewport: { first: 0, last: 0 },
  windowPages,
  withGaps,
})

export const bySeqDesc = (a: AuditEvent, b: AuditEvent) => seqOf(b) - seqOf(a)
export const gapsOf = (block: PageBlock) => block.gaps.map((g) => g.gap)

/** The oldest event of a block, for the gap above the next one. */
export const edgeOf = (block: PageBlock | undefined) => (block ? { seq: block.oldest, id: block.oldestId ?? '' } : null)

export function hold(list: BlockList, block: PageBlock, index: number): void {
  if (!block.events) return
  block.events.forEach((event, offset) => list.held.set(event.id, { block, offset }))
  list.holding.set(block, list.base + index)
}

/** Add a page fetched with `from` below the blocks (paging). O(page). */
export function append(list: BlockList, page: readonly AuditEvent[], from: string | null, last: boolean): void {
  const fresh = page.filter((event) => !list.held.has(event.id)).sort(bySeqDesc)
  const below = list.blocks.at(-1)
  if (below?.events && fresh.length > 0 && seqOf(fresh[0]!) > below.oldest) {
    // A page reaching above the last one (events written out of order): merge it into that
    // block, so rows stay in seq order. O(page + block).
    const merged = [...below.events, ...fresh].sort(bySeqDesc)
    const range = { cursor: below.cursor, newest: seqOf(merged[0]!), oldest: seqOf(merged.at(-1)!) }
    const edges = { above: edgeOf(list.blocks.at(-2)), last, gaps: list.withGaps }
    // Every event of `below` is in the merged block, so holding it re-points them all.
    const block = makeBlock(merged, range, edges)
    list.holding.delete(below)
    list.blocks = [...list.blocks.slice(0, -1), block]
    hold(list, block, list.blocks.length - 1)
    list.gaps = list.blocks.flatMap(gapsOf)
    return
  }
  const kept = below ? fresh.filter((event) => seqOf(event) < below.oldest) : fresh
  // An empty last page still carries the gap below the oldest event, down to seq 1.
  const newest = kept[0] ? seqOf(kept[0]) : below ? below.oldest - 1 : 0
  const block = makeBlock(
    kept,
    { cursor: from, newest, oldest: kept.at(-1) ? seqOf(kept.at(-1)!) : 1 },
    { above: edgeOf(below), last, gaps: list.withGaps },
  )
  if (block.count === 0 && block.gaps.length === 0) return
  list.blocks = [...list.blocks, block]
  hold(list, block, list.blocks.length - 1)
  if (block.gaps.length > 0) list.gaps = list.gaps.concat(gapsOf(block))
}

/** Where event `eventId` is held: its block's index and its place in it; null when not held. */
export function locate(list: BlockList, eventId: string): { block: number; offset: number } | null {
  const at = list.held.get(eventId)
  const position = at ? list.holding.get(at.block) : undefined
  return position === undefined ? null : { block: position - list.base, offset: at!.offset }
}

/** The events of the held blocks, newest first: O(events held). */
export function heldEvents(holding: readonly (readonly [PageBlock, number])[]): AuditEvent[] {
  return [...holding].sort((a, b) => a[1] - b[1]).flatMap(([block]) => block.events ?? [])
}

/** What page-window.ts (loaded on demand) uses of this module's and page-blocks.ts's functions. */
export const listOps = {
  append,
  emptyList,
  hold,
  edgeOf,
  gapsOf,
  bySeqDesc,
  makeBlock,
  seqOf,
  fail: (message: string) => new AuditError('upstream', message, { retryable: true }),
}
export type ListOps = typeof listOps
