/**
 * `verifyPruneMarker`: check a prune marker (an auditlens extension, see README "Retention and
 * prune markers") like an event: rebuild its `auditlens.prune/1` bytes, then try the pinned
 * keys valid at `pruned_at` (the one the marker names first), then those outside their window.
 * The decoder, byte layout and signature search (prune-marker.ts) are loaded on first
 * use, so pages that never meet a pruned org do not download them.
 */
import { hexToBytes } from './hex.js'
import { resolveCrypto, type CryptoChoice } from './crypto.js'
import { KeyRing, type TrustedKeyInput } from './key-ring.js'
import { issue, type PruneMarkerCheck } from './prune-marker-registry.js'

export type { PruneMarkerCheck }

/**
 * Resolves for any input (never throws on marker data); only `verified` means a pinned key,
 * valid at `pruned_at`, signed exactly these fields. Rejects only for unusable pinned keys.
 */
export async function verifyPruneMarker(
  input: unknown,
  options: { trustedKeys?: KeyRing | readonly TrustedKeyInput[]; crypto?: CryptoChoice } = {},
): Promise<PruneMarkerCheck> {
  const ring = KeyRing.from(options.trustedKeys)
  await ring.usable()
  const { checkPruneMarker } = await import('./prune-marker.js')
  // What the first download has already comes in as an argument: no shared chunk splits off.
  return checkPruneMarker({ hexToBytes, resolveCrypto, KeyRing, issue }, ring, input, options.crypto)
}
