/**
 * Offline verification of `invoance.audit/1` events: recompute the canonical bytes, compare
 * their SHA-256 with `payload_hash`, and check the Ed25519 signature against pinned keys.
 *
 * Never throws on event data: anything that cannot be checked is reported as `malformed`,
 * and nothing is `verified` unless its signature was checked against a pinned key.
 */
import { bytesToHex, hexToBytes } from './hex.js'
import { canonicalize, type CanonicalResult } from '../json/canonical.js'
import { isUsablePublicKey, resolveCrypto, type CryptoBackend, type CryptoChoice } from './crypto.js'
import { mapInOrder } from './in-order.js'
import { HEX_64, KeyRing, type TrustedKey, type TrustedKeyInput } from './key-ring.js'
import type { VerificationReason, VerificationResult, VerificationStatus } from '../types.js'

export interface VerifyOptions {
  /**
   * Pinned keys. Without them the best possible outcome is `unpinned`. Pass a {@link KeyRing}
   * to validate the keys once; an array is read again on every call.
   */
  trustedKeys?: KeyRing | readonly TrustedKeyInput[]
  /** Crypto backend (default `auto`: WebCrypto when it supports Ed25519, noble otherwise). */
  crypto?: CryptoChoice
}

export interface VerifyEventsOptions extends VerifyOptions {
  /** How many events are in flight at once (default 64). */
  concurrency?: number
  /** Stops starting new work; the returned promise rejects with the signal's reason. */
  signal?: AbortSignal
  /** Called with each result in input order, as soon as it and every one before it are known. */
  onResult?: (result: VerificationResult, index: number) => void
}

const HEX_128 = /^[0-9a-fA-F]{128}$/

/** Verify one event. Resolves with a result for any input; rejects only for invalid options. */
export async function verifyEvent(event: unknown, options: VerifyOptions = {}): Promise<VerificationResult> {
  const ring = KeyRing.from(options.trustedKeys)
  await ring.usable()
  return check(event, ring, await resolveCrypto(options.crypto))
}

/**
 * Verify many events with bounded concurrency. Results come back in input order.
 */
export async function verifyEvents(
  events: readonly unknown[],
  options: VerifyEventsOptions = {},
): Promise<VerificationResult[]> {
  const ring = KeyRing.from(options.trustedKeys)
  await ring.usable()
  const backend = await resolveCrypto(options.crypto)
  const { signal, onResult } = options
  const concurrency = positiveInteger(options.concurrency, 64, 'concurrency')
  const results: VerificationResult[] = []
  const checks = mapInOrder(events, (event) => check(event, ring, backend), { concurrency, signal })
  for await (const result of checks) {
    onResult?.(result, results.length)
    results.push(result)
  }
  signal?.throwIfAborted()
  return results
}

/** A whole number of at least 1, or `fallback` when not given; anything else is a mistake worth an error. */
export function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value < 1) throw new TypeError(`${name} must be a number of at least 1; got ${value}`)
  return Math.floor(value)
}

function result(
  status: VerificationStatus,
  reason: VerificationReason,
  message: string,
  payloadHash: string | null,
  keyId?: unknown,
): VerificationResult {
  return typeof keyId === 'string'
    ? { status, reason, message, payloadHash, keyId }
    : { status, reason, message, payloadHash }
}

/**
 * The check itself, for callers that settled the keys and backend once and may already hold
 * the canonical form (the NDJSON reader keeps its bytes as a Merkle leaf, so it is not built
 * twice). Not part of core's public surface.
 */
export async function check(
  event: unknown,
  ring: KeyRing,
  backend: CryptoBackend,
  canonical: CanonicalResult = canonicalize(event),
): Promise<VerificationResult> {
  if (!canonical.ok) return result('malformed', canonical.error.reason, canonical.error.message, null)
  const e = event as Record<string, unknown>

  const signature = e.signature
  if (typeof signature !== 'string' || !HEX_128.test(signature)) {
    const problem = signature === undefined || signature === null ? 'is missing' : 'is not 128 hex characters'
    return result('malformed', 'invalid-signature', `signature ${problem}`, null)
  }
  const storedHash = e.payload_hash
  if (storedHash !== undefined && storedHash !== null && (typeof storedHash !== 'string' || !HEX_64.test(storedHash))) {
    return result('malformed', 'invalid-payload-hash', 'payload_hash is not 64 hex characters', null)
  }
  const embedded = e.signing_public_key
  if (embedded !== undefined && embedded !== null && (typeof embedded !== 'string' || !HEX_64.test(embedded))) {
    return result('malformed', 'invalid-public-key', 'signing_public_key is not 64 hex characters', null)
  }
  const embeddedHex = typeof embedded === 'string' ? embedded.toLowerCase() : null
  if (embeddedHex === null && ring.size === 0) {
    return result('malformed', 'no-key', 'the event carries no signing_public_key and no keys are pinned', null)
  }

  const payloadHash = bytesToHex(await backend.sha256(canonical.bytes))
  if (typeof storedHash === 'string' && storedHash.toLowerCase() !== payloadHash) {
    return result(
      'tampered',
      'payload-hash-mismatch',
      'the content was changed after signing: its hash no longer matches payload_hash',
      payloadHash,
    )
  }

  const sig = hexToBytes(signature.toLowerCase())
  const signedBy = (key: Uint8Array) => backend.verifyEd25519(sig, canonical.bytes, key)

  if (ring.size > 0) {
    const at = canonical.ingestedAtMs
    const inWindow: TrustedKey[] = []
    const outOfWindow: TrustedKey[] = []
    for (const key of ring.keys) (KeyRing.isValidAt(key, at) ? inWindow : outOfWindow).push(key)
    // Try the key the event names first: with an honest ledger that is the only verification.
    const claimed = (key: TrustedKey) =>
      key.publicKey === embeddedHex || (key.keyId !== undefined && key.keyId === e.key_id)
    inWindow.sort((a, b) => Number(claimed(b)) - Number(claimed(a)))
    for (const key of inWindow) {
      if (await signedBy(key.bytes)) {
        return result(
          'verified',
          'signature-valid',
          'signed by a pinned key; the content is exactly what was signed',
          payloadHash,
          key.keyId,
        )
      }
    }
    for (const key of outOfWindow) {
      if (await signedBy(key.bytes)) {
        return result(
          'untrusted',
          'key-outside-validity-window',
          'signed by a pinned key, but at a time outside that key’s validity window',
          payloadHash,
          key.keyId,
        )
      }
    }
    if (embeddedHex !== null && !ring.get(embeddedHex)) {
      const bytes = hexToBytes(embeddedHex)
      if ((await isUsablePublicKey(bytes)) && (await signedBy(bytes))) {
        return result(
          'untrusted',
          'key-not-pinned',
          'the signature is valid only under a key that is not pinned: the event may have been re-signed',
          payloadHash,
        )
      }
    }
    return result(
      'tampered',
      'signature-invalid',
      'the signature does not match the content under any known key',
      payloadHash,
    )
  }

  const bytes = hexToBytes(embeddedHex!)
  if ((await isUsablePublicKey(bytes)) && (await signedBy(bytes))) {
    return result(
      'unpinned',
      'no-pinned-keys',
      'the signature matches the key inside the event, but no keys are pinned to prove who signed it',
      payloadHash,
    )
  }
  return result('tampered', 'signature-invalid', 'the signature does not match the content', payloadHash)
}
