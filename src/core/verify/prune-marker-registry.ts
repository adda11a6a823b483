/**
 * Which prune-marker checks are real: {@link verifyPruneMarker} registers each verified result
 * it makes, and the log model accepts only those. Import-free, so the log model can ask
 * without pulling in any verification code.
 */
import type { PruneMarker } from './prune-marker.js'

/** The outcome of checking a prune marker; only `verified` may change what a reader is shown. */
export type PruneMarkerCheck =
  | { status: 'verified'; marker: PruneMarker; keyId: string | undefined }
  | { status: 'unpinned' | 'untrusted' | 'tampered' | 'malformed'; message: string }

const issued = new WeakSet<object>()

/** Freeze a verified result (so it cannot be edited into a claim about other seqs) and register it. */
export function issue(marker: PruneMarker, keyId: string | undefined): PruneMarkerCheck {
  const check: PruneMarkerCheck = Object.freeze({ status: 'verified', marker: Object.freeze(marker), keyId })
  issued.add(check)
  return check
}

/** Whether `check` is a `verified` result that {@link verifyPruneMarker} itself produced. */
export function isVerifiedPruneMarker(
  check: PruneMarkerCheck | null | undefined,
): check is Extract<PruneMarkerCheck, { status: 'verified' }> {
  return check != null && check.status === 'verified' && issued.has(check)
}
