/**
 * When this browser's memory of a log cannot be used any more (attack L2): a remembered
 * checkpoint that no longer verifies (a key rotation dropped its pin, or storage was edited),
 * one that is gone, or an unreadable record. The monitor starts afresh and says so in its
 * state, with the date the earlier record was from, never as an alarm and never silently: on
 * the visit of the restart, and on later ones until one confirms the log against the memory
 * begun then.
 * Real ledger over real HTTP, storage a Map that outlives each visit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWebCryptoBackend, KeyRing, type AuditClient } from '../../../src/core/index.js'
import type { CheckpointStorage } from '../../../src/core/proof/checkpoint-memory.js'
import { integrityDefaults } from '../../../src/core/proof/integrity-defaults.js'
import { createIntegrityMonitor } from '../../../src/core/proof/integrity-monitor.js'
import { startForkedLedgers, type ForkedLedgers } from '../../support/forked-ledgers.js'
import { proofClient, startForwardingProxy, type ForwardingProxy } from '../../support/proof-forwarder.js'
import { createSigner, VECTOR_SEED } from '../../support/signing.js'

const backend = createWebCryptoBackend()
const DAY = 86_400_000
let fork: ForkedLedgers
let proxy: ForwardingProxy
let store: Map<string, string>
let now: number
const storage: CheckpointStorage = { get: (k) => store.get(k) ?? null, set: (k, v) => void store.set(k, v) }
const checkpointKey = () => [...store.keys()].find((k) => k.startsWith('auditlens.checkpoint:'))!
const recordKey = () => [...store.keys()].find((k) => k.startsWith('auditlens.integrity:'))!

beforeEach(async () => {
  fork = await startForkedLedgers(12)
  proxy = await startForwardingProxy(fork.a, fork.orgId)
  store = new Map()
  now = Date.parse('2026-11-02T09:30:00Z')
})
afterEach(async () => {
  await proxy.close()
  await fork.close()
})

const clientFor = (withProofs = true): AuditClient => proofClient(proxy, fork.orgId, () => now, withProofs)

/** A visit a day after the last, with its monitor; `keyRing` defaults to every key the service lists. */
async function open(options: { keyRing?: KeyRing; withProofs?: boolean } = {}) {
  now += DAY
  const client = clientFor(options.withProofs)
  const keyRing = options.keyRing ?? new KeyRing(await client.getKeys())
  const monitor = createIntegrityMonitor({ client, keyRing, backend, storage, ...integrityDefaults(keyRing, backend) })
  /** One check, as the panel runs on the first rows and again when new events arrive. */
  const check = async () => monitor.check({ events: (await client.listEvents({ limit: 50 })).events, fromHead: true })
  return { check }
}

/** One visit with one check. */
const visit = async (options: Parameters<typeof open>[0] = {}) => (await open(options)).check()

describe('a memory that cannot be used any more', () => {
  it('given a key rotation that dropped the old pin, starts afresh and says from when the earlier record was', async () => {
    const first = await visit()
    expect(first).toMatchObject({ status: 'complete', restarted: null })
    const firstSeen = first.firstSeenAt
    const rotated = fork.a.ledger.keys.rotate()
    fork.append(fork.a, 2)
    // The host now pins only the new key: the remembered checkpoint, signed by the old one, cannot be checked.
    const onlyNew = new KeyRing([{ publicKey: rotated.public_key }])
    const second = await visit({ keyRing: onlyNew })
    expect(second).toMatchObject({
      status: 'complete',
      size: 14,
      problem: null,
      firstSeenAt: now,
      restarted: { from: firstSeen, at: now, reason: 'unverifiable' },
    })
    // The next visit proves the log consistent with the memory begun at the restart: from then
    // on the line's own date says how far back its claim goes, and the note is not repeated.
    const restartedAt = now
    fork.append(fork.a, 1)
    expect(await visit({ keyRing: onlyNew })).toMatchObject({
      status: 'complete',
      size: 15,
      firstSeenAt: restartedAt,
      restarted: null,
    })
    expect(JSON.parse(store.get(recordKey())!)).toMatchObject({ firstSeenAt: restartedAt, restarted: null })
    expect(await visit({ keyRing: onlyNew })).toMatchObject({ firstSeenAt: restartedAt, restarted: null })
  })

  it('keeps saying so for the rest of the visit of the restart, though its later checks prove consistency', async () => {
    const firstSeen = (await visit()).firstSeenAt
    store.set(checkpointKey(), store.get(checkpointKey())!.replace(/\n12\n/, '\n11\n'))
    const restartVisit = await open()
    const restarted = { from: firstSeen, at: now, reason: 'unverifiable' }
    expect(await restartVisit.check()).toMatchObject({ status: 'complete', size: 12, restarted })
    fork.append(fork.a, 2) // the live tail brings new events: checked again, consistent with the new memory
    expect(await restartVisit.check()).toMatchObject({ status: 'complete', size: 14, restarted })
    expect(await visit()).toMatchObject({ status: 'complete', size: 14, restarted: null })
  })

  it('keeps saying so on later visits that could not confirm the log, until one does', async () => {
    const firstSeen = (await visit()).firstSeenAt
    store.delete(checkpointKey())
    const restarted = { from: firstSeen, at: now + DAY, reason: 'missing' }
    expect(await visit()).toMatchObject({ restarted })
    // The service cannot prove the newer tree consistent with the remembered one (its proof
    // endpoint fails): nothing is confirmed, and the record keeps the restart.
    fork.append(fork.a, 1)
    proxy.failConsistency(true)
    expect(await visit()).toMatchObject({ status: 'unavailable' })
    expect(JSON.parse(store.get(recordKey())!)).toMatchObject({ restarted })
    proxy.failConsistency(false)
    expect(await visit()).toMatchObject({ status: 'complete', size: 13, restarted: null })
  })

  it('given the remembered checkpoint edited in storage, starts afresh instead of raising an alarm', async () => {
    const firstSeen = (await visit()).firstSeenAt
    store.set(checkpointKey(), store.get(checkpointKey())!.replace(/\n12\n/, '\n11\n'))
    expect(await visit()).toMatchObject({
      status: 'complete',
      problem: null,
      restarted: { from: firstSeen, at: now, reason: 'unverifiable' },
    })
  })

  it('given the remembered checkpoint gone while the record names the log, says so', async () => {
    const firstSeen = (await visit()).firstSeenAt
    store.delete(checkpointKey())
    expect(await visit()).toMatchObject({
      status: 'complete',
      firstSeenAt: now,
      restarted: { from: firstSeen, at: now, reason: 'missing' },
    })
  })

  it('keeps the restart on record when a later visit proves consistency but its newest event’s inclusion cannot be fetched', async () => {
    const firstSeen = (await visit()).firstSeenAt
    store.delete(checkpointKey())
    const restarted = { from: firstSeen, at: now + DAY, reason: 'missing' }
    expect(await visit()).toMatchObject({ restarted })
    fork.append(fork.a, 1)
    proxy.failInclusion(true)
    expect(await visit()).toMatchObject({ status: 'unavailable' })
    expect(JSON.parse(store.get(recordKey())!)).toMatchObject({ restarted })
    proxy.failInclusion(false)
    expect(await visit()).toMatchObject({ status: 'complete', size: 13, restarted: null })
    expect(JSON.parse(store.get(recordKey())!)).toMatchObject({ restarted: null })
  })

  it('given an unreadable record and no checkpoint to compare with, says the earlier record could not be read', async () => {
    await visit()
    store.delete(checkpointKey())
    store.set(recordKey(), '{"firstSeenAt": "yesterday"}')
    expect(await visit()).toMatchObject({
      status: 'complete',
      restarted: { from: null, at: now, reason: 'unreadable' },
    })
  })

  it('given an unreadable record but an intact checkpoint memory, still compares and claims no restart', async () => {
    await visit()
    store.set(recordKey(), 'garbage')
    expect(await visit()).toMatchObject({ status: 'complete', firstSeenAt: now, restarted: null })
  })

  it('without checkpoints, an unreadable record of seen events is a restart too', async () => {
    await visit({ withProofs: false })
    store.set(recordKey(), '[]')
    expect(await visit({ withProofs: false })).toMatchObject({
      status: 'no-checkpoints',
      restarted: { from: null, at: now, reason: 'unreadable' },
    })
    // The next visit finds the events seen since the restart unchanged: the note has been answered.
    expect(await visit({ withProofs: false })).toMatchObject({ status: 'no-checkpoints', restarted: null })
  })

  it('without checkpoints, keeps the restart when the visit of the restart remembered no verified event', async () => {
    await visit({ withProofs: false })
    store.set(recordKey(), '[]')
    // The restart visit's events do not verify (the host pins another key): nothing is
    // remembered that a later visit could compare.
    const otherKey = new KeyRing([{ publicKey: createSigner(VECTOR_SEED).publicKey }])
    const restarted = { from: null, at: now + DAY, reason: 'unreadable' }
    expect(await visit({ withProofs: false, keyRing: otherKey })).toMatchObject({ restarted })
    expect(JSON.parse(store.get(recordKey())!)).toMatchObject({ seen: { hashes: [] } })
    expect(await visit({ withProofs: false })).toMatchObject({ status: 'no-checkpoints', restarted })
    // That visit's events verified and were remembered: the next one finds them unchanged.
    expect(await visit({ withProofs: false })).toMatchObject({ status: 'no-checkpoints', restarted: null })
  })

  it('given a first visit, is no restart', async () => {
    expect(await visit()).toMatchObject({ status: 'complete', restarted: null })
    store.clear()
    expect(await visit({ withProofs: false })).toMatchObject({ status: 'no-checkpoints', restarted: null })
  })
})
