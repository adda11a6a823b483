/**
 * createVerifier in real Chromium: batches are verified in a Web Worker (the module worker
 * bundlers emit from verifier-worker-pool.ts), with exactly the answers of the main thread,
 * and verification moves to the main thread, losing nothing, when a worker cannot run.
 */
import { describe, expect, it } from 'vitest'
import { createVerifier, parseAuditJson, verifyEvents, type VerificationResult } from '../../src/core/index.js'
import { defaultCreateWorker } from '../../src/core/verify/verifier-worker-pool.js'
import { apiEvent, createSigner, seedFrom, signWithTorsion, VECTOR_SEED } from '../support/signing.js'

const ledger = createSigner(VECTOR_SEED)
const stranger = createSigner(seedFrom(7), 'key_stranger')

/** Every outcome, and numbers only exact text can carry (1.10, a seq beyond 2^53). */
/** The shipped worker, counting the events that really reach it. */
function countingWorker() {
  const seen = { events: 0 }
  const create = () => {
    const worker = defaultCreateWorker()
    const post = worker.postMessage.bind(worker)
    worker.postMessage = (message: { type: string; events?: unknown[] }) => {
      if (message.type === 'verify') seen.events += message.events!.length
      post(message)
    }
    return worker
  }
  return { seen, create }
}

/** A worker from a script of our own, to make the pool's failure paths happen for real. */
const scriptedWorker = (onVerify: string) => () =>
  new Worker(
    URL.createObjectURL(
      new Blob([`onmessage = ({ data }) => { if (data.type === 'verify') { ${onVerify} } }`], {
        type: 'text/javascript',
      }),
    ),
  )

/** Data that cloning or text could change, each next to a valid signature. */
function trickyEvents(): Record<string, unknown>[] {
  const exact = (overrides: Record<string, unknown>) => ledger.sign(apiEvent(overrides))
  const protoKey = parseAuditJson('{"__proto__": {"polluted": true}, "plain": 1}') as Record<string, unknown>
  return [
    exact({ id: 'aevt_negzero', metadata: { delta: -0 } }),
    exact({ id: 'aevt_undef', context: { ip: undefined, location: 'Berlin' } }),
    exact({ id: 'aevt_proto', metadata: protoKey }),
    { ...exact({ id: 'aevt_lone' }), action: 'user.\ud800' },
    // A plain integer beyond 2^53 is malformed; next to a LosslessNumber it must stay so.
    {
      ...exact({ id: 'aevt_unsafe' }),
      metadata: { big: 2 ** 60, exact: parseAuditJson('1.10') },
    },
  ]
}

function mixedEvents(): Record<string, unknown>[] {
  const exact = parseAuditJson(
    JSON.stringify(apiEvent({ id: 'aevt_exact' })).replace('"seq":42', '"seq":9007199254740993') + '',
  ) as Record<string, unknown>
  exact.metadata = parseAuditJson('{"amount": 1.10, "ratio": 2.50e3}') as Record<string, unknown>
  const tampered = ledger.sign(apiEvent({ id: 'aevt_tampered' }))
  return [
    ledger.sign(apiEvent({ id: 'aevt_ok' })),
    ledger.sign(exact),
    { ...tampered, metadata: { plan: 'enterprise' } },
    stranger.sign(apiEvent({ id: 'aevt_foreign' })),
    { ...ledger.sign(apiEvent({ id: 'aevt_nosig' })), signature: undefined },
    { ...ledger.sign(apiEvent({ id: 'aevt_fn' })), metadata: { callback: () => 1 } },
  ]
}

async function verifyAll(verifier: ReturnType<typeof createVerifier>, events: Record<string, unknown>[]) {
  verifier.request(events)
  await verifier.idle()
  return events.map((event) => verifier.get(event))
}

describe('createVerifier in Chromium', () => {
  it('verifies in a Web Worker with the same results as the main thread, exact numbers included', async () => {
    const events = mixedEvents()
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey] })
    const fromWorker = await verifyAll(verifier, events)
    expect(verifier.runsOn).toBe('worker')
    const onMainThread = await verifyEvents(events, { trustedKeys: [ledger.publicKey] })
    expect(fromWorker).toEqual(onMainThread)
    expect(fromWorker.map((result) => result?.status)).toEqual([
      'verified',
      'verified',
      'tampered',
      'untrusted',
      'malformed',
      'malformed',
    ])
    verifier.dispose()
  })

  it('gives the main thread’s answers for data cloning or JSON text could change, sending only what travels intact', async () => {
    const events = trickyEvents()
    const { seen, create } = countingWorker()
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey], worker: create })
    const fromWorker = await verifyAll(verifier, events)
    expect(fromWorker).toEqual(await verifyEvents(events, { trustedKeys: [ledger.publicKey] }))
    expect(fromWorker.map((result) => result?.status)).toEqual([
      'verified',
      'verified',
      'verified',
      'malformed',
      'malformed',
    ])
    expect(seen.events).toBe(4) // the plain 2^60 stays on this thread
    verifier.dispose()
  })

  it('verifies 2,000 distinct events through the worker without losing one', async () => {
    const events = Array.from({ length: 2000 }, (_, i) => ledger.sign(apiEvent({ id: `aevt_${i}`, seq: i + 1 })))
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey], maxQueued: 2000 })
    const results = await verifyAll(verifier, events)
    expect(verifier.runsOn).toBe('worker')
    expect(results.filter((result) => result?.status === 'verified')).toHaveLength(2000)
    verifier.dispose()
  })

  it('moves to the main thread when the worker script cannot load, says so once, and loses nothing', async () => {
    const told: Error[] = []
    const verifier = createVerifier({
      trustedKeys: [ledger.publicKey],
      worker: () => new Worker('/no-such-worker.js', { type: 'module' }),
      onWorkerUnavailable: (error) => told.push(error),
    })
    const events = mixedEvents()
    const results = await verifyAll(verifier, events)
    expect(verifier.runsOn).toBe('main-thread')
    expect(told).toHaveLength(1)
    expect(results).toEqual(await verifyEvents(events, { trustedKeys: [ledger.publicKey] }))
    verifier.dispose()
  })

  it('moves to the main thread when a worker may not be started at all (as under a strict CSP)', async () => {
    const told: Error[] = []
    const verifier = createVerifier({
      trustedKeys: [ledger.publicKey],
      worker: () => {
        throw new DOMException('worker-src violates the Content-Security-Policy', 'SecurityError')
      },
      onWorkerUnavailable: (error) => told.push(error),
    })
    const [result] = await verifyAll(verifier, [ledger.sign(apiEvent())])
    expect(result?.status satisfies VerificationResult['status'] | undefined).toBe('verified')
    expect(verifier.runsOn).toBe('main-thread')
    expect(told.map((error) => error.message)).toEqual([expect.stringContaining('Content-Security-Policy')])
    verifier.dispose()
  })

  it('checks a batch here when a worker answers that it could not, and keeps the workers', async () => {
    const told: Error[] = []
    const verifier = createVerifier({
      trustedKeys: [ledger.publicKey],
      worker: scriptedWorker("postMessage({ type: 'failed', id: data.id, message: 'no Ed25519 here' })"),
      onWorkerUnavailable: (error) => told.push(error),
    })
    const events = mixedEvents()
    expect(await verifyAll(verifier, events)).toEqual(await verifyEvents(events, { trustedKeys: [ledger.publicKey] }))
    expect(verifier.runsOn).toBe('worker')
    expect(told).toEqual([])
    verifier.dispose()
  })

  it('checks a batch here when a worker’s reply does not fit it, never taking results it cannot account for', async () => {
    // One result object per event (the form before worker-wire.ts), all claiming Verified, and
    // one fewer than were sent: the batch is checked again here and keeps its own answers.
    const verifier = createVerifier({
      trustedKeys: [ledger.publicKey],
      worker: scriptedWorker(`postMessage({ type: 'results', id: data.id, results: data.events.slice(1).map(() =>
        ({ status: 'verified', reason: 'signature-valid', message: 'trust me', payloadHash: null })) })`),
    })
    const events = mixedEvents()
    expect(await verifyAll(verifier, events)).toEqual(await verifyEvents(events, { trustedKeys: [ledger.publicKey] }))
    expect(verifier.runsOn).toBe('worker')
    verifier.dispose()
  })

  it('reports nothing from a worker before the pinned keys are proven usable, though it checks while that proof loads', async () => {
    // A key with a small-order component may never be pinned: whatever WebCrypto says of a
    // signature under it, the batch's results are withheld and the ring is refused.
    const event = signWithTorsion(apiEvent({ id: 'aevt_torsion' }), VECTOR_SEED, 'A')
    const errors: unknown[] = []
    const logged = console.error
    console.error = (error: unknown) => errors.push(error)
    try {
      const verifier = createVerifier({ trustedKeys: [event.signing_public_key as string] })
      const [result] = await verifyAll(verifier, [event])
      expect(result).toBeUndefined()
      expect(String(errors[0])).toMatch(/not a usable Ed25519 public key/)
      verifier.dispose()
    } finally {
      console.error = logged
    }
  })

  it('re-checks every batch in flight on the main thread when workers die mid-way, with several lanes busy', async () => {
    const told: Error[] = []
    const events = Array.from({ length: 300 }, (_, i) => ledger.sign(apiEvent({ id: `aevt_d${i}`, seq: i + 1 })))
    const verifier = createVerifier({
      trustedKeys: [ledger.publicKey],
      maxQueued: 300,
      workerCount: 2,
      worker: scriptedWorker("setTimeout(() => { throw new Error('worker crashed') }, 20)"),
      onWorkerUnavailable: (error) => told.push(error),
    })
    const results = await verifyAll(verifier, events)
    expect(results.filter((result) => result?.status === 'verified')).toHaveLength(300)
    expect(verifier.runsOn).toBe('main-thread')
    expect(told).toHaveLength(1)
    expect(told[0]!.message).toContain('worker crashed')
  })

  it('goes on verifying when the onWorkerUnavailable callback itself throws', async () => {
    const verifier = createVerifier({
      trustedKeys: [ledger.publicKey],
      worker: () => {
        throw new Error('no workers')
      },
      onWorkerUnavailable: () => {
        throw new Error('the host’s reporting is broken too')
      },
    })
    const [result] = await verifyAll(verifier, [ledger.sign(apiEvent())])
    expect(result?.status).toBe('verified')
  })

  it('settles idle() when disposed with batches in flight, and reports the main thread afterwards', async () => {
    const events = Array.from({ length: 200 }, (_, i) => ledger.sign(apiEvent({ id: `aevt_x${i}`, seq: i + 1 })))
    const verifier = createVerifier({ trustedKeys: [ledger.publicKey], maxQueued: 200 })
    verifier.request(events)
    await new Promise((resolve) => setTimeout(resolve, 30))
    verifier.dispose()
    await verifier.idle()
    expect(verifier.runsOn).toBe('main-thread')
  })

  it('says a worker count that could never verify anything is wrong, and verifies on the main thread', async () => {
    const told: Error[] = []
    const verifier = createVerifier({
      trustedKeys: [ledger.publicKey],
      workerCount: 0,
      onWorkerUnavailable: (error) => told.push(error),
    })
    const [result] = await verifyAll(verifier, [ledger.sign(apiEvent())])
    expect(result?.status).toBe('verified')
    expect(verifier.runsOn).toBe('main-thread')
    expect(told.map((error) => error.message)).toEqual(['workerCount must be at least 1; got 0'])
  })
})
