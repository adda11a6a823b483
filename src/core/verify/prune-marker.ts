/**
 * Prune markers (an auditlens extension): the ledger's signed statement that seqs
 * 1..`pruned_through_seq` of an org were removed by its retention policy. A reader that holds
 * a verified marker can tell a pruned head from missing or deleted events; an unverified one
 * is never trusted, because anyone who deletes events could also write "these were pruned".
 *
 * The signed bytes (`auditlens.prune/1`) are the UTF-8 of a JSON object with exactly the keys
 * `cutoff, key_id, org_id, pruned_at, pruned_through_seq, retention_days, schema`, in that
 * (code point) order, no whitespace. Every string is restricted ASCII (ids, and timestamps in
 * the `YYYY-MM-DDTHH:MM:SS.mmmZ` form) and both numbers are safe integers, so any JSON writer
 * that sorts keys produces the same bytes. The signature is Ed25519 (RFC 8032) over those
 * bytes with the ledger's event signing key, checked against pinned keys at `pruned_at` the
 * way an event is checked at `ingested_at`.
 */
import type { hexToBytes } from './hex.js'
import type { CryptoChoice, resolveCrypto } from './crypto.js'
import type { KeyRing, TrustedKey } from './key-ring.js'
import type { issue, PruneMarkerCheck } from './prune-marker-registry.js'

// Types alone imported: the ledger and the proxy use this file without the verification code.
const HEX_64 = /^[0-9a-fA-F]{64}$/

export const PRUNE_SCHEMA = 'auditlens.prune/1'

/** A prune marker as the ledger serves it. */
export interface PruneMarker {
  schema: typeof PRUNE_SCHEMA
  org_id: string
  /** Seqs 1..this were removed by policy. */
  pruned_through_seq: number
  pruned_at: string
  retention_days: number
  /** Events ingested before this instant were expired. */
  cutoff: string
  key_id: string
  /** The public key the ledger signed with (a hint; trust comes from the pinned keys). */
  signing_public_key: string | null
  signature: string
}

export type { PruneMarkerCheck } from './prune-marker-registry.js'

const ID = /^[A-Za-z0-9_-]{1,128}$/
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const HEX_128 = /^[0-9a-f]{128}$/

/** The signed fields of `marker` as `auditlens.prune/1` bytes. */
export function pruneMarkerBytes(marker: Omit<PruneMarker, 'schema' | 'signature' | 'signing_public_key'>): Uint8Array {
  // Built field by field, keys in code-point order, so nothing else a server adds is signed.
  const text =
    `{"cutoff":${JSON.stringify(marker.cutoff)},"key_id":${JSON.stringify(marker.key_id)},` +
    `"org_id":${JSON.stringify(marker.org_id)},"pruned_at":${JSON.stringify(marker.pruned_at)},` +
    `"pruned_through_seq":${marker.pruned_through_seq},"retention_days":${marker.retention_days},` +
    `"schema":${JSON.stringify(PRUNE_SCHEMA)}}`
  return new TextEncoder().encode(text)
}

const positive = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1

/**
 * Decode a marker from the network (`unknown`): the marker, or a sentence naming the first
 * field that is wrong. Extra fields are ignored (they are not signed).
 */
export function decodePruneMarker(input: unknown): { ok: true; marker: PruneMarker } | { ok: false; problem: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('the marker is not an object')
  const m = input as Record<string, unknown>
  if (m.schema !== PRUNE_SCHEMA) return fail(`schema is not "${PRUNE_SCHEMA}"`)
  for (const field of ['org_id', 'key_id'] as const) {
    if (typeof m[field] !== 'string' || !ID.test(m[field])) return fail(`${field} is not an id`)
  }
  for (const field of ['pruned_at', 'cutoff'] as const) {
    const value = m[field]
    if (typeof value !== 'string' || !INSTANT.test(value) || Number.isNaN(Date.parse(value)))
      return fail(`${field} is not a YYYY-MM-DDTHH:MM:SS.mmmZ instant`)
  }
  if (!positive(m.pruned_through_seq)) return fail('pruned_through_seq is not a positive integer')
  if (!positive(m.retention_days)) return fail('retention_days is not a positive integer')
  if (typeof m.signature !== 'string' || !HEX_128.test(m.signature)) return fail('signature is not 128 hex characters')
  const hint = m.signing_public_key ?? null
  if (hint !== null && (typeof hint !== 'string' || !HEX_64.test(hint)))
    return fail('signing_public_key is not 64 hex characters')
  return {
    ok: true,
    marker: {
      schema: PRUNE_SCHEMA,
      org_id: m.org_id as string,
      pruned_through_seq: m.pruned_through_seq,
      pruned_at: m.pruned_at as string,
      retention_days: m.retention_days,
      cutoff: m.cutoff as string,
      key_id: m.key_id as string,
      signing_public_key: hint === null ? null : hint.toLowerCase(),
      signature: m.signature,
    },
  }
}

function fail(problem: string): { ok: false; problem: string } {
  return { ok: false, problem }
}

/**
 * The body of `verifyPruneMarker` (prune-marker-check.ts), loaded with this file on its first
 * call. What `auditlens/core` loads up front (hex, the crypto backends, the key ring, the
 * registry of issued checks) comes in as `parts` rather than imports: importing them would
 * split them into a shared chunk, which costs the first download more than this saves.
 */
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
