/**
 * How a batch's results travel back from a verification worker: each distinct outcome (status,
 * reason, message and key id) once, then per event the index of its outcome and its payload
 * hash. A batch of intact events has one outcome, so the reply is two short arrays instead of
 * one five-member object per event; structured-cloning those objects was about a tenth of a
 * worker's time (test/bench/verify-profile.bench.ts, BENCHMARKS.md).
 *
 * The main thread decodes the reply rather than trusting its shape: a reply that does not fit
 * the batch (another script behind the worker URL, a bug) makes the batch be checked again on
 * the main thread, never leaves an event with a made-up result.
 */
import type { VerificationResult } from '../types.js'

/** A result without its payload hash: what many events of a batch share. */
export type Outcome = Omit<VerificationResult, 'payloadHash'>

/** The results of one batch, in input order. */
export interface WireResults {
  outcomes: Outcome[]
  /** Per event, the index of its outcome. */
  of: number[]
  /** Per event, its payload hash (`null` when the canonical bytes could not be built). */
  hashes: (string | null)[]
  /**
   * When the batch asked for them: per event, 32 bytes of its RFC 6962 leaf hash, computed in
   * the worker from the same canonical bytes whose signature it checked (Verify entire log), in
   * one buffer, so that a batch's leaves travel as one clone rather than one array each.
   */
  leaves?: Uint8Array
  /** The events (by index) whose canonical bytes could not be built, so that have no leaf. */
  leafless?: number[]
}

/** Worker side: results in input order to their wire form. */
export function encodeResults(
  results: readonly VerificationResult[],
  leaves?: readonly (Uint8Array | null)[],
): WireResults {
  const outcomes: Outcome[] = []
  // Keyed by message, reason and status (the last two never contain U+0000, so the key is
  // unambiguous read from the right), then by key id.
  const seen = new Map<string, Map<string | undefined, number>>()
  const of: number[] = []
  const hashes: (string | null)[] = []
  for (const { status, reason, message, payloadHash, keyId } of results) {
    const text = `${message}\u0000${reason}\u0000${status}`
    let byKey = seen.get(text)
    if (!byKey) seen.set(text, (byKey = new Map()))
    let index = byKey.get(keyId)
    if (index === undefined) {
      index = outcomes.push(keyId === undefined ? { status, reason, message } : { status, reason, message, keyId }) - 1
      byKey.set(keyId, index)
    }
    of.push(index)
    hashes.push(payloadHash)
  }
  if (!leaves) return { outcomes, of, hashes }
  const packed = new Uint8Array(32 * leaves.length)
  const leafless: number[] = []
  leaves.forEach((leaf, i) => (leaf ? packed.set(leaf, 32 * i) : leafless.push(i)))
  return { outcomes, of, hashes, leaves: packed, leafless }
}

/**
 * The leaf hashes that came with decoded results (by the results array decodeResults returned):
 * kept beside them rather than in them, so a result filed by the badges' cache carries no
 * member that a result checked elsewhere would lack.
 */
const leavesByResults = new WeakMap<readonly VerificationResult[], (Uint8Array | null)[]>()

/** The leaf hashes decoded with `results`, when the batch asked for them. */
export function leavesOf(results: readonly VerificationResult[]): (Uint8Array | null)[] | undefined {
  return leavesByResults.get(results)
}

const STATUSES: ReadonlySet<unknown> = new Set(['verified', 'unpinned', 'untrusted', 'tampered', 'malformed'])
const HASH = /^[0-9a-f]{64}$/

/**
 * Main-thread side: the results of a batch of `count` events, or `null` when `wire` is not the
 * wire form of exactly that many results.
 */
export function decodeResults(wire: unknown, count: number): VerificationResult[] | null {
  if (typeof wire !== 'object' || wire === null) return null
  const { outcomes, of, hashes, leaves, leafless } = wire as Record<string, unknown>
  if (!Array.isArray(outcomes) || !Array.isArray(of) || !Array.isArray(hashes)) return null
  if (of.length !== count || hashes.length !== count || !outcomes.every(isOutcome)) return null
  const leafHashes = decodeLeaves(leaves, leafless, count)
  if (leafHashes === null) return null
  const results: VerificationResult[] = []
  for (let i = 0; i < count; i++) {
    const index: unknown = of[i]
    const outcome = typeof index === 'number' && Number.isInteger(index) ? (outcomes[index] as Outcome) : undefined
    const payloadHash: unknown = hashes[i]
    if (!outcome || !(payloadHash === null || (typeof payloadHash === 'string' && HASH.test(payloadHash)))) return null
    const { status, reason, message, keyId } = outcome
    results.push(
      keyId === undefined ? { status, reason, message, payloadHash } : { status, reason, message, payloadHash, keyId },
    )
  }
  if (leafHashes) leavesByResults.set(results, leafHashes)
  return results
}

/** `undefined` when the reply has no leaves, `null` when they do not fit the batch. */
function decodeLeaves(leaves: unknown, leafless: unknown, count: number): (Uint8Array | null)[] | undefined | null {
  if (leaves === undefined && leafless === undefined) return undefined
  if (!(leaves instanceof Uint8Array) || leaves.length !== 32 * count || !Array.isArray(leafless)) return null
  const out: (Uint8Array | null)[] = []
  for (let i = 0; i < count; i++) out.push(leaves.subarray(32 * i, 32 * i + 32))
  for (const index of leafless as unknown[]) {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) return null
    out[index] = null
  }
  return out
}

function isOutcome(value: unknown): value is Outcome {
  if (typeof value !== 'object' || value === null) return false
  const { status, reason, message, keyId } = value as Record<string, unknown>
  return (
    STATUSES.has(status) &&
    typeof reason === 'string' &&
    typeof message === 'string' &&
    (keyId === undefined || typeof keyId === 'string')
  )
}
