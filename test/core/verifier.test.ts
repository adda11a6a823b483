import { describe, expect, it } from 'vitest'
import { createVerifier, LosslessNumber, nobleBackend, type CryptoBackend } from '../../src/core/index.js'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'

const signer = createSigner(VECTOR_SEED)
const events = Array.from({ length: 10 }, (_, i) => signer.sign(apiEvent({ id: `aevt_${i}`, seq: i + 1 })))

function counting() {
  const hashed: number[] = []
  const backend: CryptoBackend = {
    name: 'counting',
    sha256: async (data) => {
      hashed.push(data.length)
      return nobleBackend.sha256(data)
    },
    verifyEd25519: (...args) => nobleBackend.verifyEd25519(...args),
  }
  return { backend, hashed }
}

describe('createVerifier', () => {
  it('verifies requested events in batches, newest requests first, and tells subscribers', async () => {
    const order: string[] = []
    const verifier = createVerifier({ trustedKeys: [signer.publicKey], batchSize: 3, yieldToHost: async () => {} })
    let notified = 0
    verifier.subscribe(() => notified++)
    verifier.request(events.slice(0, 5))
    verifier.request(events.slice(8, 10)) // scrolled: these are on screen now
    verifier.subscribe(() =>
      order.push(
        ...events.filter((e) => verifier.get(e) && !order.includes(e.id as string)).map((e) => e.id as string),
      ),
    )
    await verifier.idle()
    expect(order.slice(0, 3)).toEqual(['aevt_4', 'aevt_8', 'aevt_9'])
    expect(
      events
        .slice(0, 5)
        .concat(events.slice(8))
        .every((e) => verifier.get(e)?.status === 'verified'),
    ).toBe(true)
    expect(verifier.get(events[6]!)).toBeUndefined()
    expect(notified).toBe(3)
  })

  it('checks each content once, however many copies of it are shown', async () => {
    const { backend, hashed } = counting()
    const verifier = createVerifier({ crypto: backend })
    verifier.request(events.slice(0, 4))
    verifier.request(events.slice(0, 4))
    await verifier.idle()
    // A refetch brings new objects with the same content: their results are known at once.
    const refetched = events.slice(0, 4).map((event) => structuredClone(event))
    expect(refetched.map((event) => verifier.get(event)?.status)).toEqual(Array(4).fill('unpinned'))
    verifier.request(refetched)
    await verifier.idle()
    expect(hashed).toHaveLength(4)
  })
})

describe('given the content cache has loaded, a large request', () => {
  it('sends its first batch before the content of the whole request is spelled', async () => {
    const read = new Set<number>()
    let readWhenFirstChecked: number | undefined
    const backend: CryptoBackend = {
      ...nobleBackend,
      name: 'watching',
      sha256: async (data) => {
        readWhenFirstChecked ??= read.size
        return nobleBackend.sha256(data)
      },
    }
    const verifier = createVerifier({ crypto: backend, batchSize: 4, maxQueued: 100, yieldToHost: async () => {} })
    verifier.request([events[0]!])
    await verifier.idle() // the content cache is loaded now
    readWhenFirstChecked = undefined
    // Each event tells when any of its members is read (spelling reads every one of them).
    const many = Array.from({ length: 40 }, (_, i) => {
      const { action, ...rest } = signer.sign(apiEvent({ id: `aevt_s${i}`, seq: i + 1 }))
      return Object.defineProperty(rest, 'action', {
        enumerable: true,
        get: () => (read.add(i), action),
      })
    })
    verifier.request(many)
    await verifier.idle()
    expect(readWhenFirstChecked).toBe(4) // the first batch only, not 40
    expect(many.every((event) => verifier.get(event)?.status === 'unpinned')).toBe(true)
  })
})

describe('given a genuine event was verified, a later copy under the same id and stored hash', () => {
  const genuine = events[0]!
  async function verifiedFirst() {
    const verifier = createVerifier({ trustedKeys: [signer.publicKey], yieldToHost: async () => {} })
    verifier.request([genuine])
    await verifier.idle()
    expect(verifier.get(genuine)?.status).toBe('verified')
    return verifier
  }

  it('with other content is not vouched for by the cache, and is found tampered when checked', async () => {
    const verifier = await verifiedFirst()
    const forged = { ...genuine, action: 'invoice.refunded' }
    expect(verifier.get(forged)).toBeUndefined()
    verifier.request([forged])
    await verifier.idle()
    expect(verifier.get(forged)).toMatchObject({ status: 'tampered', reason: 'payload-hash-mismatch' })
    expect(verifier.get(forged)?.payloadHash).not.toBe(genuine.payload_hash)
    expect(verifier.get(genuine)?.status).toBe('verified')
  })

  it('with a garbage signature is not vouched for by the cache', async () => {
    const verifier = await verifiedFirst()
    const forged = { ...genuine, signature: 'ab'.repeat(64) }
    expect(verifier.get(forged)).toBeUndefined()
    verifier.request([forged])
    await verifier.idle()
    expect(verifier.get(forged)?.status).toBe('tampered')
  })

  it('with the same members spelled as other JSON values gets its own result', async () => {
    const big = signer.sign(apiEvent({ id: 'aevt_big', metadata: { n: new LosslessNumber('1152921504606846976') } }))
    const verifier = createVerifier({ trustedKeys: [signer.publicKey], yieldToHost: async () => {} })
    verifier.request([big])
    await verifier.idle()
    expect(verifier.get(big)?.status).toBe('verified')
    // The same digits as a plain number (which cannot hold them) and -0 for 0 are other content.
    const plain = { ...big, metadata: { n: 2 ** 60 } }
    const negativeZero = signer.sign(apiEvent({ id: 'aevt_zero', metadata: { n: 0 } }))
    verifier.request([negativeZero])
    await verifier.idle()
    const flipped = { ...negativeZero, metadata: { n: -0 } }
    expect(verifier.get(plain)).toBeUndefined()
    expect(verifier.get(flipped)).toBeUndefined()
  })
})

describe('content that cannot be spelled as plain JSON', () => {
  it('is cached for the object itself only', async () => {
    const { backend, hashed } = counting()
    const verifier = createVerifier({ crypto: backend, yieldToHost: async () => {} })
    const dated = { ...events[1]!, metadata: { at: new Date(0) } }
    verifier.request([dated])
    await verifier.idle()
    expect(verifier.get(dated)?.status).toBe('tampered') // a Date is not what was signed
    const copy = { ...dated, metadata: { at: new Date(0) } }
    expect(verifier.get(copy)).toBeUndefined()
    expect(hashed).toHaveLength(1)
  })
})

describe('the content cache', () => {
  it('keeps the most recently used results up to maxCached', async () => {
    const verifier = createVerifier({ maxCached: 2, yieldToHost: async () => {} })
    verifier.request(events.slice(0, 3))
    await verifier.idle()
    const copy = (i: number) => structuredClone(events[i]!)
    expect(verifier.get(copy(0))).toBeUndefined() // the oldest was dropped
    expect(verifier.get(copy(1))?.status).toBe('unpinned')
    expect(verifier.get(copy(2))?.status).toBe('unpinned')
    // The objects that were checked keep their own results.
    expect(verifier.get(events[0]!)?.status).toBe('unpinned')
  })
})

describe('a long fling', () => {
  it('drops the oldest waiting requests, keeping the newest', async () => {
    const many = Array.from({ length: 20 }, (_, i) => signer.sign(apiEvent({ id: `aevt_f${i}`, seq: i + 1 })))
    const verifier = createVerifier({ maxQueued: 5, batchSize: 50, yieldToHost: async () => {} })
    for (const event of many) verifier.request([event])
    await verifier.idle()
    expect(many.filter((e) => verifier.get(e)).map((e) => e.id)).toEqual([
      'aevt_f15',
      'aevt_f16',
      'aevt_f17',
      'aevt_f18',
      'aevt_f19',
    ])
  })
})
