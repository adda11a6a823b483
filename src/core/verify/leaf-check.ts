/**
 * The check of one event together with its RFC 6962 leaf hash, `SHA-256(0x00 || canonical
 * bytes)` (RFC 9162 section 2.1.1), both from one build of the canonical bytes: Verify entire
 * log needs the verdict and the leaf, and building the bytes again on the main thread for the
 * leaf cost 11-16 µs an event there, on a machine whose cores the workers already fill. The leaf
 * is of exactly the bytes whose signature was checked, never of a second spelling.
 */
import { canonicalize } from '../json/canonical.js'
import { leafHash } from '../proof/merkle.js'
import type { VerificationResult } from '../types.js'
import type { CryptoBackend } from './crypto.js'
import type { KeyRing } from './key-ring.js'
import { check } from './verify.js'

/** The event's result and leaf hash (`null` when its canonical bytes cannot be built). */
export async function checkWithLeaf(
  event: unknown,
  ring: KeyRing,
  backend: CryptoBackend,
): Promise<[VerificationResult, Uint8Array | null]> {
  const canonical = canonicalize(event)
  return Promise.all([check(event, ring, backend, canonical), canonical.ok ? leafHash(backend, canonical.bytes) : null])
}
