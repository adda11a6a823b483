/**
 * The rows a log view draws, in order: each event (or a placeholder where its page was dropped
 * from memory), a marker under any event that has missing seqs below it, the pruned range and a
 * loader row while more pages exist. Framework-free, so every view (the React grid today) draws
 * the same list and a core test can check it.
 *
 * Rows are a lookup by index over the event store's blocks, not one array: each block's rows are
 * built once (when the block is new, dropped or filled) and reused by every later snapshot, so a
 * page costs O(page) rows; finding a row is a binary search over the blocks' first rows.
 */
import type { AuditEvent } from '../types.js'
import { loadedWindow } from './block-list.js'
import type { PageBlock, SeqGap } from './page-blocks.js'
import type { PrunedRange } from './pruned-range.js'

export type LogRow =
  /** `key` is the row's place (page and position), the same as its placeholder's. */
  | { kind: 'event'; event: AuditEvent; key: string }
  /**
   * An event whose page is not held (dropped from the window, being fetched again): the same
   * height and place, no id and no content. `key` is stable while the page stays dropped.
   */
  | { kind: 'placeholder'; key: string }
  | { kind: 'gap'; gap: SeqGap }
  /** Seqs removed by retention, vouched for by a verified prune marker (below the oldest event). */
  | { kind: 'pruned'; pruned: PrunedRange }
  | { kind: 'loader' }

/** One block's rows: an array for a held block, made on demand for a dropped one. */
export interface BlockRows {
  readonly length: number
  at(index: number): LogRow | undefined
}

/** Gap rows, each with the event it follows in its block (-1: above the first). */
export type GapRows = { after: number; row: LogRow }[]

/** A block's gap rows, minus what `through` pruned. */
function gapRows(block: PageBlock, through: number | null): GapRows {
  const rows: GapRows = []
  for (const { after, gap } of block.gaps) {
    if (through === null || gap.from > through) rows.push({ after, row: { kind: 'gap', gap } })
    else if (gap.to > through) rows.push({ after, row: { kind: 'gap', gap: { ...gap, from: through + 1 } } })
  }
  return rows
}

/**
 * The rows of one block: events and gaps. A dropped block's rows are made when asked for, by
 * page-window.ts (only the window drops blocks, so it is loaded by then).
 */
function blockRows(block: PageBlock, through: number | null): BlockRows {
  const gaps = gapRows(block, through)
  const { events } = block
  if (!events) return loadedWindow()!.droppedRows(block, gaps)
  const rows: LogRow[] = []
  let next = 0
  while (next < gaps.length && gaps[next]!.after < 0) rows.push(gaps[next++]!.row)
  events.forEach((event, i) => {
    rows.push({ kind: 'event', event, key: `${block.key}:${i}` })
    while (next < gaps.length && gaps[next]!.after === i) rows.push(gaps[next++]!.row)
  })
  return rows
}

/** The rows over a list of blocks, then the pruned range and the loader. */
export interface LogRows extends Iterable<LogRow> {
  /** Rows in all. */
  readonly length: number
  /** Events in the rows, held or not (placeholders count). */
  readonly eventCount: number
  /** Row `index`; a negative index counts back from the end, as `Array.prototype.at` does. */
  at(index: number): LogRow | undefined
  /**
   * A number naming row `index`'s place (its page's key and its row in that page), the same for
   * an event and its placeholder, so a view keeps the row's element (and focus) across a drop
   * and a re-fetch. Allocates nothing: a virtualizer asks for every row's key on each page.
   */
  keyAt(index: number): number
  /**
   * The block a row belongs to, or -1. The pruned and loader rows stand for the page after the
   * last (`blocks.length`): the page they bring in is wanted, not dropped as soon as it lands.
   */
  blockAt(index: number): number
  /**
   * The row of the event at `offset` in block `block` (the event store's `locate`), or -1.
   * It stands after at most the block's gap rows, so this reads keys, never events: O(gaps).
   */
  indexOfEvent(block: number, offset: number): number
  /**
   * Where row `index` of `previous` (an earlier snapshot's rows) is now: the same place in the
   * same page, after pages were added above or dropped; -1 when that page was derived afresh.
   */
  follow(previous: LogRows, index: number): number
}

/** What `rowsOver` reads of earlier rows. A closure over these, not a class: locals minify, private fields do not. */
interface Parts {
  blocks: readonly PageBlock[]
  perBlock: readonly BlockRows[]
  /** The index of each block's first row. */
  starts: Float64Array
  end: readonly LogRow[]
  through: number | null
  base: number
}
const partsOf = new WeakMap<LogRows, Parts>()

/**
 * Rows for `blocks`, reusing `previous`'s rows of every block it already had (same object,
 * also after blocks were added above or below), and `previous` itself when it draws exactly
 * these rows. `onNewBlock` hears each block whose rows were built here. O(blocks) pointer
 * compares plus O(rows) of the new blocks. `base` is the position of `blocks[0]` (the event
 * store's `base`, lower by n after n blocks were added above).
 */
export function rowsOver(
  blocks: readonly PageBlock[],
  base: number,
  options: { previous?: LogRows | null; through?: number | null; pruned?: PrunedRange | null; loader?: boolean },
  onNewBlock?: (block: PageBlock) => void,
): LogRows {
  const through = options.through ?? null
  const was = options.previous && partsOf.get(options.previous)
  const previous = was && was.through === through ? was : null
  const old = previous?.blocks ?? []
  // Blocks added above (live tail) shift the old ones down by as many.
  const shift = previous ? previous.base - base : 0
  let same = previous?.perBlock.length === blocks.length
  const perBlock = blocks.map((block, i) => {
    if (old[i - shift] === block) {
      same &&= shift === 0
      return previous!.perBlock[i - shift]!
    }
    same = false
    onNewBlock?.(block)
    return blockRows(block, through)
  })
  let end: readonly LogRow[] = []
  const pruned = options.pruned ?? null
  if (pruned) end = [{ kind: 'pruned', pruned }]
  if (options.loader) end = [...end, { kind: 'loader' }]
  const oldEnd = previous?.end ?? []
  if (
    end.length === oldEnd.length &&
    end.every((row, i) => row.kind === oldEnd[i]!.kind) &&
    (!pruned || (oldEnd[0]?.kind === 'pruned' && oldEnd[0].pruned === pruned))
  ) {
    if (same) return options.previous!
    end = oldEnd
  }

  const starts = new Float64Array(blocks.length + 1)
  let eventCount = 0
  perBlock.forEach((rows, i) => {
    starts[i + 1] = starts[i]! + rows.length
    eventCount += blocks[i]!.count
  })
  const blocksEnd = starts[blocks.length]!
  /** The block `keyAt` found last: a virtualizer asks for every index in order. */
  let last = 0
  const blockAt = (index: number) => {
    if (index < 0) return -1
    if (index >= blocksEnd) return blocks.length
    let low = 0
    let high = blocks.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (starts[middle]! <= index) low = middle
      else high = middle - 1
    }
    return low
  }
  const rows: LogRows = {
    length: blocksEnd + end.length,
    eventCount,
    blockAt,
    keyAt(index) {
      if (index >= blocksEnd) return -1 - (index - blocksEnd)
      if (!(starts[last]! <= index && index < starts[last + 1]!)) last = blockAt(index)
      // Rows per page stay far below 2^16 (pages of at most 200 events and their gaps).
      return blocks[last]!.key * 65_536 + (index - starts[last]!)
    },
    at(index) {
      if (index < 0) index += rows.length
      if (index < 0 || index >= rows.length) return undefined
      if (index >= blocksEnd) return end[index - blocksEnd]
      const block = blockAt(index)
      return perBlock[block]!.at(index - starts[block]!)
    },
    indexOfEvent(block, offset) {
      const own = perBlock[block]
      const key = `${blocks[block]?.key}:${offset}`
      for (let at = offset; own && at < own.length; at++) {
        const row = own.at(at)!
        if (row.kind === 'event' && row.key === key) return starts[block]! + at
      }
      return -1
    },
    follow(earlier, index) {
      const then = partsOf.get(earlier)!
      const block = earlier.blockAt(index)
      if (block < 0 || block >= then.blocks.length) return -1
      const now = block + then.base - base
      const offset = index - then.starts[block]!
      if (blocks[now]?.key !== then.blocks[block]!.key) return -1
      return offset < perBlock[now]!.length ? starts[now]! + offset : -1
    },
    *[Symbol.iterator]() {
      for (const own of perBlock) for (let i = 0; i < own.length; i++) yield own.at(i)!
      yield* end
    },
  }
  partsOf.set(rows, { blocks, perBlock, starts, end, through, base })
  return rows
}
