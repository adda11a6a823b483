/**
 * The integrity monitor against real ledgers over real HTTP (through the token proxy and the
 * proof forwarder), with storage a Map that outlives each "visit" (a new monitor per visit, as
 * after a reload). Forks are real: two databases sharing a history and a signing key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWebCryptoBackend, KeyRing, type AuditClient } from '../../../src/core/index.js'
import { createIntegrityMonitor, type LoadedLog } from '../../../src/core/proof/integrity-monitor.js'
import { integrityDefaults } from '../../../src/core/proof/integrity-defaults.js'
import type { CheckpointStorage } from '../../../src/core/proof/checkpoint-memory.js'
import { startLedger } from '../../support/ledger.js'
import { startForkedLedgers, type ForkedLedgers } from '../../support/forked-ledgers.js'
import { proofClient, startForwardingProxy, type ForwardingProxy } from '../../support/proof-forwarder.js'
import { createSigner, seedFrom } from '../../support/signing.js'

const backend = createWebCryptoBackend()
let fork: ForkedLedgers
let proxy: ForwardingProxy
let store: Map<string, string>
let now = Date.parse('2026-11-20T12:00:00Z')
const storage: CheckpointStorage = { get: (k) => store.get(k) ?? null, set: (k, v) => void store.set(k, v) }

beforeEach(async () => {
  fork = await startForkedLedgers(30)
  proxy = await startForwardingProxy(fork.a, fork.orgId)
  store = new Map()
})
afterEach(async () => {
  await proxy.close()
  await fork.close()
})

const clientFor = (withProofs = true): AuditClient => proofClient(proxy, fork.orgId, () => now, withProofs)

/** One visit: load the newest page, then check. */
async function visit(options: { withProofs?: boolean; keyRing?: KeyRing; loaded?: LoadedLog } = {}) {
  const client = clientFor(options.withProofs)
  const keyRing = options.keyRing ?? new KeyRing(await client.getKeys())
  const loaded = options.loaded ?? { events: (await client.listEvents({ limit: 50 })).events, fromHead: true }
  const monitor = createIntegrityMonitor({ client, keyRing, backend, storage, ...integrityDefaults(keyRing, backend) })
  const seen: string[] = []
  monitor.subscribe(() => seen.push(monitor.getSnapshot().status))
  const snapshot = await monitor.check(loaded)
  expect(monitor.getSnapshot()).toBe(snapshot)
  return { snapshot, seen }
}

describe('with checkpoints', () => {
  it('given a first visit, says complete up to the signed size and remembers it; a later visit with more events is consistent', async () => {
    const first = await visit()
    expect(first.seen).toEqual(['checking', 'complete'])
    expect(first.snapshot).toMatchObject({ status: 'complete', size: 30, firstSeenAt: now })
    expect(first.snapshot.note).toMatch(/\n30\n/)
    const firstSeen = now
    now += 86_400_000
    fork.append(fork.a, 4)
    const second = await visit()
    expect(second.snapshot).toMatchObject({ status: 'complete', size: 34, firstSeenAt: firstSeen, problem: null })
  })

  it('given a same-key fork after a visit, raises the alarm with both checkpoints and the failed proof', async () => {
    fork.append(fork.a, 3)
    fork.append(fork.b, 5)
    await visit()
    proxy.swap(fork.b)
    const { snapshot } = await visit()
    expect(snapshot.status).toBe('alarm')
    expect(snapshot.problem).toEqual({ kind: 'forked', size: 35, previousSize: 33 })
    expect(snapshot.evidence?.previousCheckpoint).toMatch(/\n33\n/)
    expect(snapshot.evidence?.checkpoint).toMatch(/\n35\n/)
    expect(snapshot.evidence?.proof).toMatchObject({ type: 'consistency', first: 33, second: 35 })
    expect(snapshot.evidence?.proof?.hashes.length).toBeGreaterThan(0)
    // Nothing forked was remembered: the alarm is raised again on the next visit.
    expect((await visit()).snapshot.problem?.kind).toBe('forked')
  })

  it('given the newest events removed (tail truncation), raises the alarm', async () => {
    fork.append(fork.a, 3)
    await visit()
    now += 60_000
    proxy.swap(fork.b)
    const { snapshot } = await visit()
    expect(snapshot.problem).toEqual({ kind: 'truncated', size: 30, previousSize: 33 })
  })

  it('given the whole log deleted (no checkpoint any more), raises the alarm', async () => {
    await visit()
    const keyRing = new KeyRing(await clientFor().getKeys())
    const empty = await startLedger()
    try {
      proxy.swap(empty)
      const { snapshot } = await visit({ keyRing, loaded: { events: [], fromHead: true } })
      expect(snapshot.problem).toEqual({ kind: 'deleted' })
      expect(snapshot.evidence?.previousCheckpoint).toMatch(/\n30\n/)
    } finally {
      proxy.swap(fork.a)
      await empty.close()
    }
  })

  it('given a checkpoint not signed by a pinned key, raises the alarm and remembers nothing', async () => {
    const { snapshot } = await visit({ keyRing: new KeyRing([{ publicKey: createSigner(seedFrom(7)).publicKey }]) })
    expect(snapshot.problem?.kind).toBe('bad-checkpoint')
    expect([...store.keys()]).toEqual([])
  })

  it('given a loaded event that is not in the signed tree, raises the alarm', async () => {
    fork.append(fork.a, 2)
    const fromA = (await clientFor().listEvents({ limit: 5 })).events
    proxy.swap(fork.b) // b signs 30 events; a's newest is #32
    expect((await visit({ loaded: { events: fromA, fromHead: true } })).snapshot.problem).toEqual({
      kind: 'beyond-checkpoint',
      seq: 32,
      size: 30,
    })
    store.clear()
    fork.append(fork.b, 2) // now b's #32 is another event than a's
    expect((await visit({ loaded: { events: fromA, fromHead: true } })).snapshot.problem).toEqual({
      kind: 'not-included',
      seq: 32,
      size: 32,
    })
  })
})

describe('without checkpoints', () => {
  it('says so, remembers verified events, and alarms when one of them changed on a later visit', async () => {
    fork.append(fork.a, 3)
    fork.append(fork.b, 3)
    const first = await visit({ withProofs: false })
    expect(first.snapshot).toMatchObject({ status: 'no-checkpoints', firstSeenAt: now })
    expect((await visit({ withProofs: false })).snapshot.status).toBe('no-checkpoints')
    proxy.swap(fork.b)
    const { snapshot } = await visit({ withProofs: false })
    expect(snapshot.status).toBe('alarm')
    expect(snapshot.problem).toEqual({ kind: 'event-changed', seq: 33 })
    expect(snapshot.evidence?.events).toHaveLength(3)
  })

  it('alarms when the newest events seen before are gone', async () => {
    fork.append(fork.a, 3)
    await visit({ withProofs: false })
    proxy.swap(fork.b)
    expect((await visit({ withProofs: false })).snapshot.problem).toEqual({
      kind: 'truncated',
      size: 30,
      previousSize: 33,
    })
  })
})
