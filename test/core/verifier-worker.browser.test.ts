/**
 * createVerifier in real Chromium: batches are verified in a Web Worker (the module worker
 * bundlers emit from verifier-worker-pool.ts), with exactly the answers of the main thread,
 * and verification moves to the main thread, losing nothing, when a worker cannot run.
 */
import { describe, expect, it } from 'vitest'
import { createVerifier, parseAuditJson, verifyEvents, type VerificationResult } from '../../src/core/index.js'
import { apiEvent, createSigner, seedFrom, VECTOR_SEED } from '../support/signing.js'

const ledger = createSigner(VECTOR_SEED)
const stranger = createSigner(seedFrom(7), 'key_stranger')

/** Every outcome, and numbers only exact text can carry (1.10, a seq beyond 2^53). */
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
})
