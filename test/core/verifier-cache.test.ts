/**
 * Verification results outlive the event objects they were computed for: a log that drops far
 * pages and fetches them again gets new objects for the same events, and the verifier answers
 * them from a bounded memory filed by the SHA-256 of their whole content.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { BoundedCache } from '../../src/core/bounded-cache.js'
import {
  createVerifier,
  LosslessNumber,
  nobleBackend,
  type CryptoBackend,
  type VerificationResult,
} from '../../src/core/index.js'
import { createResultCache } from '../../src/core/verify/result-cache.js'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'

const signer = createSigner(VECTOR_SEED)
const signed = (i: number) => signer.sign(apiEvent({ id: `aevt_${i}`, seq: i + 1 }))

/** noble's primitives, counting signature checks: a check is what the cache saves. */
function counting() {
  let checks = 0
  const backend: CryptoBackend = {
    name: 'counting',
    sha256: (data) => nobleBackend.sha256(data),
    verifyEd25519: (...args) => {
      checks++
      return nobleBackend.verifyEd25519(...args)
    },
  }
  return { backend, checks: () => checks }
}
const refetch = <T>(event: T): T => structuredClone(event)

describe('given an event was verified and its object dropped', () => {
  it('an equal event fetched again gets the result without a new check', async () => {
    const { backend, checks } = counting()
    const verifier = createVerifier({ crypto: backend, trustedKeys: [signer.publicKey], yieldToHost: async () => {} })
    verifier.request([signed(1)])
    await verifier.idle()
    const again = refetch(signed(1))
    expect(verifier.get(again)).toMatchObject({ status: 'verified', payloadHash: again.payload_hash })
    verifier.request([again])
    await verifier.idle()
    expect(checks()).toBe(1)
  })

  it('a changed event under the same id is checked, and found tampered', async () => {
    const { backend, checks } = counting()
    const verifier = createVerifier({ crypto: backend, trustedKeys: [signer.publicKey], yieldToHost: async () => {} })
    verifier.request([signed(1)])
    await verifier.idle()
    const changed = { ...refetch(signed(1)), action: 'invoice.refunded' }
    expect(verifier.get(changed)).toBeUndefined()
    verifier.request([changed])
    await verifier.idle()
    expect(verifier.get(changed)).toMatchObject({ status: 'tampered', reason: 'payload-hash-mismatch' })
    expect(verifier.get(changed)?.payloadHash).not.toBe(changed.payload_hash)
    expect(checks()).toBe(1) // a hash mismatch needs no signature check; what counts is no cached Verified
  })

  it('keeps 100,000 results by default: 4,500 checked events (the old default kept 4,096) are all still known', async () => {
    // A backend that accepts every signature at once: this test is about the bound, not crypto.
    const fast: CryptoBackend = { name: 'fast', sha256: nobleBackend.sha256, verifyEd25519: async () => true }
    const verifier = createVerifier({ crypto: fast, maxQueued: 4500, yieldToHost: async () => {} })
    const base = signed(0)
    const events = Array.from({ length: 4500 }, (_, i) => ({ ...base, id: `aevt_${i}` }))
    verifier.request(events)
    await verifier.idle()
    // The newest request is checked first, so its result is the least recently used.
    expect(verifier.get(refetch(events.at(-1)!))?.status).toBe('tampered') // each id changed what was signed
  })

  it('drops the least recently used results beyond maxCached, and checks their events again', async () => {
    const { backend, checks } = counting()
    const verifier = createVerifier({ crypto: backend, maxCached: 2, yieldToHost: async () => {} })
    verifier.request([signed(1), signed(2), signed(3)])
    await verifier.idle()
    expect(checks()).toBe(3)
    const copies = [1, 2, 3].map((i) => refetch(signed(i)))
    expect(copies.map((copy) => verifier.get(copy)?.status)).toEqual([undefined, 'unpinned', 'unpinned'])
    verifier.request([copies[0]!])
    await verifier.idle()
    expect(checks()).toBe(4)
  })
})

describe('createResultCache', () => {
  const cache = () => createResultCache(10, { Cache: BoundedCache, Lossless: LosslessNumber })

  it('files an event under the SHA-256 of the spelling of all its members', () => {
    const event = { id: 'aevt_1', n: -0, big: new LosslessNumber('1152921504606846976'), list: ['é', undefined] }
    const spelling = '{"id":"aevt_1","n":-0,"big":#1152921504606846976,"list":["é",undefined]}'
    const expected = String.fromCharCode(...createHash('sha256').update(spelling, 'utf8').digest())
    expect(cache().digest(event)).toBe(expected)
    expect(cache().digest({ ...event, n: 0 })).not.toBe(expected)
  })

  it('has no digest for content that is not plain JSON data', () => {
    expect(cache().digest({ id: 'aevt_1', at: new Date(0) })).toBeUndefined()
  })

  it("gives back a result with the event's own hash, or the other hash that was found", () => {
    const results = cache()
    const event = { id: 'aevt_1', payload_hash: 'ab'.repeat(32) }
    const verified: VerificationResult = {
      status: 'verified',
      reason: 'signature-valid',
      message: 'ok',
      payloadHash: event.payload_hash,
    }
    results.set('d1', event, verified)
    expect(results.get('d1', event)).toEqual(verified)
    const tampered: VerificationResult = {
      ...verified,
      status: 'tampered',
      reason: 'payload-hash-mismatch',
      payloadHash: 'cd'.repeat(32),
    }
    results.set('d2', event, tampered)
    expect(results.get('d2', event)).toEqual(tampered)
  })

  it('gives back from set the result as get would give it, so nothing is filed and read back', () => {
    const results = cache()
    const event = { id: 'aevt_1', payload_hash: 'ab'.repeat(32) }
    const verified: VerificationResult = {
      status: 'verified',
      reason: 'signature-valid',
      message: 'ok',
      payloadHash: 'ab'.repeat(32),
    }
    expect(results.set('d1', event, verified)).toEqual(verified)
    expect(results.set('d1', event, verified)).toEqual(results.get('d1', event))
    const tampered: VerificationResult = { ...verified, status: 'tampered', payloadHash: 'cd'.repeat(32) }
    expect(results.set('d2', event, tampered)).toEqual(tampered)
  })
})
