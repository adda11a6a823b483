/**
 * What the window of pages does once it is full or live tail adds above: dropping the pages
 * farthest from the viewport beyond `windowPages`, fetching a
 * dropped block again by the cursor that first fetched it (keeping only events inside its seq
 * range, so an event that moved never lands in the wrong block), settling what came back, and
 * adding live-tail pages above the head. Loaded on demand: the first rows need none of it.
 * The list's own operations come in as `ops` rather than imports: importing them would split
 * the code both halves share into extra chunks, which costs more bytes than this file saves.
 */
import type { AuditFilters } from '../../protocol/filters.js'
import type { AuditEvent } from '../types.js'
import type { AuditClient } from './client.js'
import type { BlockList, ListOps } from './block-list.js'
import type { PageBlock } from './page-blocks.js'
import type { BlockRows, GapRows } from './log-rows.js'
import type { StoreParts } from './live-tail.js'

// What the log model does only once a verified prune marker is set, a deep link names an
// event that is not loaded, or live tail polls, loaded with the rest.
export { applyPruneMarker } from './pruned-range.js'
export { createDeepLink } from './deep-link.js'
export { refreshHead } from './live-tail.js'
export { createTailPoll } from './tail-poll.js'

function release(list: BlockList, block: PageBlock): void {
  if (!list.holding.delete(block)) return
  for (const event of block.events ?? []) if (list.held.get(event.id)?.block === block) list.held.delete(event.id)
}

/** Replace the block at `index` (a copy of the block list: one pointer per page). */
function replace(hold: ListOps['hold'], list: BlockList, index: number, block: PageBlock): void {
  const next = list.blocks.slice()
  release(list, next[index]!)
  next[index] = block
  hold(list, block, index)
  list.blocks = next
}

/** Drop the events of the held blocks farthest from the viewport, beyond `windowPages`. O(window). */
export function evict(list: BlockList): void {
  if (list.holding.size <= list.windowPages) return
  const { first, last } = list.viewport
  const distance = (i: number) => (i < first ? first - i : i > last ? i - last : 0)
  const indexes = [...list.holding.values()].map((position) => position - list.base)
  indexes.sort((a, b) => distance(b) - distance(a))
  const far = indexes.slice(0, indexes.length - list.windowPages).filter((index) => distance(index) > 0)
  if (far.length === 0) return
  const next = list.blocks.slice()
  for (const index of far) {
    release(list, next[index]!)
    next[index] = { ...next[index]!, events: null }
  }
  list.blocks = next
}

/**
 * Pages one re-fetch reads at most. A block read from the head (the first page, live tail) is
 * found again by walking down from the newest events; after that many pages of new events
 * above it the walk gives up and reports an error rather than reading without end.
 */
const MAX_WALK = 50

/** The events in `block`'s seq range now, newest first. */
async function refetchBlock(
  { seqOf, bySeqDesc, fail }: ListOps,
  client: AuditClient,
  block: PageBlock,
  filters: AuditFilters,
  pageSize: number,
  signal: AbortSignal,
): Promise<AuditEvent[]> {
  const out: AuditEvent[] = []
  let cursor = block.cursor
  for (let read = 0; read < MAX_WALK; read++) {
    const page = await client.listEvents({ ...filters, limit: pageSize, cursor }, { signal })
    for (const event of page.events) {
      const seq = seqOf(event)
      if (seq <= block.newest && seq >= block.oldest) out.push(event)
    }
    const last = page.events.at(-1)
    if (!last || seqOf(last) <= block.oldest || page.nextCursor === null) return out.sort(bySeqDesc)
    cursor = page.nextCursor
  }
  throw fail('A page of the log could not be found again.')
}

/**
 * Fetch dropped block `block` (at `at` in the list of generation `mine`) again by its cursor and
 * put it back, unless the list moved on meanwhile; one re-fetch per block at a time.
 */
export function refill(ops: ListOps, store: StoreParts, block: PageBlock, at: number, mine: number): void {
  const start = store.current(mine)
  if (!start || store.refetching.has(block.key)) return
  const position = start.list.base + at
  store.refetching.add(block.key)
  void (async () => {
    try {
      const events = await refetchBlock(ops, store.client, block, start.filters, store.pageSize, start.signal)
      const now = store.current(mine)
      if (!now || now.list !== start.list) return
      const index = position - now.list.base
      const there = now.list.blocks[index]
      if (there?.key !== block.key || there.events) return
      settle(ops, now.list, index, block, events, index === now.list.blocks.length - 1 && !now.hasMore)
      store.changed()
    } catch (error) {
      store.failed(error, mine)
    } finally {
      store.refetching.delete(block.key)
    }
  })()
}

/**
 * Put a re-fetched block back at `index`. The same page (same count, same oldest event) gets
 * its events back under the same rows; a page that changed since it was first read (retention
 * removed events) is derived afresh from what the ledger returns now, so no row is ever drawn
 * under another event's place.
 */
export function settle(
  { hold, makeBlock, edgeOf, gapsOf }: ListOps,
  list: BlockList,
  index: number,
  block: PageBlock,
  events: AuditEvent[],
  last: boolean,
): void {
  if (events.length === block.count && (events.at(-1)?.id ?? null) === block.oldestId) {
    replace(hold, list, index, { ...block, events })
    return
  }
  const range = { cursor: block.cursor, newest: block.newest, oldest: block.oldest }
  replace(
    hold,
    list,
    index,
    makeBlock(events, range, { above: edgeOf(list.blocks[index - 1]), last, gaps: list.withGaps }),
  )
  list.gaps = list.blocks.flatMap(gapsOf) // O(blocks), only when a page changed
}

/**
 * A dropped block's rows, made when asked for (a placeholder per event, its gap rows kept), so
 * a million dropped rows cost no million objects.
 */
export function droppedRows(block: PageBlock, gaps: GapRows): BlockRows {
  const length = block.count + gaps.length
  return {
    length,
    at(index) {
      if (index < 0 || index >= length) return undefined
      // Rows before `index` are events and the gaps above them: walk the (few) gaps.
      let offset = index
      for (let k = 0; k < gaps.length; k++) {
        const at = gaps[k]!.after + 1 + k // the gap's own row: after its events and the k gaps above
        if (at === index) return gaps[k]!.row
        if (at < index) offset--
      }
      return { kind: 'placeholder', key: `${block.key}:${offset}` }
    },
  }
}
