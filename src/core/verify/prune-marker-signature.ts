/**
 * The body of `verifyPruneMarker` (prune-marker-check.ts), loaded on its first call with the
 * marker's decoder and byte layout. What `auditlens/core` loads up front (hex, the crypto
 * backends, the key ring, the registry of issued checks) comes in as `parts` rather than
 * imports: importing them would split them into a shared chunk, which costs the first download
 * more bytes than this file saves.
 */
import type { hexToBytes } from './hex.js'
import type { CryptoChoice, resolveCrypto } from './crypto.js'
import type { KeyRing, TrustedKey } from './key-ring.js'
import type { issue, PruneMarkerCheck } from './prune-marker-registry.js'
import { decodePruneMarker, pruneMarkerBytes } from './prune-marker.js'

export interface CheckParts {
  hexToBytes: typeof hexToBytes
  resolveCrypto: typeof resolveCrypto
  KeyRing: typeof KeyRing
  issue: typeof issue
}

/** Decode `input`, then try the keys of `ring` valid at `pruned_at` (the claimed one first), then the others. */
export async function checkPruneMarker(
  { hexToBytes, resolveCrypto, KeyRing, issue }: CheckParts,
  ring: KeyRing,
  input: unknown,
  crypto: CryptoChoice | undefined,
): Promise<PruneMarkerCheck> {
  const decoded = decodePruneMarker(input)
  if (!decoded.ok) return { status: 'malformed', message: decoded.problem }
  const { marker } = decoded
  if (ring.size === 0) return { status: 'unpinned', message: 'no keys are pinned, so the marker cannot be trusted' }
  const backend = await resolveCrypto(crypto)
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
