/**
 * The one rule for accepting a pruned prefix (an export trailer's or a checkpoint answer's
 * `pruned`): its prune marker must verify against the pinned keys, name the checkpoint's org,
 * and cover exactly the seqs claimed. Shared by `auditlens verify` and Verify entire log.
 */
import type { PruneMarkerCheck } from '../verify/prune-marker-registry.js'
import type { ProvePruned } from './export-check.js'

/**
 * A {@link ProvePruned} over a marker check against the pinned keys (core's
 * `verifyPruneMarker` with the caller's key ring). Passed in rather than imported, so the
 * viewer's lazily loaded walk shares the check the first download already holds.
 */
export function pruneProver(checkMarker: (marker: unknown) => Promise<PruneMarkerCheck>): ProvePruned {
  return async (marker, throughSeq, origin) => {
    const check = await checkMarker(marker)
    if (check.status !== 'verified') return `its prune marker is ${check.status} (${check.message})`
    // The origin ends in the org's id (README "Checkpoints and proofs"): one org's marker must
    // not excuse the missing head of another's log.
    if (!origin.endsWith(`/orgs/${check.marker.org_id}`)) return `its prune marker is for another org's log`
    if (check.marker.pruned_through_seq !== throughSeq) {
      return `its prune marker covers seqs 1 to ${check.marker.pruned_through_seq}, not 1 to ${throughSeq}`
    }
    return null
  }
}
