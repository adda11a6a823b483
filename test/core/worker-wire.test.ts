/**
 * The compact form a verification worker's results travel in: every result comes back exactly,
 * and a reply that does not fit its batch is refused rather than read.
 */
import { describe, expect, it } from 'vitest'
import { decodeResults, encodeResults, leavesOf } from '../../src/core/verify/worker-wire.js'
import type { VerificationResult } from '../../src/core/index.js'

const hash = (digit: string) => digit.repeat(64)
const verified = (h: string, keyId?: string): VerificationResult => ({
  status: 'verified',
  reason: 'signature-valid',
  message: 'signed by a pinned key; the content is exactly what was signed',
  payloadHash: h,
  ...(keyId === undefined ? {} : { keyId }),
})

describe('worker results on the wire', () => {
  const results: VerificationResult[] = [
    verified(hash('a'), 'key_2026'),
    verified(hash('b'), 'key_2026'),
    verified(hash('c')), // a pinned key without an id
    verified(hash('d'), ''), // an empty id is still an id
    { status: 'malformed', reason: 'missing-field', message: 'actor is missing or null', payloadHash: null },
    { status: 'malformed', reason: 'invalid-field', message: 'actor is missing or null', payloadHash: null },
    {
      status: 'tampered',
      reason: 'signature-invalid',
      message: 'the signature does not match',
      payloadHash: hash('e'),
    },
  ]

  it('sends each distinct outcome once and gives every result back exactly, key ids and null hashes included', () => {
    const wire = encodeResults(results)
    expect(wire.outcomes).toHaveLength(6)
    const back = decodeResults(structuredClone(wire), results.length)
    expect(back).toStrictEqual(results)
  })

  it('refuses replies that do not account for the batch event by event', () => {
    const wire = encodeResults(results)
    const count = results.length
    expect(decodeResults(wire, count + 1)).toBeNull()
    expect(decodeResults({ ...wire, of: wire.of.slice(1) }, count)).toBeNull()
    expect(decodeResults({ ...wire, hashes: wire.hashes.slice(1) }, count)).toBeNull()
    expect(decodeResults({ ...wire, of: [99, ...wire.of.slice(1)] }, count)).toBeNull()
    expect(decodeResults({ ...wire, of: ['length', ...wire.of.slice(1)] }, count)).toBeNull()
    expect(decodeResults({ ...wire, hashes: ['ABC', ...wire.hashes.slice(1)] }, count)).toBeNull()
    expect(decodeResults({ ...wire, outcomes: [{ ...wire.outcomes[0], status: 'fine' }] }, count)).toBeNull()
    expect(decodeResults({ ...wire, outcomes: [{ ...wire.outcomes[0], keyId: 7 }] }, count)).toBeNull()
    expect(decodeResults(results, count)).toBeNull() // the old form: one object per event
    expect(decodeResults(null, count)).toBeNull()
  })

  it('carries a batch’s leaf hashes in one buffer, with the events that have none, and refuses leaves that do not fit', () => {
    const leaves = results.map((_, i) => (i === 4 || i === 5 ? null : new Uint8Array(32).fill(i + 1)))
    const wire = encodeResults(results, leaves)
    const back = decodeResults(structuredClone(wire), results.length)!
    expect(back).toStrictEqual(results)
    expect(leavesOf(back)).toStrictEqual(leaves)
    expect(leavesOf(decodeResults(encodeResults(results), results.length)!)).toBeUndefined()
    const count = results.length
    expect(decodeResults({ ...wire, leaves: wire.leaves!.subarray(32) }, count)).toBeNull()
    expect(decodeResults({ ...wire, leaves: Array.from(wire.leaves!) }, count)).toBeNull()
    expect(decodeResults({ ...wire, leafless: [count] }, count)).toBeNull()
    expect(decodeResults({ ...wire, leafless: ['4'] }, count)).toBeNull()
    expect(decodeResults({ ...wire, leafless: undefined }, count)).toBeNull()
  })
})
