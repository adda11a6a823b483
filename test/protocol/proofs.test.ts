/** The completeness extension's decoders take only what the shapes allow. */
import { describe, expect, it } from 'vitest'
import { toBase64 } from '../../src/protocol/base64.js'
import {
  decodeCheckpointAnswer,
  decodeConsistencyAnswer,
  decodeExportTrailer,
  decodeInclusionAnswer,
} from '../../src/protocol/proofs.js'
import { isTrailerLine } from '../../src/protocol/trailer-line.js'

const h = (byte: number) => toBase64(new Uint8Array(32).fill(byte))

describe('proof decoders', () => {
  it('decode proofs of 32-byte base64 hashes, and nothing else', () => {
    expect(decodeConsistencyAnswer({ proof: [h(1), h(2)] })?.map((x) => x[0])).toEqual([1, 2])
    expect(decodeConsistencyAnswer({ proof: [] })).toEqual([])
    for (const bad of [
      null,
      {},
      { proof: 'x' },
      { proof: [h(1).slice(4)] },
      { proof: [h(1).replace(/=$/, '')] },
      { proof: [7] },
    ])
      expect(decodeConsistencyAnswer(bad)).toBeNull()
    expect(decodeConsistencyAnswer({ proof: Array(129).fill(h(1)) })).toBeNull()
    expect(decodeInclusionAnswer({ index: 2, size: 5, proof: [h(3)] })).toMatchObject({ index: 2, size: 5 })
    for (const bad of [
      { index: 5, size: 5, proof: [] },
      { index: -1, size: 5, proof: [] },
      { index: 1.5, size: 5, proof: [] },
    ])
      expect(decodeInclusionAnswer(bad)).toBeNull()
  })

  it('tell a trailer line from an event line and decode it strictly', () => {
    expect(isTrailerLine({ checkpoint: 'x' })).toBe(true)
    expect(isTrailerLine({ checkpoint: 'x', id: 'aevt_1' })).toBe(false)
    expect(decodeExportTrailer({ checkpoint: 'note' })).toEqual({ checkpoint: 'note', inclusion: null, pruned: null })
    const full = decodeExportTrailer({
      checkpoint: 'note',
      inclusion: { aevt_1: { index: 0, size: 3, proof: [h(1)] } },
      pruned: { through_seq: 2, frontier: [h(9)], marker: { schema: 'auditlens.prune/1' } },
    })
    expect(full?.inclusion?.get('aevt_1')?.index).toBe(0)
    expect(full?.pruned?.through_seq).toBe(2)
    for (const bad of [
      { checkpoint: 1 },
      { checkpoint: 'note', extra: true },
      { checkpoint: 'note', inclusion: [] },
      { checkpoint: 'note', inclusion: { a: { index: 0, size: 1, proof: ['!'] } } },
      { checkpoint: 'note', pruned: { through_seq: -1, frontier: [] } },
    ])
      expect(decodeExportTrailer(bad)).toBeNull()
  })

  it('decode a checkpoint answer with or without its pruned prefix, and nothing malformed', () => {
    expect(decodeCheckpointAnswer({ checkpoint: 'note', origin: 'x' })).toEqual({ checkpoint: 'note' })
    const withPrefix = decodeCheckpointAnswer({
      checkpoint: 'note',
      pruned: { through_seq: 3, frontier: [h(1), h(2)], marker: { schema: 'auditlens.prune/1' } },
    })
    expect(withPrefix?.pruned?.frontier.map((x) => x[0])).toEqual([1, 2])
    for (const pruned of [
      { through_seq: 3 },
      { through_seq: -1, frontier: [], marker: {} },
      { through_seq: 1, frontier: ['x'], marker: {} },
      { through_seq: 1, frontier: [h(1)] },
    ])
      expect(decodeCheckpointAnswer({ checkpoint: 'note', pruned })).toBeNull()
  })
})
