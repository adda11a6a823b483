/**
 * Whether an export is the whole log (or provably part of it), with trees and proofs from
 * RFC 6962's definitions and checkpoints signed as the ledger signs them.
 */
import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ExportCompleteness } from '../../../src/core/proof/export-check.js'
import { createWebCryptoBackend } from '../../../src/core/verify/crypto.js'
import { signCheckpoint } from '../../../src/ledger/checkpoint-signer.js'
import type { ExportTrailer, InclusionAnswer } from '../../../src/protocol/proofs.js'
import { leaves, mth, path } from '../../support/rfc6962.js'

const backend = createWebCryptoBackend()
const origin = 'ledger.test/orgs/aorg_1'
const { publicKey, privateKey } = generateKeyPairSync('ed25519')
const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32))
const trust = { keys: [{ publicKey: raw }] }
const log = leaves(40)

const checkpointOf = (data: Uint8Array[], size: number) =>
  signCheckpoint({ origin, size, rootHash: mth(data.slice(0, size)), time: null }, privateKey, raw)

const trailer = (size: number, extra: Partial<ExportTrailer> = {}): ExportTrailer => ({
  checkpoint: checkpointOf(log, size),
  inclusion: null,
  pruned: null,
  ...extra,
})

/** Feed events (by seq) in the given order, as the CLI does line by line. */
async function collect(seqs: number[], data = log) {
  const check = new ExportCompleteness(backend)
  for (const seq of seqs) await check.add({ seq, id: `aevt_${seq}` }, data[seq - 1]!)
  return check
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('ExportCompleteness', () => {
  it('accepts a whole export in any order (the ledger writes newest first)', async () => {
    const report = await (await collect(range(1, 40).reverse())).check(trailer(40), trust)
    expect(report).toMatchObject({ filtered: false, problems: [], checkpoint: { origin, size: 40 } })
  })

  it('reports deleted events and a truncated tail as missing ranges', async () => {
    const seqs = range(1, 37).filter((s) => s !== 5 && !(s >= 7 && s <= 9))
    const report = await (await collect(seqs)).check(trailer(40), trust)
    expect(report.problems).toEqual([
      { kind: 'seq-missing', from: 5, to: 5 },
      { kind: 'seq-missing', from: 7, to: 9 },
      { kind: 'seq-missing', from: 38, to: 40 },
    ])
  })

  it('reports a duplicate, an event beyond the checkpoint, and a rewritten event', async () => {
    const check = await collect([...range(1, 30), 12, 31])
    const report = await check.check(trailer(30), trust)
    expect(report.problems).toContainEqual({ kind: 'seq-duplicate', seq: 12 })
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'outside-checkpoint', seq: 31 }))

    const forged = [...log]
    forged[9] = new TextEncoder().encode('rewritten')
    const rewritten = await (await collect(range(1, 40), forged)).check(trailer(40), trust)
    expect(rewritten.problems).toEqual([expect.objectContaining({ kind: 'root-mismatch' })])
  })

  // The marker's own checks (signature, org, seqs) are pruneProver's: here one that accepts
  // exactly the marker it is handed, to test how the prefix is used.
  const marker = { schema: 'auditlens.prune/1' }
  const proves = async (given: unknown) => (given === marker ? null : 'a marker nobody signed')

  it('checks an export whose oldest events were pruned, from the trailer’s frontier and a proven marker', async () => {
    const frontier = [mth(log.slice(0, 8)), mth(log.slice(8, 10))] // 10 = 8 + 2
    const prefix = (f: Uint8Array[], m: unknown = marker) => ({ pruned: { through_seq: 10, frontier: f, marker: m } })
    const ok = await (await collect(range(11, 40))).check(trailer(40, prefix(frontier)), trust, undefined, proves)
    expect(ok).toMatchObject({ problems: [], pruned: 10 })
    const wrong = [mth(log.slice(0, 8)), mth(log.slice(7, 9))]
    const bad = await (await collect(range(11, 40))).check(trailer(40, prefix(wrong)), trust, undefined, proves)
    expect(bad.problems).toEqual([expect.objectContaining({ kind: 'root-mismatch' })])
    const misfit = await (
      await collect(range(11, 40))
    ).check(trailer(40, prefix([frontier[0]!])), trust, undefined, proves)
    expect(misfit.problems).toEqual([
      expect.objectContaining({ kind: 'root-mismatch', message: expect.stringMatching(/pruned prefix/) }),
    ])
  })

  it('never takes "these were pruned" on the trailer’s word: a deleted head stays missing', async () => {
    // Someone deletes events 1..10 of a whole export and writes a prefix that hashes right
    // (its frontier is computable from the file itself): without a verified marker, they are missing.
    const frontier = [mth(log.slice(0, 8)), mth(log.slice(8, 10))]
    for (const [given, prove] of [
      [{ forged: true }, proves],
      [marker, undefined],
    ] as const) {
      const report = await (
        await collect(range(11, 40))
      ).check(trailer(40, { pruned: { through_seq: 10, frontier, marker: given } }), trust, undefined, prove)
      expect(report.pruned).toBe(0)
      expect(report.problems).toEqual([
        expect.objectContaining({
          kind: 'pruned-unproven',
          message: expect.stringMatching(/^seqs 1 to 10 .*not proven/),
        }),
        { kind: 'seq-missing', from: 1, to: 10 },
      ])
    }
    // A prefix longer than the log, standing in for all of it with the checkpoint's own root.
    const all = await (
      await collect([])
    ).check(trailer(40, { pruned: { through_seq: 64, frontier: [mth(log)], marker } }), trust, undefined, proves)
    expect(all.problems[0]).toMatchObject({
      kind: 'pruned-unproven',
      message: expect.stringMatching(/more than the checkpoint/),
    })
  })

  it('checks a filtered export event by event, by inclusion proof', async () => {
    const picked = [3, 17, 33]
    const inclusion = new Map<string, InclusionAnswer>(
      picked.map((seq) => [`aevt_${seq}`, { index: seq - 1, size: 40, proof: path(seq - 1, log) }]),
    )
    expect((await (await collect(picked)).check(trailer(40, { inclusion }), trust)).problems).toEqual([])

    inclusion.delete('aevt_17')
    inclusion.set('aevt_33', { index: 31, size: 40, proof: path(31, log) }) // another leaf's proof
    const report = await (await collect(picked)).check(trailer(40, { inclusion }), trust)
    expect(report).toMatchObject({ filtered: true })
    expect(report.problems.map((p) => p.kind === 'not-in-checkpoint' && p.eventId)).toEqual(['aevt_17', 'aevt_33'])
  })

  it('checks that the log only grew since an earlier checkpoint, from the leaves', async () => {
    const whole = await collect(range(1, 40))
    expect((await whole.check(trailer(40), trust, checkpointOf(log, 25))).problems).toEqual([])

    const other = [...log]
    other[3] = new TextEncoder().encode('what the reader saw then')
    const rewritten = await whole.check(trailer(40), trust, checkpointOf(other, 25))
    expect(rewritten.problems).toEqual([
      expect.objectContaining({ kind: 'inconsistent', message: expect.stringMatching(/first 25 events .* rewritten/) }),
    ])
    const shrank = await (await collect(range(1, 30))).check(trailer(30), trust, checkpointOf(log, 35))
    expect(shrank.problems).toEqual([
      expect.objectContaining({ kind: 'inconsistent', message: expect.stringMatching(/shrank/) }),
    ])
  })

  it('trusts no checkpoint that does not verify against the pinned keys', async () => {
    const stranger = generateKeyPairSync('ed25519')
    const forged = signCheckpoint({ origin, size: 40, rootHash: mth(log), time: null }, stranger.privateKey, raw)
    const report = await (
      await collect(range(1, 40))
    ).check({ checkpoint: forged, inclusion: null, pruned: null }, trust)
    expect(report).toMatchObject({ checkpoint: null, problems: [{ kind: 'checkpoint-invalid' }] })
  })

  it('catches a same-size fork against an earlier checkpoint even when the export is filtered', async () => {
    const forked = [...log]
    forked[2] = new TextEncoder().encode('rewritten under the same key')
    const inclusion = new Map<string, InclusionAnswer>([['aevt_3', { index: 2, size: 40, proof: path(2, forked) }]])
    const check = await collect([3], forked)
    const report = await check.check(
      { checkpoint: checkpointOf(forked, 40), inclusion, pruned: null },
      trust,
      checkpointOf(log, 40),
    )
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'inconsistent', message: expect.stringMatching(/two different logs of 40/) }),
    ])
  })
})
