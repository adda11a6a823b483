/** The Merkle verifiers against RFC 6962 §2.1's own recursive definitions (test/support/rfc6962.ts). */
import { describe, expect, it } from 'vitest'
import { createWebCryptoBackend, nobleBackend } from '../../../src/core/verify/crypto.js'
import {
  leafHash,
  MerkleFrontier,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../../src/core/proof/merkle.js'
import { leaves, mth, path, sha, subproof } from '../../support/rfc6962.js'

const flip = (hash: Hash) => {
  const copy = hash.slice()
  copy[0]! ^= 1
  return copy
}

describe.each([
  ['webcrypto', createWebCryptoBackend()],
  ['noble', nobleBackend],
])('Merkle proofs (%s)', (_name, backend) => {
  it('builds the RFC 6962 root leaf by leaf, for every size up to 70', async () => {
    const frontier = new MerkleFrontier(backend)
    expect(await frontier.root()).toEqual(mth([]))
    const data = leaves(70)
    for (let n = 1; n <= data.length; n++) {
      await frontier.push(await leafHash(backend, data[n - 1]!))
      expect(frontier.size).toBe(n)
      expect(await frontier.root(), `size ${n}`).toEqual(mth(data.slice(0, n)))
    }
  })

  // The two exhaustive checks (every index of every size to 64) outlast vitest's 5 s default
  // on a loaded 2-core machine, so they get 30 s: a timeout, not a speed assertion.
  it('accepts every RFC inclusion proof up to size 64, and refuses it for another leaf, index or root, or with a step missing or added', async () => {
    for (let n = 1; n <= 64; n++) {
      const data = leaves(n)
      const root = mth(data)
      for (let m = 0; m < n; m++) {
        const leaf = sha(Uint8Array.of(0), data[m]!)
        const proof = path(m, data)
        expect(await verifyInclusion(backend, m, n, leaf, proof, root), `leaf ${m} of ${n}`).toBe(true)
        expect(await verifyInclusion(backend, m, n, flip(leaf), proof, root)).toBe(false)
        expect(await verifyInclusion(backend, m, n, leaf, proof, flip(root))).toBe(false)
        if (n > 1) expect(await verifyInclusion(backend, (m + 1) % n, n, leaf, proof, root)).toBe(false)
        if (proof.length > 0) {
          expect(await verifyInclusion(backend, m, n, leaf, proof.slice(1), root)).toBe(false)
          expect(await verifyInclusion(backend, m, n, leaf, [...proof, proof[0]!], root)).toBe(false)
        }
      }
    }
  }, 30_000)

  it('refuses impossible inclusion claims', async () => {
    const data = leaves(4)
    const leaf = sha(Uint8Array.of(0), data[0]!)
    expect(await verifyInclusion(backend, 4, 4, leaf, path(0, data), mth(data))).toBe(false)
    expect(await verifyInclusion(backend, -1, 4, leaf, path(0, data), mth(data))).toBe(false)
    expect(await verifyInclusion(backend, 0, 0, leaf, [], mth([]))).toBe(false)
  })

  it('accepts every RFC consistency proof up to size 64, and refuses altered ones', async () => {
    for (let n = 1; n <= 64; n++) {
      const data = leaves(n)
      const root2 = mth(data)
      for (let m = 1; m <= n; m++) {
        const root1 = mth(data.slice(0, m))
        const proof = subproof(m, data, true)
        expect(await verifyConsistency(backend, m, n, proof, root1, root2), `${m} -> ${n}`).toBe(true)
        expect(await verifyConsistency(backend, m, n, proof, flip(root1), root2)).toBe(false)
        expect(await verifyConsistency(backend, m, n, proof, root1, flip(root2))).toBe(false)
        if (proof.length > 0) {
          expect(await verifyConsistency(backend, m, n, [flip(proof[0]!), ...proof.slice(1)], root1, root2)).toBe(false)
          expect(await verifyConsistency(backend, m, n, proof.slice(0, -1), root1, root2)).toBe(false)
        }
        if (m < n)
          expect(await verifyConsistency(backend, m, n - 1, proof, root1, mth(data.slice(0, n - 1)))).toBe(false)
      }
    }
  }, 30_000)

  it('handles the edges: empty first tree, equal sizes, a shrinking log', async () => {
    const data = leaves(5)
    expect(await verifyConsistency(backend, 0, 5, [], mth([]), mth(data))).toBe(true)
    expect(await verifyConsistency(backend, 0, 5, [mth(data)], mth([]), mth(data))).toBe(false)
    expect(await verifyConsistency(backend, 5, 5, [], mth(data), mth(data))).toBe(true)
    expect(await verifyConsistency(backend, 5, 5, [], mth(data), mth(data.slice(0, 4)))).toBe(false)
    expect(await verifyConsistency(backend, 5, 4, [], mth(data), mth(data.slice(0, 4)))).toBe(false)
    expect(await verifyConsistency(backend, 3, 5, [], mth(data.slice(0, 3)), mth(data))).toBe(false)
  })
})
