/**
 * Live tail's reading of the head, loaded on demand with the window's code (page-window.ts): the
 * first rows need none of it. It reads pages from the head until it reaches the newest event
 * the store holds, and adds what is newer above it; the store's own state comes in as
 * `StoreParts`, its list operations as `ops` (importing either would split shared chunks off).
 */
import type { AuditFilters } from '../../protocol/filters.js'
import type { AuditEvent } from '../types.js'
import type { AuditClient } from './client.js'
import type { BlockList, ListOps } from './block-list.js'
import type { PageBlock } from './page-blocks.js'

/** What the event store lends its on-demand code. */
export interface StoreParts {
  client: AuditClient
  pageSize: number
  maxTailPages: number
  /** Re-fetches in flight, by block key. */
  refetching: Set<number>
  /** The list, filters, abort signal and paging now, or null once the store moved on from generation `mine`. */
  current(mine: number): { list: BlockList; filters: AuditFilters; signal: AbortSignal; hasMore: boolean } | null
  /** A re-fetch for generation `mine` failed: say so (nothing when it was aborted or is stale). */
  failed(error: unknown, mine: number): void
  /** The list changed in place: drop what is beyond the window and publish. */
  changed(): void
  /** Replace the list and page on from `cursor`, then publish. */
  restart(list: BlockList, cursor: string | null): void
}

/** Live tail: fetch the events above the head; resolves with how many were added. */
export async function refreshHead(ops: ListOps, store: StoreParts, mine: number): Promise<number> {
  const head = store.current(mine)?.list.blocks[0]?.newest ?? 0
  const pages: { events: AuditEvent[]; cursor: string | null }[] = []
  let tailCursor: string | null = null
  let added = 0
  for (let read = 0; read < store.maxTailPages; read++) {
    const before = store.current(mine)
    if (!before) return 0
    const result = await store.client.listEvents(
      { ...before.filters, limit: store.pageSize, cursor: tailCursor },
      { signal: before.signal },
    )
    const now = store.current(mine)
    if (!now) return 0
    const above = result.events.filter((event) => ops.seqOf(event) > head)
    added += above.length
    if (above.length > 0) pages.push({ events: above, cursor: tailCursor })
    if (above.length < result.events.length || result.nextCursor === null) {
      if (added === 0) return 0
      prepend(ops, now.list, pages)
      store.changed()
      return added
    }
    tailCursor = result.nextCursor
  }
  // More arrived than live tail reads in one go. Keeping the old rows would leave a hole
  // between them and the new ones (shown as a false seq gap), so the list restarts from
  // the newest rows and continues downwards from here.
  const { list } = store.current(mine)!
  const fresh = ops.emptyList(list.windowPages, list.withGaps)
  for (const page of pages) ops.append(fresh, page.events, page.cursor, false)
  store.restart(fresh, tailCursor)
  return added
}

/** Add live-tail pages above the head, newest first; the lowest gets the gap down to the old head. */
function prepend(
  { bySeqDesc, seqOf, makeBlock, edgeOf, gapsOf, hold }: ListOps,
  list: BlockList,
  pages: readonly { events: AuditEvent[]; cursor: string | null }[],
): void {
  const made: PageBlock[] = []
  for (const page of pages) {
    const events = page.events.sort(bySeqDesc)
    const range = { cursor: page.cursor, newest: seqOf(events[0]!), oldest: seqOf(events.at(-1)!) }
    made.push(makeBlock(events, range, { above: edgeOf(made.at(-1)), last: false, gaps: list.withGaps }))
  }
  const head = list.blocks[0]
  const lowest = made.at(-1)
  if (list.withGaps && head && lowest?.oldestId && lowest.oldest - head.newest > 1) {
    const gap = { from: head.newest + 1, to: lowest.oldest - 1, afterEventId: lowest.oldestId }
    made[made.length - 1] = { ...lowest, gaps: [...lowest.gaps, { after: lowest.count - 1, gap }] }
  }
  list.blocks = [...made, ...list.blocks]
  list.base -= made.length
  made.forEach((block, index) => hold(list, block, index))
  const { first, last } = list.viewport
  list.viewport = { first: first + made.length, last: last + made.length }
  if (made.some((block) => block.gaps.length > 0)) list.gaps = [...made.flatMap(gapsOf), ...list.gaps]
}
