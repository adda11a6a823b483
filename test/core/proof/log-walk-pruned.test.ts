/**
 * Verify entire log over a log whose oldest events retention removed: the checkpoint answer's
 * pruned prefix (through the real proxy, from the real ledger) lets the walk reproduce the
 * signed root from the events that remain, and a forged prefix cannot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  canonicalBytes,
  createAuditClient,
  createWebCryptoBackend,
  KeyRing,
  verifyEvents,
  type AuditClient,
  verifyPruneMarker,
} from '../../../src/core/index.js'
import { walkLog } from '../../../src/core/proof/log-walk.js'
import { pruneProver } from '../../../src/core/proof/prune-proof.js'
import { generateEvents } from '../../../src/ledger/seed.js'
import type { PrunedPrefix } from '../../../src/protocol/proofs.js'
import { startLedger, type TestLedger } from '../../support/ledger.js'
import { startProxy, type TestProxy, testTokens } from '../../support/proxy.js'

const backend = createWebCryptoBackend()
let now = Date.parse('2026-01-01T00:00:00Z')
let ledger: TestLedger
let proxy: TestProxy
let client: AuditClient
let ring: KeyRing

beforeAll(async () => {
  ledger = await startLedger({ now: () => now, retentionIntervalMs: null })
  const org = ledger.ledger.createOrg('acme', 'Acme').id
  ledger.ledger.appendMany(org, [...generateEvents(21, { seed: 1 })])
  now += 40 * 86_400_000
  ledger.ledger.appendMany(org, [...generateEvents(9, { seed: 2 })])
  ledger.ledger.retention.setDays(org, 30)
  await ledger.ledger.retention.runPass()
  proxy = await startProxy({}, ledger)
  client = createAuditClient({
    baseUrl: `${proxy.url}/api/audit`,
    now: () => now,
    fetchToken: testTokens(`${proxy.url}/api/audit`, `${org}|u|audit:read`),
  })
  ring = new KeyRing(await client.getKeys())
})
afterAll(async () => {
  await proxy.close()
  await ledger.close()
})

const walk = (checkpoint: string, size: number, pruned: PrunedPrefix | null) =>
  walkLog({
    client,
    checkpoint,
    size,
    pruned,
    provePruned: pruneProver((marker) => verifyPruneMarker(marker, { trustedKeys: ring })),
    trust: { keys: ring.keys.map((key) => ({ publicKey: key.bytes })) },
    backend,
    canonicalBytes: (event) => canonicalBytes(event),
    verify: (events) => verifyEvents(events, { trustedKeys: ring, crypto: backend }),
  })

describe('walkLog after retention', () => {
  it('reproduces the signed root from the remaining events and the pruned prefix the checkpoint answer carries', async () => {
    const answer = (await client.getCheckpoint())!
    expect(answer.pruned).toMatchObject({ through_seq: 21 })
    expect(answer.pruned!.frontier).toHaveLength(3) // 21 = 16 + 4 + 1
    const report = await walk(answer.checkpoint, 30, answer.pruned!)
    expect(report).toMatchObject({ walked: 9, verified: 9, missing: 0, rootMatches: true, problems: [] })
  })

  it('calls the pruned seqs missing without the prefix, and refuses a forged one', async () => {
    const answer = (await client.getCheckpoint())!
    expect(await walk(answer.checkpoint, 30, null)).toMatchObject({ missing: 21, rootMatches: false })
    const forged = { ...answer.pruned!, frontier: answer.pruned!.frontier.map((h) => h.map((b) => b ^ 1)) }
    const report = await walk(answer.checkpoint, 30, forged)
    expect(report).toMatchObject({ missing: 0, rootMatches: false })
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'root-mismatch' })])
  })

  it('does not let a prefix claim more than its signed marker covers', async () => {
    const answer = (await client.getCheckpoint())!
    // Deleting seq 22 too and claiming 1..22 pruned: the marker signs 1..21 only.
    const claimed = { ...answer.pruned!, through_seq: 22 }
    const report = await walk(answer.checkpoint, 30, claimed)
    expect(report.rootMatches).toBe(false)
    expect(report.problems[0]).toMatchObject({
      kind: 'pruned-unproven',
      message: expect.stringMatching(/covers seqs 1 to 21, not 1 to 22/),
    })
  })
})
