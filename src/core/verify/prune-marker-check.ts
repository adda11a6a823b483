/**
 * `verifyPruneMarker`: check a prune marker (an auditlens extension, see README "Retention and
 * prune markers") like an event: rebuild its `auditlens.prune/1` bytes, then try the pinned
 * keys valid at `pruned_at` (the one the marker names first), then those outside their window.
 * The decoder and byte layout are loaded on first use, so pages that never meet a pruned org
 * do not download them.
 */
import { hexToBytes } from './hex.js'
import { resolveCrypto, type CryptoChoice } from './crypto.js'
import { KeyRing, type TrustedKey, type TrustedKeyInput } from './key-ring.js'
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
  const { decodePruneMarker, pruneMarkerBytes } = await import('./prune-marker.js')
  const decoded = decodePruneMarker(input)
  if (!decoded.ok) return { status: 'malformed', message: decoded.problem }
  const { marker } = decoded
  if (ring.size === 0) return { status: 'unpinned', message: 'no keys are pinned, so the marker cannot be trusted' }
  const backend = await resolveCrypto(options.crypto)
  const bytes = pruneMarkerBytes(marker)
  const signature = hexToBytes(marker.signature)
  const at = Date.parse(marker.pruned_at)
  const signedBy = (key: TrustedKey) => backend.verifyEd25519(signature, bytes, key.bytes)
  const claimed = (key: TrustedKey) => key.keyId === marker.key_id || key.publicKey === marker.signing_public_key
  const inWindow = ring.keys.filter((key) => KeyRing.isValidAt(key, at))
  inWindow.sort((a, b) => Number(claimed(b)) - Number(claimed(a)))
  for (const key of inWindow) if (await signedBy(key)) return issue(marker, key.keyId)
  for (const key of ring.keys) {
    if (!inWindow.includes(key) && (await signedBy(key)))
      return { status: 'untrusted', message: 'signed by a pinned key, but outside that key’s validity window' }
  }
  return { status: 'tampered', message: 'the signature does not match the marker under any pinned key' }
}
