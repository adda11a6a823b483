/**
 * verifyWithLeaves in real Chromium, as Verify entire log uses it: each event's verdict and its
 * RFC 6962 leaf hash from the worker that checked the same canonical bytes, outside the badges'
 * bounded queue.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { canonicalBytes, createVerifier, verifyEvents } from '../../src/core/index.js'
import { countingWorkers, manualGrace } from '../support/counting-workers.js'
import { defaultCreateWorker } from '../../src/core/verify/verifier-worker-pool.js'
import { apiEvent, createSigner, seedFrom, VECTOR_SEED } from '../support/signing.js'

const ledger = createSigner(VECTOR_SEED)
const stranger = createSigner(seedFrom(7), 'key_stranger')

/** RFC 9162 section 2.1.1, with the browser's own SHA-256 (not the code under test). */
async function expectedLeaf(event: unknown): Promise<Uint8Array> {
  const bytes = canonicalBytes(event)
  const data = new Uint8Array(bytes.length + 1)
  data.set(bytes, 1)
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data))
}

let grace: ReturnType<typeof manualGrace>
beforeEach(() => void (grace = manualGrace()))
afterEach(() => {
  grace.end() // no test leaves workers running for the next
  grace.restore()
})

const signed = (count: number) =>
  Array.from({ length: count }, (_, i) => ledger.sign(apiEvent({ id: `aevt_${i}`, seq: i + 1 })))

describe('verifyWithLeaves in Chromium', () => {
  it('gives the queue’s verdicts with each leaf hashed in the worker from the bytes it checked', async () => {
    const tampered = ledger.sign(apiEvent({ id: 'aevt_tampered', seq: 2 }))
    const events: Record<string, unknown>[] = [
      ledger.sign(apiEvent({ id: 'aevt_ok', seq: 1 })),
      { ...tampered, metadata: { plan: 'enterprise' } },
      stranger.sign(apiEvent({ id: 'aevt_foreign', seq: 3 })),
    ]
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey] })
    const checked = await verifier.verifyWithLeaves(events)
    expect(verifier.runsOn).toBe('worker')
    const onMainThread = await verifyEvents(events, { trustedKeys: [ledger.publicKey] })
    expect(checked.map(({ leafHash: _, ...result }) => result)).toEqual(onMainThread)
    expect(checked.map((result) => result.status)).toEqual(['verified', 'tampered', 'untrusted'])
    // The tampered event's leaf is of the bytes served, which is what the tree check needs.
    for (const [i, event] of events.entries()) expect(checked[i]!.leafHash).toEqual(await expectedLeaf(event))
    expect(events.map((event) => verifier.get(event)?.status)).toEqual(['verified', 'tampered', 'untrusted'])
    verifier.dispose()
  })

  it('leaves the leaf to the caller for an event checked on this thread', async () => {
    const local = { ...ledger.sign(apiEvent({ id: 'aevt_fn' })), metadata: { callback: () => 1 } }
    const plain = ledger.sign(apiEvent({ id: 'aevt_plain' }))
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey] })
    const [fromHere, fromWorker] = await verifier.verifyWithLeaves([local, plain])
    expect(fromHere).toMatchObject({ status: 'malformed', leafHash: null })
    expect(fromWorker!.leafHash).toEqual(await expectedLeaf(plain))
    verifier.dispose()
  })

  it('checks every event it is given, however many more than the badges’ queue holds', async () => {
    const events = Array.from({ length: 600 }, (_, i) => ledger.sign(apiEvent({ id: `aevt_${i}`, seq: i + 1 })))
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey], maxQueued: 10 })
    const checked = await verifier.verifyWithLeaves(events)
    expect(checked.filter((result) => result.status === 'verified' && result.leafHash?.length === 32)).toHaveLength(600)
    verifier.dispose()
  })

  it('keeps at most two walk batches in flight a worker, so a badge batch sent meanwhile waits behind few', async () => {
    const { seen, create } = countingWorkers()
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 2 })
    const events = signed(1000) // 16 batches of 64
    // Two pages in flight at once, as the walk sends them.
    const checked = await Promise.all([
      verifier.verifyWithLeaves(events.slice(0, 500)),
      verifier.verifyWithLeaves(events.slice(500)),
    ])
    expect(checked.flat().filter((result) => result.status === 'verified' && result.leafHash)).toHaveLength(1000)
    expect(seen.events).toBe(1000)
    expect(seen.mostInflight).toBe(4)
    verifier.dispose()
  })

  it('once disposed, rejects and checks nothing more, neither in the workers nor on this thread', async () => {
    const { seen, create } = countingWorkers()
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey], worker: create, workerCount: 2 })
    const events = signed(600)
    const walked = verifier.verifyWithLeaves(events)
    await vi.waitFor(() => expect(seen.events).toBeGreaterThan(0))
    const here = vi.spyOn(crypto.subtle, 'verify')
    try {
      verifier.dispose()
      await expect(walked).rejects.toThrow('the verifier was disposed')
      expect(here).not.toHaveBeenCalled()
      expect(seen.events).toBeLessThan(600)
    } finally {
      here.mockRestore()
    }
  })

  it('keeps each leaf with its event when one checked here sits between two checked in a worker', async () => {
    const [first, last] = signed(2)
    const local = { ...ledger.sign(apiEvent({ id: 'aevt_fn' })), metadata: { callback: () => 1 } }
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey] })
    const checked = await verifier.verifyWithLeaves([first!, local, last!])
    expect(checked.map((result) => result.status)).toEqual(['verified', 'malformed', 'verified'])
    expect(checked[0]!.leafHash).toEqual(await expectedLeaf(first))
    expect(checked[1]!.leafHash).toBeNull()
    expect(checked[2]!.leafHash).toEqual(await expectedLeaf(last))
    verifier.dispose()
  })

  it('gives no leaves for a batch the worker could not take, checked here instead', async () => {
    // A Proxy passes for plain data but cannot be cloned: postMessage throws, and only that
    // batch is checked on this thread.
    const [first, second] = signed(2)
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey] })
    const checked = await verifier.verifyWithLeaves([new Proxy(first!, {}), second!])
    expect(checked).toMatchObject([
      { status: 'verified', leafHash: null },
      { status: 'verified', leafHash: null },
    ])
    expect(verifier.runsOn).toBe('worker') // the pool carries on
    verifier.dispose()
  })

  it('gives no leaves when the worker answers without them', async () => {
    // A worker that ignores `leaves` (say, an older script still cached): its results alone.
    const withoutLeaves = () => {
      const worker = defaultCreateWorker()
      const post = worker.postMessage.bind(worker)
      worker.postMessage = (message: { type: string; leaves?: boolean }) => post({ ...message, leaves: false })
      return worker
    }
    const events = signed(3)
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey], worker: withoutLeaves })
    const checked = await verifier.verifyWithLeaves(events)
    expect(checked.map((result) => [result.status, result.leafHash])).toEqual(events.map(() => ['verified', null]))
    verifier.dispose()
  })
})
