/**
 * A verified prune marker in the log view: seqs 1..N removed by the org's retention policy
 * are shown as one "pruned" row at the bottom of the log instead of a missing-events gap. Only
 * a marker that {@link verifyPruneMarker} checked against pinned keys counts: anyone who can
 * delete events could also claim they were pruned.
 */
import type { PruneMarkerCheck } from '../verify/prune-marker-registry.js'
import type { SeqGap } from './page-blocks.js'

/** Seqs the org's retention removed, as a verified marker states them. */
export interface PrunedRange {
  from: 1
  /** Last pruned seq. */
  to: number
  /** When the ledger pruned them. */
  prunedAt: string
  retentionDays: number
}

/** What a prune marker leaves of the gaps: those gaps, the pruned range, and the last pruned seq. */
export interface AppliedMarker {
  gaps: readonly SeqGap[]
  pruned: PrunedRange | null
  through: number | null
}

/**
 * `gaps` without the seqs a verified marker vouches for, and the pruned range to show once the
 * oldest page is loaded. `check` must be one that `isVerifiedPruneMarker` accepted (the log
 * model asks first, so this on-demand code needs no import of the registry); a marker for
 * another org than the loaded events' changes nothing: the gaps stay alarms.
 */
export function applyPruneMarker(
  orgId: string | null,
  gaps: readonly SeqGap[],
  hasMore: boolean,
  check: Extract<PruneMarkerCheck, { status: 'verified' }>,
): AppliedMarker {
  if (orgId === null || orgId !== check.marker.org_id) {
    return { gaps, pruned: null, through: null }
  }
  const through = check.marker.pruned_through_seq
  const kept: SeqGap[] = []
  for (const gap of gaps) {
    if (gap.to <= through) continue
    kept.push(gap.from <= through ? { ...gap, from: through + 1 } : gap)
  }
  const pruned: PrunedRange | null = hasMore
    ? null
    : { from: 1, to: through, prunedAt: check.marker.pruned_at, retentionDays: check.marker.retention_days }
  const same = kept.length === gaps.length && kept.every((g, i) => g === gaps[i])
  return { gaps: same ? gaps : kept, pruned, through }
}
