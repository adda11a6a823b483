/**
 * A page's verifiers share their Web Workers (verifier-worker-pool.ts, shared-workers.ts), in
 * real Chromium: started when the first verifier is made, each verifier's pinned keys and
 * crypto used for its own batches only, stopped a grace period after the last verifier is
 * disposed (stepped by hand here: the grace's timer is injected).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createVerifier, type Verifier } from '../../src/core/index.js'
import { setWorkerGrace } from '../../src/core/verify/shared-workers.js'
import { countingWorkers, manualGrace } from '../support/counting-workers.js'
import { defaultCreateWorker, type WorkerReply } from '../../src/core/verify/verifier-worker-pool.js'
import { apiEvent, createSigner, seedFrom, VECTOR_SEED } from '../support/signing.js'

const ledger = createSigner(VECTOR_SEED)
const other = createSigner(seedFrom(9), 'key_other')

let grace: ReturnType<typeof manualGrace>
beforeEach(() => void (grace = manualGrace()))
afterEach(() => {
  grace.end() // no test leaves workers running for the next
  grace.restore()
})

async function statuses(verifier: Verifier, events: Record<string, unknown>[]) {
  verifier.request(events)
  await verifier.idle()
  return events.map((event) => verifier.get(event)?.status)
}

describe('verifiers on one page', () => {
  it('start their workers when the first verifier is made, before anything is asked', async () => {
    const { seen, create } = countingWorkers()
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 2 })
    await vi.waitFor(() => expect(seen.started).toBe(2))
    expect(seen.events).toBe(0)
    verifier.dispose()
  })

  it('share workers, and each judges its events by its own pinned keys only', async () => {
    const { seen, create } = countingWorkers()
    const options = { worker: create, workerCount: 2, maxQueued: 400 }
    const byLedger = createVerifier({ ...options, trustedKeys: [ledger.publicKey] })
    const byOther = createVerifier({ ...options, trustedKeys: [other.publicKey] })
    // Both key rings configured in the workers before either verifier sends its batches, and
    // then both verifiers' batches in flight on the same workers at once.
    expect(await statuses(byOther, [other.sign(apiEvent({ id: 'aevt_first' }))])).toEqual(['verified'])
    expect(await statuses(byLedger, [other.sign(apiEvent({ id: 'aevt_first' }))])).toEqual(['untrusted'])
    const fromLedger = Array.from({ length: 100 }, (_, i) => ledger.sign(apiEvent({ id: `aevt_l${i}`, seq: i + 1 })))
    const fromOther = Array.from({ length: 100 }, (_, i) => other.sign(apiEvent({ id: `aevt_o${i}`, seq: i + 1 })))
    const mixed = fromLedger.flatMap((event, i) => [event, fromOther[i]!])
    const [judgedByLedger, judgedByOther] = await Promise.all([statuses(byLedger, mixed), statuses(byOther, mixed)])
    expect(judgedByLedger).toEqual(mixed.map((_, i) => (i % 2 === 0 ? 'verified' : 'untrusted')))
    expect(judgedByOther).toEqual(mixed.map((_, i) => (i % 2 === 0 ? 'untrusted' : 'verified')))
    expect(seen.started).toBe(2)
    expect(seen.events).toBe(402) // all checked in the workers, none on this thread
    byLedger.dispose()
    byOther.dispose()
  })

  it('answer a disposed verifier’s batches still waiting in a worker without checking them', async () => {
    const { seen, replies, create } = countingWorkers()
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 1, maxQueued: 600 })
    verifier.request(Array.from({ length: 512 }, (_, i) => ledger.sign(apiEvent({ id: `aevt_${i}`, seq: i + 1 }))))
    await vi.waitFor(() => expect(seen.events).toBe(512)) // eight batches sent to the one worker
    verifier.dispose()
    await vi.waitFor(() => expect(replies).toHaveLength(8), { timeout: 5000 })
    // Those begun before the worker read `forget` were checked; the rest were answered unchecked.
    // (The checked ones answer after the key proof, so the unchecked may come back first.)
    expect(replies.filter((type) => type === 'results').length).toBeGreaterThan(0)
    expect(replies.filter((type) => type === 'failed').length).toBeGreaterThan(0)
  })

  it('keep their workers until the grace after the last verifier is disposed; a later verifier starts new ones', async () => {
    const { seen, create } = countingWorkers()
    const first = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 2 })
    const second = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 2 })
    await vi.waitFor(() => expect(seen.started).toBe(2))
    first.dispose()
    expect(grace.pending).toHaveLength(0)
    expect(await statuses(second, [ledger.sign(apiEvent({ id: 'aevt_after' }))])).toEqual(['verified'])
    expect(second.runsOn).toBe('worker')
    second.dispose()
    expect(seen.stopped).toBe(0) // the last release only starts the grace
    expect(grace.pending).toHaveLength(1)
    grace.end()
    expect(seen.stopped).toBe(2)
    const third = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 2 })
    expect(await statuses(third, [ledger.sign(apiEvent({ id: 'aevt_third' }))])).toEqual(['verified'])
    expect(seen.started).toBe(4)
    third.dispose()
    grace.end()
  })

  it('given the last verifier disposed and a new one made within the grace (a key-ring change), keep the same workers', async () => {
    const { seen, create } = countingWorkers()
    const before = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 2 })
    await vi.waitFor(() => expect(seen.started).toBe(2))
    before.dispose()
    const after = createVerifier({ trustedKeys: [other.publicKey], worker: create, workerCount: 2 })
    expect(await statuses(after, [other.sign(apiEvent({ id: 'aevt_rotated' }))])).toEqual(['verified'])
    expect(after.runsOn).toBe('worker')
    expect(grace.pending).toHaveLength(0) // called off when the new verifier took the workers
    expect(seen).toMatchObject({ started: 2, stopped: 0, events: 1 })
    after.dispose()
    grace.end()
    expect(seen.stopped).toBe(2)
  })

  it('stop their workers by the default timer once the grace has passed', async () => {
    grace.restore()
    const restore = setWorkerGrace({ ms: 20 })
    const { seen, create } = countingWorkers()
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 2 })
    await vi.waitFor(() => expect(seen.started).toBe(2))
    verifier.dispose()
    expect(seen.stopped).toBe(0)
    await vi.waitFor(() => expect(seen.stopped).toBe(2))
    restore()
  })

  it('share one set of workers across crypto choices, each verifier checked with its own crypto and keys', async () => {
    const { seen, configured, batches, create } = countingWorkers()
    const webcrypto = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 1 })
    const noble = createVerifier({ trustedKeys: [other.publicKey], worker: create, workerCount: 1, crypto: 'noble' })
    const event = other.sign(apiEvent({ id: 'aevt_either' }))
    expect(await statuses(noble, [event])).toEqual(['verified'])
    expect(await statuses(webcrypto, [structuredClone(event)])).toEqual(['untrusted'])
    expect(seen.started).toBe(1)
    // Each verifier's ring was configured with its own crypto, and its batch named its own ring.
    expect(configured.map(({ crypto }) => crypto)).toEqual(['auto', 'noble'])
    expect(batches).toEqual([configured[1]!.ring, configured[0]!.ring])
    webcrypto.dispose()
    noble.dispose()
    grace.end()
    expect(seen.stopped).toBe(1)
  })
})

describe('a verification worker', () => {
  it('refuses a batch for a key ring it was not given, rather than judging it under another', async () => {
    const worker = defaultCreateWorker()
    const reply = new Promise<WorkerReply>((resolve) => worker.addEventListener('message', (e) => resolve(e.data)))
    worker.postMessage({ type: 'configure', ring: 1, trustedKeys: [{ publicKey: ledger.publicKey }], crypto: 'auto' })
    worker.postMessage({ type: 'verify', id: 7, ring: 2, events: [{ value: ledger.sign(apiEvent()) }] })
    expect(await reply).toEqual({ type: 'failed', id: 7, message: 'no key ring configured' })
    worker.terminate()
  })

  it('checks each key ring with the crypto configured for it, not with the last one configured', async () => {
    const worker = defaultCreateWorker()
    const replies: WorkerReply[] = []
    const both = new Promise<void>((resolve) =>
      worker.addEventListener('message', (e: MessageEvent<WorkerReply>) => replies.push(e.data) === 2 && resolve()),
    )
    const trustedKeys = [{ publicKey: ledger.publicKey }]
    worker.postMessage({ type: 'configure', ring: 1, trustedKeys, crypto: 'noble' })
    // A crypto choice this worker cannot resolve: only the ring it was given for may fail.
    worker.postMessage({ type: 'configure', ring: 2, trustedKeys, crypto: 'none-such' })
    worker.postMessage({ type: 'verify', id: 1, ring: 1, events: [{ value: ledger.sign(apiEvent()) }] })
    worker.postMessage({ type: 'verify', id: 2, ring: 2, events: [{ value: ledger.sign(apiEvent()) }] })
    await both
    const byId = new Map(replies.map((reply) => [reply.id, reply]))
    expect(byId.get(1)).toMatchObject({ type: 'results', results: { outcomes: [{ status: 'verified' }] } })
    expect(byId.get(2)).toMatchObject({ type: 'failed', message: expect.stringMatching(/crypto must be/) })
    worker.terminate()
  })
})
