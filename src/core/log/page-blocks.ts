/**
 * Pages as blocks: what the event store keeps of each page it fetched. A block held in the
 * window has its events; a dropped one keeps only what re-fetching and drawing it need (the
 * cursor that fetched it, its seq range, its count and its gaps), so the row count and the
 * scroll height stay the same while its events are gone.
 */
import type { AuditEvent } from '../types.js'

/** A run of seqs missing between two loaded events (or below the oldest one). */
export interface SeqGap {
  /** First missing seq. */
  from: number
  /** Last missing seq. */
  to: number
  /** The loaded event just above the gap (newer). */
  afterEventId: string
}

/** A gap with its place in a block: after the event at `after` (-1: above the block's first event). */
export interface BlockGap {
  after: number
  gap: SeqGap
}

export interface PageBlock {
  /** Unique per block (placeholder rows' keys). */
  readonly key: number
  /**
   * The cursor that fetched the page: re-fetching starts there. `null` for pages read from the
   * head (the first page, live tail), whose re-fetch walks down from the head to `newest`.
   */
  readonly cursor: string | null
  /** The seqs the page covered when first fetched; a re-fetch keeps only events in this range. */
  readonly newest: number
  readonly oldest: number
  /** Events in the block (held or not). */
  readonly count: number
  /** The oldest event's id and the org, for the gap below it and the prune marker. */
  readonly oldestId: string | null
  readonly orgId: string | null
  /** Missing seqs above, inside and (for the last page) below the block. */
  readonly gaps: readonly BlockGap[]
  /** Newest first; `null` once dropped from the window. */
  readonly events: readonly AuditEvent[] | null
}

export const seqOf = (event: AuditEvent) => Number(event.seq)

let nextKey = 0

/**
 * A block for `events` (seq-descending), with the gaps inside it, the gap above it down from
 * `above` (the seq just below the block above, or null at the head or with filters) and, when
 * `last`, the gap below its oldest event down to seq 1. O(page).
 */
export function makeBlock(
  events: readonly AuditEvent[],
  range: { cursor: string | null; newest: number; oldest: number },
  edges: { above: { seq: number; id: string } | null; last: boolean; gaps: boolean },
): PageBlock {
  const gaps: BlockGap[] = []
  if (edges.gaps) {
    const first = events[0]
    const { above } = edges
    if (above) {
      const to = above.seq - 1
      const from = first ? seqOf(first) + 1 : range.oldest
      if (to >= from) gaps.push({ after: -1, gap: { from, to, afterEventId: above.id } })
    }
    for (let i = 1; i < events.length; i++) {
      const newer = seqOf(events[i - 1]!)
      const older = seqOf(events[i]!)
      if (newer - older > 1)
        gaps.push({ after: i - 1, gap: { from: older + 1, to: newer - 1, afterEventId: events[i - 1]!.id } })
    }
    const oldest = events.at(-1)
    // The last page: missing seqs down to 1. Another page fetched again with events gone at its
    // bottom (retention): missing seqs down to where the page used to end.
    const floor = edges.last ? 1 : range.oldest
    if (oldest && seqOf(oldest) > floor) {
      gaps.push({ after: events.length - 1, gap: { from: floor, to: seqOf(oldest) - 1, afterEventId: oldest.id } })
    }
  }
  return {
    key: ++nextKey,
    cursor: range.cursor,
    newest: range.newest,
    oldest: range.oldest,
    count: events.length,
    oldestId: events.at(-1)?.id ?? null,
    orgId: events[0]?.org_id ?? null,
    gaps,
    events,
  }
}
