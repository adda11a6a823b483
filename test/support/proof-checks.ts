/**
 * What the checkpoint, proof and log-walk tests share: a real ledger with two orgs behind the
 * real proxy, the org's events as the API serves them, and core's checkers set up against the
 * keys a test trusts. The checks themselves stay in the tests.
 */
import { canonicalBytes, createWebCryptoBackend, KeyRing, verifyEvents } from '../../src/core/index.js'
import { verifyCheckpoint, type Checkpoint, type CheckpointTrust } from '../../src/core/proof/checkpoint.js'
import type { LogWalkOptions } from '../../src/core/proof/log-walk.js'
import { generateEvents } from '../../src/ledger/seed.js'
import type { EventFilters } from '../../src/protocol/filters.js'
import { startLedger, type TestLedger } from './ledger.js'
import { startProxy, type TestProxy } from './proxy.js'

/** The WebCrypto backend every proof check in Node uses. */
export const backend = createWebCryptoBackend()

/** A checkpoint's trust: every key of `ring`, the keys the test pinned or fetched. */
export const trustOf = (ring: KeyRing): CheckpointTrust => ({
  keys: ring.keys.map((key) => ({ publicKey: key.bytes })),
})

/** The signed checkpoint `note`, checked against `ring`; a note that does not verify throws its problem. */
export async function checkedCheckpoint(note: string, ring: KeyRing): Promise<Checkpoint> {
  const checked = await verifyCheckpoint(backend, note, trustOf(ring))
  if (!checked.ok) throw new Error(checked.message)
  return checked.checkpoint
}

/**
 * walkLog's checkers against `ring`, as the integrity panel sets them up: the ring's keys as
 * the checkpoint's trust, core's canonical bytes, and verifyEvents for each page.
 */
export function walkCheckers(ring: KeyRing): Pick<LogWalkOptions, 'trust' | 'backend' | 'canonicalBytes' | 'verify'> {
  return {
    trust: trustOf(ring),
    backend,
    canonicalBytes: (event) => canonicalBytes(event),
    verify: (events) => verifyEvents(events, { trustedKeys: ring, crypto: backend }),
  }
}

export interface TwoOrgs {
  ledger: TestLedger
  proxy: TestProxy
  /** The org the tests read as (`acme`). */
  acme: string
  /** Another org (`globex`) on the same ledger, whose events must never reach acme's reader. */
  other: string
  close(): Promise<void>
}

/**
 * A real ledger with `acme` and `globex`, each given seeded events (`[count, seed]`), behind a
 * real proxy: the setup of the tests that check what crosses the org boundary.
 */
export async function startTwoOrgs(acmeEvents: [number, number], otherEvents: [number, number]): Promise<TwoOrgs> {
  const ledger = await startLedger()
  const acme = ledger.ledger.createOrg('acme', 'Acme').id
  const other = ledger.ledger.createOrg('globex', 'Globex').id
  ledger.ledger.appendMany(acme, [...generateEvents(acmeEvents[0], { seed: acmeEvents[1] })])
  ledger.ledger.appendMany(other, [...generateEvents(otherEvents[0], { seed: otherEvents[1] })])
  const proxy = await startProxy({}, ledger)
  return {
    ledger,
    proxy,
    acme,
    other,
    async close() {
      await proxy.close()
      await ledger.close()
    },
  }
}

const ALL_EVENTS: EventFilters = { actions: [], actorId: null, targetId: null, from: null, to: null }

/** The org's newest `limit` events straight from the ledger's store, each with the exact text the API serves. */
export const storedEvents = (ledger: TestLedger, org: string, limit = 200) =>
  ledger.ledger.events
    .page(org, ALL_EVENTS, limit, null)
    .map((row) => ({ id: row.id, seq: row.seq, text: ledger.ledger.events.toJson(row) }))
