import { describe, expect, it } from 'vitest'
import { createVerifier, nobleBackend, type CryptoBackend } from '../../src/core/index.js'
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

  it('checks each event once, keyed by id and payload hash', async () => {
    const { backend, hashed } = counting()
    const verifier = createVerifier({ crypto: backend })
    verifier.request(events.slice(0, 4))
    verifier.request(events.slice(0, 4))
    await verifier.idle()
    verifier.request(events.slice(0, 4))
    await verifier.idle()
    expect(hashed).toHaveLength(4)
    // A changed event under the same id is a different entry and is checked again.
    const changed = { ...events[0]!, payload_hash: '0'.repeat(64) }
    verifier.request([changed])
    await verifier.idle()
    expect(verifier.get(changed)?.status).toBe('tampered')
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
