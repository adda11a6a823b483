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
}

/** Worker side: results in input order to their wire form. */
export function encodeResults(results: readonly VerificationResult[]): WireResults {
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
  return { outcomes, of, hashes }
}

const STATUSES: ReadonlySet<unknown> = new Set(['verified', 'unpinned', 'untrusted', 'tampered', 'malformed'])
const HASH = /^[0-9a-f]{64}$/

/**
 * Main-thread side: the results of a batch of `count` events, or `null` when `wire` is not the
 * wire form of exactly that many results.
 */
export function decodeResults(wire: unknown, count: number): VerificationResult[] | null {
  if (typeof wire !== 'object' || wire === null) return null
  const { outcomes, of, hashes } = wire as Record<string, unknown>
  if (!Array.isArray(outcomes) || !Array.isArray(of) || !Array.isArray(hashes)) return null
  if (of.length !== count || hashes.length !== count || !outcomes.every(isOutcome)) return null
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
  return results
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
