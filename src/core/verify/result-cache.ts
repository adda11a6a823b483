/**
 * The verifier's memory of results by content, loaded on the first request (with noble's
 * SHA-256) so that pages which never verify do not download it. A result is filed under the
 * SHA-256 of a spelling of every member of the event it was computed for: an equal event
 * fetched again (after the log dropped its page, or by Verify entire log) gets the result
 * without a new check, and any event that differs in any member, or only claims the same id
 * or `payload_hash`, does not.
 *
 * Why SHA-256 and not a cheaper hash: the server chooses the events, so a non-cryptographic
 * hash would let it build a forged event that collides with a genuine one and inherits its
 * Verified. Why noble's and not WebCrypto's: `Verifier.get` is synchronous (React reads it
 * while rendering through useSyncExternalStore), and `crypto.subtle.digest` only answers in a
 * later task; noble's SHA-256 answers at once, in about 6 µs for an event of 818 bytes, beside
 * about 7 µs to spell it (Node 20 on a 2-core VM, best of 40; BENCHMARKS.md).
 *
 * An entry holds the 32-byte digest as a 32-character one-byte string (about 48 bytes on V8's
 * heap) and a result shared by every event with the same outcome: the recomputed hash, the one
 * part unique to an event, is not stored when it equals the event's own `payload_hash` (which
 * the digest covers), and is taken from the event again on a hit.
 */
import type { Outcome } from './worker-wire.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { BoundedCache } from '../bounded-cache.js'
import type { LosslessNumber } from '../json/lossless-json.js'
import type { VerificationResult } from '../types.js'

/** What the cache needs from core's entry, handed in so that this chunk shares no module with it. */
export interface ResultCacheParts {
  Cache: typeof BoundedCache
  Lossless: typeof LosslessNumber
}

export interface ResultCache {
  /** The digest an event's content is filed under, or `undefined` when it is not plain JSON data. */
  digest(event: unknown): string | undefined
  /** The result filed for this digest, for `event` (whose content has that digest). */
  get(digest: string, event: unknown): VerificationResult | undefined
  /**
   * File `result` for this digest and give back the form it is filed in, as {@link get} would
   * return it (its outcome shared with equal ones, its recomputed hash the event's own string),
   * so the caller keeps that one instead of filing a result and reading it back.
   */
  set(digest: string, event: unknown, result: VerificationResult): VerificationResult
}

const encoder = new TextEncoder()

/** `max` results at most, least recently used dropped first. */
export function createResultCache(max: number, { Cache, Lossless }: ResultCacheParts): ResultCache {
  const results = new Cache<string, Outcome | VerificationResult>(max)
  /** One object per distinct outcome (status, reason, key id, message), shared by its entries. */
  const outcomes = new Cache<string, Outcome>(64)

  /**
   * Every member of a plain-JSON value, spelled so that two values with the same spelling
   * verify alike: numbers keep `-0`, lossless numbers keep their text apart from plain numbers
   * (a plain 2^60 is malformed where its lossless spelling may verify), and `undefined`
   * members are written. Strings go through JSON.stringify, which escapes lone surrogates, so
   * the spelling is well-formed UTF-16 and its UTF-8 bytes stand for it one to one. Anything
   * else (Dates, class instances, cycles) has no spelling.
   */
  const spell = (v: unknown): string => {
    if (typeof v === 'string') return JSON.stringify(v)
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v)
    if (typeof v !== 'object' || v === null) return typeof v === 'bigint' ? v + 'n' : String(v)
    if (v instanceof Lossless) return '#' + v.text
    if (Array.isArray(v)) return '[' + v.map(spell).join() + ']'
    const proto = Object.getPrototypeOf(v)
    if (proto !== Object.prototype && proto !== null) throw 0
    const record = v as Record<string, unknown>
    return '{' + Object.keys(record).map((k) => JSON.stringify(k) + ':' + spell(record[k])) + '}'
  }
  const ownHash = (event: unknown) => (event as { payload_hash?: unknown } | null)?.payload_hash

  return {
    digest(event) {
      let spelled: string
      try {
        spelled = spell(event)
      } catch {
        return undefined // not plain data, or too deep to spell: checked afresh for each object
      }
      return String.fromCharCode(...sha256(encoder.encode(spelled)))
    },
    get(digest, event) {
      const stored = results.get(digest)
      if (!stored || 'payloadHash' in stored) return stored
      return { ...stored, payloadHash: ownHash(event) as string }
    },
    set(digest, event, result) {
      const payloadHash = ownHash(event)
      if (result.payloadHash !== payloadHash) {
        results.set(digest, result)
        return result
      }
      const { payloadHash: _, ...outcome } = result
      const id = JSON.stringify([outcome.status, outcome.reason, outcome.keyId, outcome.message])
      let shared = outcomes.get(id)
      if (!shared) outcomes.set(id, (shared = outcome))
      results.set(digest, shared)
      return { ...shared, payloadHash: payloadHash as string }
    },
  }
}
