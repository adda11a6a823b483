/**
 * A page's verifiers share their Web Workers (verifier-worker-pool.ts, shared-workers.ts), in
 * real Chromium: started when the first verifier is made, each verifier's pinned keys used for
 * its own batches only, stopped when the last verifier is disposed.
 */
import { describe, expect, it, vi } from 'vitest'
import { createVerifier, type Verifier } from '../../src/core/index.js'
import { defaultCreateWorker, type WorkerReply } from '../../src/core/verify/verifier-worker-pool.js'
import { apiEvent, createSigner, seedFrom, VECTOR_SEED } from '../support/signing.js'

const ledger = createSigner(VECTOR_SEED)
const other = createSigner(seedFrom(9), 'key_other')

/** The shipped worker, counting workers started and stopped and the events that reach them. */
function countingWorkers() {
  const seen = { started: 0, stopped: 0, events: 0 }
  const create = () => {
    const worker = defaultCreateWorker()
    seen.started++
    const post = worker.postMessage.bind(worker)
    worker.postMessage = (message: { type: string; events?: unknown[] }) => {
      if (message.type === 'verify') seen.events += message.events!.length
      post(message)
    }
    const terminate = worker.terminate.bind(worker)
    worker.terminate = () => {
      seen.stopped++
      terminate()
    }
    return worker
  }
  return { seen, create }
}

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

  it('keep their workers until the last verifier is disposed; a later verifier starts new ones', async () => {
    const { seen, create } = countingWorkers()
    const first = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 2 })
    const second = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 2 })
    await vi.waitFor(() => expect(seen.started).toBe(2))
    first.dispose()
    expect(seen.stopped).toBe(0)
    expect(await statuses(second, [ledger.sign(apiEvent({ id: 'aevt_after' }))])).toEqual(['verified'])
    expect(second.runsOn).toBe('worker')
    second.dispose()
    expect(seen.stopped).toBe(2)
    const third = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 2 })
    expect(await statuses(third, [ledger.sign(apiEvent({ id: 'aevt_third' }))])).toEqual(['verified'])
    expect(seen.started).toBe(4)
    third.dispose()
  })

  it('start separate workers for another crypto choice', async () => {
    const { seen, create } = countingWorkers()
    const webcrypto = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 1 })
    const noble = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 1, crypto: 'noble' })
    await vi.waitFor(() => expect(seen.started).toBe(2))
    webcrypto.dispose()
    noble.dispose()
    expect(seen.stopped).toBe(2)
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
})
