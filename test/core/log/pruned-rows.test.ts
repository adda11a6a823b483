/**
 * Given an org whose retention removed seqs 1..N, the log model shows one "pruned" row under
 * the oldest event, but only for a marker verified against pinned keys; otherwise the missing
 * head stays a gap (an alarm).
 */
import * as ed from '@noble/ed25519'
import { bytesToHex } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import {
  createLogModel,
  verifyPruneMarker,
  type AuditClient,
  type AuditEvent,
  type LogModelOptions,
  type PruneMarkerCheck,
} from '../../../src/core/index.js'
import { pruneMarkerBytes } from '../../../src/core/verify/prune-marker.js'
import { createSigner, VECTOR_SEED } from '../../support/signing.js'

// The window's code (page-window.ts: re-fetch, live tail, the prune marker) loads on demand;
// loaded up front here, one flush covers it as it does in a page where the first rows already
// requested it. on-demand.test.ts checks what happens before it has loaded.
await import('../../../src/core/log/page-window.js')

const signer = createSigner(VECTOR_SEED)
const event = (seq: number, org = 'aorg_1'): AuditEvent =>
  ({ id: `aevt_${seq}`, seq, org_id: org, action: 'a.b' }) as unknown as AuditEvent

function marker(through: number, org = 'aorg_1') {
  const fields = {
    org_id: org,
    pruned_through_seq: through,
    pruned_at: '2026-11-01T00:00:00.000Z',
    retention_days: 30,
    cutoff: '2026-10-02T00:00:00.000Z',
    key_id: 'akey_1',
  }
  const signature = bytesToHex(ed.sign(pruneMarkerBytes(fields), VECTOR_SEED))
  return { schema: 'auditlens.prune/1', ...fields, signing_public_key: signer.publicKey, signature }
}

const verified = (raw: unknown) => verifyPruneMarker(raw, { trustedKeys: [signer.publicKey] })

/** A model over a client that answers pages from `pages` in order (`null` cursor on the last). */
async function loaded(pages: AuditEvent[][], options: LogModelOptions = {}, read = pages.length) {
  let index = 0
  const client = {
    listEvents: async () => {
      const events = pages[index++] ?? []
      return { events, nextCursor: index < pages.length ? `c${index}` : null }
    },
  } as unknown as AuditClient
  const model = createLogModel(client, options)
  model.start()
  for (let i = 0; i < read; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0))
    if (i < read - 1) await model.loadNext()
  }
  return model
}

const kinds = (rows: Iterable<{ kind: string; event?: AuditEvent }>) =>
  [...rows].map((row) => (row.kind === 'event' ? row.event!.seq : row.kind))

describe('the pruned head of the log', () => {
  it('is a gap without a marker', async () => {
    const model = await loaded([[event(6), event(5), event(4)]])
    expect(kinds(model.getSnapshot().rows)).toEqual([6, 5, 4, 'gap'])
    expect(model.getSnapshot().gaps).toEqual([{ from: 1, to: 3, afterEventId: 'aevt_4' }])
  })

  it('is one pruned row, and no gap, with a verified marker', async () => {
    const model = await loaded([[event(6), event(5), event(4)]], { pruneMarker: await verified(marker(3)) })
    const snapshot = model.getSnapshot()
    expect(kinds(snapshot.rows)).toEqual([6, 5, 4, 'pruned'])
    expect(snapshot.gaps).toEqual([])
    expect(snapshot.pruned).toEqual({ from: 1, to: 3, prunedAt: '2026-11-01T00:00:00.000Z', retentionDays: 30 })
  })

  it('takes a marker pushed in later through setOptions', async () => {
    const model = await loaded([[event(5), event(4)]])
    model.setOptions({ pruneMarker: await verified(marker(3)) })
    expect(kinds(model.getSnapshot().rows)).toEqual([5, 4, 'pruned'])
  })

  it('stays a gap for a tampered, unpinned, hand-made or other org’s marker', async () => {
    const tampered = await verified({ ...marker(3), pruned_through_seq: 5 })
    const unpinned = await verifyPruneMarker(marker(3))
    const forged = { status: 'verified', marker: { ...marker(3) }, keyId: undefined } as PruneMarkerCheck
    const otherOrg = await verified(marker(3, 'aorg_2'))
    expect(otherOrg.status).toBe('verified')
    for (const pruneMarker of [tampered, unpinned, forged, otherOrg]) {
      const model = await loaded([[event(5), event(4)]], { pruneMarker })
      expect(kinds(model.getSnapshot().rows)).toEqual([5, 4, 'gap'])
    }
  })

  it('still reports missing seqs above the pruned range', async () => {
    const model = await loaded([[event(9), event(6)]], { pruneMarker: await verified(marker(3)) })
    expect(model.getSnapshot().gaps).toEqual([
      { from: 7, to: 8, afterEventId: 'aevt_9' },
      { from: 4, to: 5, afterEventId: 'aevt_6' },
    ])
    expect(kinds(model.getSnapshot().rows)).toEqual([9, 'gap', 6, 'gap', 'pruned'])
  })

  it('shows no pruned row while older pages remain', async () => {
    const pruneMarker = await verified(marker(3))
    const model = await loaded(
      [
        [event(9), event(8)],
        [event(7), event(4)],
      ],
      { pruneMarker },
      1,
    )
    expect(model.getSnapshot().pruned).toBeNull()
    expect(kinds(model.getSnapshot().rows)).toEqual([9, 8, 'loader'])
    await model.loadNext()
    expect(kinds(model.getSnapshot().rows)).toEqual([9, 8, 7, 'gap', 4, 'pruned'])
  })
})
