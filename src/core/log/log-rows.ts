/**
 * The rows a log view draws, in order: each event, a marker under any event that has missing
 * seqs below it, and a loader row while more pages exist. Framework-free, so every view (the
 * React grid today) draws the same list and a core test can check it.
 */
import type { AuditEvent } from '../types.js'
import type { SeqGap } from './event-store.js'
import type { PrunedRange } from './pruned-range.js'

export type LogRow =
  | { kind: 'event'; event: AuditEvent; /** Index in the events list. */ eventIndex: number }
  | { kind: 'gap'; gap: SeqGap }
  /** Seqs removed by retention, vouched for by a verified prune marker (below the oldest event). */
  | { kind: 'pruned'; pruned: PrunedRange }
  | { kind: 'loader' }

/**
 * `events` (newest first) with each gap after the event it hangs under, then the pruned range
 * (once the oldest page is loaded), and the loader last.
 */
export function rowsOf(
  events: readonly AuditEvent[],
  gaps: readonly SeqGap[],
  loader: boolean,
  pruned: PrunedRange | null = null,
): LogRow[] {
  const after = new Map(gaps.map((gap) => [gap.afterEventId, gap]))
  const rows: LogRow[] = []
  events.forEach((event, eventIndex) => {
    rows.push({ kind: 'event', event, eventIndex })
    const gap = after.get(event.id)
    if (gap) rows.push({ kind: 'gap', gap })
  })
  if (pruned) rows.push({ kind: 'pruned', pruned })
  if (loader) rows.push({ kind: 'loader' })
  return rows
}
