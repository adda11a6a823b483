/**
 * The checkpoint memory: given what a reader saw before, a later checkpoint is accepted only
 * when proven to extend it. Trees and proofs come from RFC 6962's definitions
 * (test/support/rfc6962.ts); checkpoints are signed as the ledger signs them.
 */
import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CheckpointMemory } from '../../../src/core/proof/checkpoint-memory.js'
import { createWebCryptoBackend } from '../../../src/core/verify/crypto.js'
import { signCheckpoint } from '../../../src/ledger/checkpoint-signer.js'
import { leaves, mth, subproof } from '../../support/rfc6962.js'

const backend = createWebCryptoBackend()
const origin = 'ledger.test/orgs/aorg_1'
const { publicKey, privateKey } = generateKeyPairSync('ed25519')
const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32))
const trust = { keys: [{ publicKey: raw }], origin }

const honest = leaves(40)
const rewritten = [...honest.slice(0, 10), new TextEncoder().encode('forged'), ...honest.slice(11)]

function note(data: Uint8Array[], size: number) {
  return signCheckpoint(
    { origin, size, rootHash: mth(data.slice(0, size)), time: 1_700_000_000_000 + size },
    privateKey,
    raw,
  )
}

/** A ledger serving proofs over `data`, recording what it was asked. */
function proofsOver(data: Uint8Array[]) {
  const asked: [number, number][] = []
  const fetch = async (first: number, second: number) => {
    asked.push([first, second])
    return subproof(first, data.slice(0, second), true)
  }
  return { fetch, asked }
}

function memory() {
  const store = new Map<string, string>()
  const storage = {
    get: (key: string) => store.get(key) ?? null,
    set: (key: string, value: string) => void store.set(key, value),
  }
  return { store, memory: new CheckpointMemory(storage, backend) }
}

describe('CheckpointMemory', () => {
  it('remembers the first checkpoint, then accepts one that the log grew into, by proof', async () => {
    const { memory: m } = memory()
    const { fetch, asked } = proofsOver(honest)
    expect(await m.observe(note(honest, 12), trust, fetch)).toMatchObject({ status: 'first', checkpoint: { size: 12 } })
    expect(await m.observe(note(honest, 30), trust, fetch)).toMatchObject({
      status: 'consistent',
      checkpoint: { size: 30 },
      previous: { size: 12 },
    })
    expect(asked).toEqual([[12, 30]])
    expect(await m.recall(origin)).toBe(note(honest, 30))
  })

  it('raises the alarm when the log rewrote an event it had already shown, and keeps the old view', async () => {
    const { memory: m } = memory()
    await m.observe(note(honest, 20), trust, proofsOver(honest).fetch)
    const outcome = await m.observe(note(rewritten, 25), trust, proofsOver(rewritten).fetch)
    expect(outcome).toMatchObject({ status: 'inconsistent', message: expect.stringMatching(/does not extend/) })
    expect(await m.recall(origin)).toBe(note(honest, 20))
  })

  it('raises the alarm for two different trees of one size (a forked view)', async () => {
    const { memory: m } = memory()
    await m.observe(note(honest, 20), trust, proofsOver(honest).fetch)
    const { fetch, asked } = proofsOver(rewritten)
    expect(await m.observe(note(rewritten, 20), trust, fetch)).toMatchObject({
      status: 'inconsistent',
      message: 'the log shows two different trees of 20 events',
    })
    expect(asked).toEqual([]) // equal sizes need no proof: the roots must simply match
  })

  it('accepts an older checkpoint that is a prefix of the remembered one as stale, keeping the newer', async () => {
    const { memory: m } = memory()
    const { fetch, asked } = proofsOver(honest)
    await m.observe(note(honest, 30), trust, fetch)
    expect(await m.observe(note(honest, 18), trust, fetch)).toMatchObject({ status: 'stale', previous: { size: 30 } })
    expect(asked).toEqual([[18, 30]])
    expect(await m.recall(origin)).toBe(note(honest, 30))
    // Truncation: a shorter log whose events differ from those seen is not stale but inconsistent.
    expect(await m.observe(note(rewritten, 18), trust, proofsOver(rewritten).fetch)).toMatchObject({
      status: 'inconsistent',
    })
  })

  it('stores nothing that did not verify, and decides nothing when the proof cannot be fetched', async () => {
    const { memory: m, store } = memory()
    const other = generateKeyPairSync('ed25519')
    const forged = signCheckpoint(
      { origin, size: 5, rootHash: mth(honest.slice(0, 5)), time: null },
      other.privateKey,
      raw,
    )
    expect(await m.observe(forged, trust, proofsOver(honest).fetch)).toMatchObject({ status: 'invalid' })
    expect(store.size).toBe(0)
    await m.observe(note(honest, 5), trust, proofsOver(honest).fetch)
    const down = async () => {
      throw new Error('offline')
    }
    expect(await m.observe(note(honest, 9), trust, down)).toMatchObject({ status: 'unavailable' })
    expect(await m.recall(origin)).toBe(note(honest, 5))
  })

  it('says it started afresh, never "first", when the remembered checkpoint no longer verifies', async () => {
    const { memory: m, store } = memory()
    expect(await m.observe(note(honest, 5), trust, proofsOver(honest).fetch)).toMatchObject({ status: 'first' })
    // A key rotation that dropped the old pin: what was remembered is signed by a key no longer trusted.
    const rotated = generateKeyPairSync('ed25519')
    const newRaw = new Uint8Array(rotated.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32))
    const newTrust = { keys: [{ publicKey: newRaw }], origin }
    const newNote = signCheckpoint(
      { origin, size: 9, rootHash: mth(honest.slice(0, 9)), time: null },
      rotated.privateKey,
      newRaw,
    )
    const outcome = await m.observe(newNote, newTrust, proofsOver(honest).fetch)
    expect(outcome).toMatchObject({ status: 'restarted', reason: 'unknown-key', checkpoint: { size: 9 } })
    expect(await m.recall(origin)).toBe(newNote)
    // Storage edited by hand: the remembered note is no longer well formed.
    store.set([...store.keys()][0]!, 'not a checkpoint')
    expect(await m.observe(newNote, newTrust, proofsOver(honest).fetch)).toMatchObject({
      status: 'restarted',
      reason: 'malformed',
    })
  })
})
