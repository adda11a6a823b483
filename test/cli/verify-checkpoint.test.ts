/**
 * `auditlens verify` with checkpoint trailers, run as users run it (the built binary). Trees
 * and proofs come from RFC 6962's definitions (test/support/rfc6962.ts) over the events'
 * canonical bytes; checkpoints are signed as the ledger signs them.
 * `npm test` builds first (pretest); run `npm run build` before running this file alone.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { canonicalBytes } from '../../src/core/index.js'
import { signCheckpoint } from '../../src/ledger/checkpoint-signer.js'
import { toBase64 } from '../../src/protocol/base64.js'
import { runCli } from '../support/cli.js'
import { mth, path } from '../support/rfc6962.js'
import { privateKeyFromSeed } from '../support/node-keys.js'
import { apiEvent, createSigner, seedFrom, VECTOR_SEED } from '../support/signing.js'

const ledger = createSigner(VECTOR_SEED, 'key_1')
const ledgerKey = privateKeyFromSeed(VECTOR_SEED)
const strangerKey = privateKeyFromSeed(seedFrom(9))
const publicKey = Buffer.from(ledger.publicKey, 'hex')
const origin = 'ledger.test/orgs/aorg_01JTEST0000000000000000000'
const dir = mkdtempSync(join(tmpdir(), 'auditlens-cli-checkpoint-'))

const events = Array.from({ length: 12 }, (_, i) => ledger.sign(apiEvent({ id: `aevt_${i + 1}`, seq: i + 1 })))
const leafData = events.map((event) => canonicalBytes(event))
const checkpoint = (size: number, data = leafData, key = ledgerKey) =>
  signCheckpoint({ origin, size, rootHash: mth(data.slice(0, size)), time: Date.UTC(2026, 10, 29) }, key, publicKey)

/** An export file: the given events, newest first as the ledger writes them, then the trailer. */
function exportFile(name: string, seqs: number[], trailer: unknown): string {
  const lines = [...seqs].reverse().map((seq) => JSON.stringify(events[seq - 1]))
  if (trailer !== null) lines.push(JSON.stringify(trailer))
  const file = join(dir, name)
  writeFileSync(file, lines.join('\n') + '\n')
  return file
}
const all = Array.from({ length: 12 }, (_, i) => i + 1)
const verify = (file: string, ...args: string[]) => runCli(['verify', file, '--trusted-key', ledger.publicKey, ...args])

describe('auditlens verify with a checkpoint trailer', () => {
  it('says a whole export is complete: every seq once and the root of the signed checkpoint', async () => {
    const result = await verify(exportFile('whole.ndjson', all, { checkpoint: checkpoint(12) }))
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toBe(
      `Checkpoint: complete, seq 1 to 12 each once and the root matches ${origin} as of 2026-11-29T00:00:00.000Z.\n` +
        '12 events: 12 verified\n',
    )
  })

  it('names deleted events and a truncated tail, and exits 1', async () => {
    const seqs = all.filter((seq) => seq !== 4 && seq < 11)
    const result = await verify(exportFile('holes.ndjson', seqs, { checkpoint: checkpoint(12) }))
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('MISSING seq 4.\nMISSING seq 11 to 12.\n9 events: 9 verified\n')
  })

  it('refuses a checkpoint signed by a key that is not pinned, and a rewritten history', async () => {
    const forged = await verify(exportFile('forged.ndjson', all, { checkpoint: checkpoint(12, leafData, strangerKey) }))
    expect(forged.code).toBe(1)
    expect(forged.stdout).toMatch(/^CHECKPOINT INVALID: .*does not verify/)

    const other = [...leafData]
    other[2] = new TextEncoder().encode('the event as it was first signed')
    const rewritten = await verify(exportFile('rewritten.ndjson', all, { checkpoint: checkpoint(12, other) }))
    expect(rewritten.code).toBe(1)
    expect(rewritten.stdout).toMatch(/^ROOT MISMATCH: /)
  })

  it('--checkpoint OLD: passes when the log only grew, and fails when what was seen then was rewritten', async () => {
    const file = exportFile('grown.ndjson', all, { checkpoint: checkpoint(12) })
    const old = join(dir, 'old.json')
    writeFileSync(old, JSON.stringify({ checkpoint: checkpoint(7) }))
    const grown = await verify(file, '--checkpoint', old)
    expect(grown.code).toBe(0)
    expect(grown.stdout).toMatch(/The log only grew since the earlier checkpoint\./)

    const other = [...leafData]
    other[5] = new TextEncoder().encode('what the auditor saw last quarter')
    const seen = join(dir, 'seen.txt')
    writeFileSync(seen, checkpoint(7, other)) // the bare note works too
    const rewritten = await verify(file, '--checkpoint', seen)
    expect(rewritten.code).toBe(1)
    expect(rewritten.stdout).toMatch(/^INCONSISTENT with the earlier checkpoint: the first 7 events/)
  })

  it('checks a filtered export by each event’s inclusion proof', async () => {
    const picked = [2, 5, 9]
    const inclusion = Object.fromEntries(
      picked.map((seq) => [`aevt_${seq}`, { index: seq - 1, size: 12, proof: path(seq - 1, leafData).map(toBase64) }]),
    )
    const ok = await verify(exportFile('filtered.ndjson', picked, { checkpoint: checkpoint(12), inclusion }))
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/^Checkpoint: every event is proven in /)

    const { aevt_5: _dropped, ...partial } = inclusion
    const missing = await verify(
      exportFile('unproven.ndjson', picked, { checkpoint: checkpoint(12), inclusion: partial }),
    )
    expect(missing.code).toBe(1)
    expect(missing.stdout).toMatch(/^NOT IN CHECKPOINT: event aevt_5 \(seq 5\)/)
  })

  it('--require-checkpoint fails a file without a trailer; without it, such a file passes as before', async () => {
    const file = exportFile('plain.ndjson', all, null)
    expect((await verify(file)).code).toBe(0)
    const required = await verify(file, '--require-checkpoint')
    expect(required.code).toBe(1)
    expect(required.stdout).toMatch(/^No checkpoint: the file has no checkpoint trailer/)
  })

  it('reports a trailer that is not the last line, or is malformed', async () => {
    const lines = [JSON.stringify({ checkpoint: checkpoint(12) }), ...events.map((e) => JSON.stringify(e))]
    const early = join(dir, 'early.ndjson')
    writeFileSync(early, lines.join('\n') + '\n')
    const result = await verify(early)
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^line 1: MALFORMED \(no id\): a checkpoint trailer must be the last line/)

    const bad = await verify(exportFile('bad-trailer.ndjson', all, { checkpoint: checkpoint(12), inclusion: [] }))
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/^line 13: the checkpoint trailer is malformed\./)
  })
})

describe('auditlens verify --remember', () => {
  it('remembers the checkpoint of a whole export, then requires the next to extend it', async () => {
    const memory = join(dir, 'memory.json')
    const first = await verify(
      exportFile('seen-7.ndjson', all.slice(0, 7), { checkpoint: checkpoint(7) }),
      '--remember',
      memory,
    )
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/Remembered this checkpoint in .*memory\.json\./)
    expect(JSON.parse(readFileSync(memory, 'utf8'))).toEqual({ [origin]: checkpoint(7) })

    const grown = await verify(exportFile('seen-12.ndjson', all, { checkpoint: checkpoint(12) }), '--remember', memory)
    expect(grown.code).toBe(0)
    expect(grown.stdout).toMatch(/The log only grew since the earlier checkpoint\./)
    expect(JSON.parse(readFileSync(memory, 'utf8'))).toEqual({ [origin]: checkpoint(12) })

    // The operator rewrites event 3, re-signs it and the checkpoint with the same key: the file
    // is consistent with itself, and only the remembered checkpoint shows the history changed.
    const rewrittenEvents = events.map((event, i) =>
      i === 2 ? ledger.sign(apiEvent({ id: 'aevt_3', seq: 3, action: 'invoice.voided' })) : event,
    )
    const rewrittenLeaves = rewrittenEvents.map((event) => canonicalBytes(event))
    const file = join(dir, 'rewritten-remembered.ndjson')
    const lines = [...rewrittenEvents].reverse().map((event) => JSON.stringify(event))
    writeFileSync(file, [...lines, JSON.stringify({ checkpoint: checkpoint(12, rewrittenLeaves) })].join('\n') + '\n')
    expect((await verify(file)).code).toBe(0) // on its own, the rewritten export checks out
    const rewritten = await verify(file, '--remember', memory)
    expect(rewritten.code).toBe(1)
    expect(rewritten.stdout).toMatch(/^INCONSISTENT with the earlier checkpoint: the first 12 events are not the ones/m)
    expect(JSON.parse(readFileSync(memory, 'utf8'))).toEqual({ [origin]: checkpoint(12) })
  })

  it('refuses --remember without pinned keys, and next to --checkpoint', async () => {
    const file = exportFile('plain-remember.ndjson', all, { checkpoint: checkpoint(12) })
    expect((await runCli(['verify', file, '--remember', join(dir, 'm.json')])).code).toBe(2)
    expect((await verify(file, '--remember', join(dir, 'm.json'), '--checkpoint', join(dir, 'old.json'))).code).toBe(2)
  })
})

describe('auditlens verify and pruned prefixes', () => {
  it('does not accept a deleted head dressed up as pruned by retention', async () => {
    // Events 1..11 deleted from a real export; the prefix's subtree roots are computable from
    // the file alone, and the "marker" is whatever the editor writes.
    const frontier = [mth(leafData.slice(0, 8)), mth(leafData.slice(8, 10)), mth(leafData.slice(10, 11))].map(toBase64)
    for (const marker of [{}, { schema: 'auditlens.prune/1', org_id: 'aorg_x', pruned_through_seq: 11 }]) {
      const file = exportFile('head-deleted.ndjson', [12], {
        checkpoint: checkpoint(12),
        pruned: { through_seq: 11, frontier, marker },
      })
      const result = await verify(file, '--require-checkpoint')
      expect(result.code).toBe(1)
      expect(result.stdout).toMatch(
        /^PRUNED PREFIX NOT PROVEN: seqs 1 to 11 are said to be removed by retention, but not proven: /,
      )
      expect(result.stdout).toMatch(/^MISSING seq 1 to 11\.$/m)
    }
  })
})

describe('auditlens verify --require-complete', () => {
  it('fails an export whose trailer makes it "filtered", which proves each event but not the whole log', async () => {
    // Events 2..11 dropped from a whole export, and inclusion proofs written for the two left.
    const inclusion = Object.fromEntries(
      [1, 12].map((seq) => [`aevt_${seq}`, { index: seq - 1, size: 12, proof: path(seq - 1, leafData).map(toBase64) }]),
    )
    const file = exportFile('made-filtered.ndjson', [1, 12], { checkpoint: checkpoint(12), inclusion })
    expect((await verify(file, '--require-checkpoint')).code).toBe(0)
    const strict = await verify(file, '--require-complete')
    expect(strict.code).toBe(1)
    expect(strict.stdout).toMatch(/^NOT COMPLETE: the export is filtered/m)
    expect(
      (await verify(exportFile('whole-strict.ndjson', all, { checkpoint: checkpoint(12) }), '--require-complete')).code,
    ).toBe(0)
  })
})

describe('auditlens verify --origin', () => {
  it('fails a genuine checkpoint of another log signed by the same ledger key', async () => {
    const file = exportFile('origin.ndjson', all, { checkpoint: checkpoint(12) })
    expect((await verify(file, '--origin', origin)).code).toBe(0)
    const other = await verify(file, '--origin', 'ledger.test/orgs/aorg_01JOTHER000000000000000000')
    expect(other.code).toBe(1)
    expect(other.stdout).toMatch(/^CHECKPOINT INVALID: .*is for "ledger\.test\/orgs\/aorg_01JTEST/)
  })
})
