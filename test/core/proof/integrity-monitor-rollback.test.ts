/**
 * The integrity monitor against a replayed older answer (a unit test of the monitor: the client
 * is a stand-in serving genuine checkpoints and RFC 6962 proofs, test/support/rfc6962.ts).
 * Nothing needs a key to replay yesterday's checkpoint beside a list cut to match it.
 */
import { describe, expect, it } from 'vitest'
import {
  canonicalBytes,
  createWebCryptoBackend,
  KeyRing,
  type AuditClient,
  type AuditEvent,
} from '../../../src/core/index.js'
import { integrityDefaults } from '../../../src/core/proof/integrity-defaults.js'
import { createIntegrityMonitor } from '../../../src/core/proof/integrity-monitor.js'
import { signCheckpoint } from '../../../src/ledger/checkpoint-signer.js'
import { privateKeyFromSeed } from '../../support/node-keys.js'
import { mth, path, subproof } from '../../support/rfc6962.js'
import { apiEvent, createSigner, VECTOR_SEED } from '../../support/signing.js'

const backend = createWebCryptoBackend()
const signer = createSigner(VECTOR_SEED, 'key_1')
const privateKey = privateKeyFromSeed(VECTOR_SEED)
const ORG = 'aorg_01JTEST0000000000000000000'
const origin = `ledger.test/orgs/${ORG}`
const events = Array.from({ length: 12 }, (_, i) =>
  signer.sign(apiEvent({ id: `aevt_${i + 1}`, seq: i + 1, org_id: ORG })),
) as unknown as AuditEvent[]
const leaves = events.map((event) => canonicalBytes(event))
const T = Date.UTC(2026, 10, 29)
const note = (size: number, time: number) =>
  signCheckpoint(
    { origin, size, rootHash: mth(leaves.slice(0, size)), time },
    privateKey,
    Buffer.from(signer.publicKey, 'hex'),
  )
const keyRing = new KeyRing([signer.publicKey])

function visit(
  storage: { get(k: string): string | null; set(k: string, v: string): void },
  checkpoint: string,
  newest: number,
) {
  const client = {
    token: async () => ({ token: 't', expires_at: new Date(T + 864e5).toISOString(), org_id: ORG }),
    platform: { now: () => T + 10 * 864e5 },
    getCheckpoint: async () => ({ checkpoint }),
    getConsistency: async (a: number, b: number) => subproof(a, leaves.slice(0, b), true),
    getInclusion: async (id: string, size: number) => {
      const index = events.findIndex((event) => event.id === id)
      return { index, size, proof: path(index, leaves.slice(0, size)) }
    },
  } as unknown as AuditClient
  const monitor = createIntegrityMonitor({ client, keyRing, backend, storage, ...integrityDefaults(keyRing, backend) })
  return monitor.check({ events: events.slice(0, newest).reverse(), fromHead: true })
}

describe('the integrity monitor and an older checkpoint', () => {
  it('alarms when yesterday’s checkpoint comes back with a list cut to match it', async () => {
    const store = new Map<string, string>()
    const storage = { get: (k: string) => store.get(k) ?? null, set: (k: string, v: string) => void store.set(k, v) }
    expect(await visit(storage, note(12, T), 12)).toMatchObject({ status: 'complete', size: 12 })
    const replayed = await visit(storage, note(6, T - 864e5), 6)
    expect(replayed).toMatchObject({ status: 'alarm', problem: { kind: 'truncated', size: 6, previousSize: 12 } })
  })

  it('says nothing calm about a merely out-of-date checkpoint beside a full list', async () => {
    const store = new Map<string, string>()
    const storage = { get: (k: string) => store.get(k) ?? null, set: (k: string, v: string) => void store.set(k, v) }
    await visit(storage, note(12, T), 12)
    const stale = await visit(storage, note(6, T - 864e5), 12)
    expect(stale.status).toBe('unavailable')
    expect(stale.message).toMatch(/older checkpoint \(6 events\) than this browser saw \(12\)/)
  })
})
