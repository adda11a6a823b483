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
interface BlockRows {
  readonly length: number
  at(index: number): LogRow | undefined
}

/** A block's gap rows, each with the event it follows (-1: above the first), minus what `through` pruned. */
function gapRows(block: PageBlock, through: number | null): { after: number; row: LogRow }[] {
  const rows: { after: number; row: LogRow }[] = []
  for (const { after, gap } of block.gaps) {
    if (through === null || gap.from > through) rows.push({ after, row: { kind: 'gap', gap } })
    else if (gap.to > through) rows.push({ after, row: { kind: 'gap', gap: { ...gap, from: through + 1 } } })
  }
  return rows
}

/**
 * The rows of one block: events and gaps. A dropped block's rows are made when asked for (a
 * placeholder per event, its gap rows kept), so a million dropped rows cost no million objects.
 */
function blockRows(block: PageBlock, through: number | null): BlockRows {
  const gaps = gapRows(block, through)
  const { events } = block
  if (!events) {
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
export class LogRows implements Iterable<LogRow> {
  /** Rows in all. */
  readonly length: number
  /** Events in the rows, held or not (placeholders count). */
  readonly eventCount: number
  private readonly _blocks: readonly PageBlock[]
  private readonly _perBlock: readonly BlockRows[]
  /** The index of each block's first row. */
  private readonly _starts: Float64Array
  private readonly _end: readonly LogRow[]
  private readonly _through: number | null
  private readonly _base: number

  private constructor(
    base: number,
    blocks: readonly PageBlock[],
    perBlock: readonly BlockRows[],
    through: number | null,
    end: readonly LogRow[],
  ) {
    this._base = base
    this._blocks = blocks
    this._perBlock = perBlock
    this._through = through
    this._end = end
    this._starts = new Float64Array(blocks.length + 1)
    let events = 0
    for (let i = 0; i < perBlock.length; i++) {
      this._starts[i + 1] = this._starts[i]! + perBlock[i]!.length
      events += blocks[i]!.count
    }
    this.eventCount = events
    this.length = this._starts[blocks.length]! + end.length
  }

  /**
   * Rows for `blocks`, reusing `previous`'s rows of every block it already had (same object,
   * also after blocks were added above or below). `onNewBlock` hears each block whose rows were
   * built here. O(blocks) pointer compares plus O(rows) of the new blocks. `base` is the
   * position of `blocks[0]` (the event store's `base`, lower by n after n blocks were added above).
   */
  static over(
    blocks: readonly PageBlock[],
    base: number,
    options: { previous?: LogRows | null; through?: number | null; pruned?: PrunedRange | null; loader?: boolean },
    onNewBlock?: (block: PageBlock) => void,
  ): LogRows {
    const through = options.through ?? null
    const previous = options.previous?._through === through ? options.previous : null
    const old = previous?._blocks ?? []
    // Blocks added above (live tail) shift the old ones down by as many.
    const shift = previous ? previous._base - base : 0
    const perBlock = blocks.map((block, i) => {
      if (old[i - shift] === block) return previous!._perBlock[i - shift]!
      onNewBlock?.(block)
      return blockRows(block, through)
    })
    const end: LogRow[] = []
    if (options.pruned) end.push({ kind: 'pruned', pruned: options.pruned })
    if (options.loader) end.push({ kind: 'loader' })
    const sameEnd =
      previous && end.length === previous._end.length && end.every((r, i) => r.kind === previous._end[i]!.kind)
    const pruned = options.pruned ?? null
    const samePruned = !pruned || (previous?._end[0]?.kind === 'pruned' && previous._end[0].pruned === pruned)
    return new LogRows(base, blocks, perBlock, through, sameEnd && samePruned ? previous._end : end)
  }

  /** The block `keyAt` found last: a virtualizer asks for every index in order. */
  private _lastBlock = 0

  /**
   * A number naming row `index`'s place (its page's key and its row in that page), the same for
   * an event and its placeholder, so a view keeps the row's element (and focus) across a drop
   * and a re-fetch. Allocates nothing: a virtualizer asks for every row's key on each page.
   */
  keyAt(index: number): number {
    const blocksEnd = this._starts[this._blocks.length]!
    if (index >= blocksEnd) return -1 - (index - blocksEnd)
    let block = this._lastBlock
    if (!(this._starts[block]! <= index && index < this._starts[block + 1]!)) block = this.blockAt(index)
    this._lastBlock = block
    // Rows per page stay far below 2^16 (pages of at most 200 events and their gaps).
    return this._blocks[block]!.key * 65_536 + (index - this._starts[block]!)
  }

  /** Whether `other` draws exactly these rows. */
  sameAs(other: LogRows): boolean {
    return (
      other.length === this.length &&
      other._end === this._end &&
      other._perBlock.length === this._perBlock.length &&
      other._perBlock.every((rows, i) => rows === this._perBlock[i])
    )
  }

  /**
   * The block a row belongs to, or -1. The pruned and loader rows stand for the page after the
   * last (`blocks.length`): the page they bring in is wanted, not dropped as soon as it lands.
   */
  blockAt(index: number): number {
    if (index < 0) return -1
    if (index >= this._starts[this._blocks.length]!) return this._blocks.length
    let low = 0
    let high = this._blocks.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (this._starts[middle]! <= index) low = middle
      else high = middle - 1
    }
    return low
  }

  /** Row `index`; a negative index counts back from the end, as `Array.prototype.at` does. */
  at(index: number): LogRow | undefined {
    if (index < 0) index += this.length
    if (index < 0 || index >= this.length) return undefined
    const blocksEnd = this._starts[this._blocks.length]!
    if (index >= blocksEnd) return this._end[index - blocksEnd]
    const block = this.blockAt(index)
    return this._perBlock[block]!.at(index - this._starts[block]!)
  }

  /**
   * The row of the event at `offset` in block `block` (the event store's `locate`), or -1.
   * It stands after at most the block's gap rows, so this reads keys, never events: O(gaps).
   */
  indexOfEvent(block: number, offset: number): number {
    const rows = this._perBlock[block]
    const key = `${this._blocks[block]?.key}:${offset}`
    for (let at = offset; rows && at < rows.length; at++) {
      const row = rows.at(at)!
      if (row.kind === 'event' && row.key === key) return this._starts[block]! + at
    }
    return -1
  }

  /**
   * Where row `index` of `previous` (an earlier snapshot's rows) is now: the same place in the
   * same page, after pages were added above or dropped; -1 when that page was derived afresh.
   */
  follow(previous: LogRows, index: number): number {
    const block = previous.blockAt(index)
    if (block < 0 || block >= previous._blocks.length) return -1
    const now = block + previous._base - this._base
    const offset = index - previous._starts[block]!
    if (this._blocks[now]?.key !== previous._blocks[block]!.key) return -1
    return offset < this._perBlock[now]!.length ? this._starts[now]! + offset : -1
  }

  *[Symbol.iterator](): Iterator<LogRow> {
    for (const rows of this._perBlock) for (let i = 0; i < rows.length; i++) yield rows.at(i)!
    yield* this._end
  }
}
