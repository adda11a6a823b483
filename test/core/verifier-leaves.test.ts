/**
 * verifyWithLeaves without workers (Node, `worker: false`, a CSP that forbids them, a crypto
 * object): how its batches share the main thread, and what a disposed verifier still checks.
 * The workers' side is in verifier-leaves.browser.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { createVerifier, nobleBackend, type CryptoBackend } from '../../src/core/index.js'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'

const signer = createSigner(VECTOR_SEED)
const events = Array.from({ length: 512 }, (_, i) => signer.sign(apiEvent({ id: `aevt_${i}`, seq: i + 1 })))

/** noble, counting the signatures it checks: a custom backend runs on the main thread, as noble does without workers. */
function countingNoble() {
  const seen = { checks: 0 }
  const backend: CryptoBackend = {
    name: 'counting-noble',
    sha256: (data) => nobleBackend.sha256(data),
    verifyEd25519: (...args) => {
      seen.checks++
      return nobleBackend.verifyEd25519(...args)
    },
  }
  return { backend, seen }
}

describe('given no workers, verifyWithLeaves', () => {
  it('checks one batch at a time, yielding to the host between batches', async () => {
    const { backend, seen } = countingNoble()
    const checksAtYield: number[] = []
    const verifier = createVerifier({
      trustedKeys: [signer.publicKey],
      worker: false,
      crypto: backend,
      yieldToHost: async () => {
        checksAtYield.push(seen.checks)
      },
    })
    // Two pages in flight, as the walk sends them.
    const checked = await Promise.all([
      verifier.verifyWithLeaves(events.slice(0, 256)),
      verifier.verifyWithLeaves(events.slice(256)),
    ])
    expect(checked.flat().filter((result) => result.status === 'verified')).toHaveLength(512)
    // Eight batches of 64, each finished and followed by a yield before the next began.
    expect(checksAtYield).toEqual([64, 128, 192, 256, 320, 384, 448, 512])
  })

  it('stops checking once disposed, and rejects', async () => {
    const { backend, seen } = countingNoble()
    let dispose = () => {}
    const verifier = createVerifier({
      trustedKeys: [signer.publicKey],
      worker: false,
      crypto: backend,
      yieldToHost: async () => dispose(),
    })
    dispose = () => verifier.dispose() // after the first batch
    await expect(verifier.verifyWithLeaves(events)).rejects.toThrow('the verifier was disposed')
    expect(seen.checks).toBe(64)
  })

  it('rejects at once when already disposed', async () => {
    const { backend, seen } = countingNoble()
    const verifier = createVerifier({ trustedKeys: [signer.publicKey], worker: false, crypto: backend })
    verifier.dispose()
    await expect(verifier.verifyWithLeaves(events.slice(0, 10))).rejects.toThrow('the verifier was disposed')
    expect(seen.checks).toBe(0)
  })
})
