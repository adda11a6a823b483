/**
 * A new verifier's workers in real Chromium: until their first results come back (they wait
 * for the pinned-key proof, which loads noble's curve code in each worker), more batches are
 * kept in flight, so the workers go on checking instead of idling through that load.
 */
import { describe, expect, it, vi } from 'vitest'
import { createVerifier } from '../../src/core/index.js'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'

const ledger = createSigner(VECTOR_SEED)

/** A worker that takes batches and never answers, counting those it was sent. */
function silentWorkers() {
  const sent = { batches: 0 }
  const create = () => {
    const worker = new Worker(URL.createObjectURL(new Blob(['onmessage = () => {}'], { type: 'text/javascript' })))
    const post = worker.postMessage.bind(worker)
    worker.postMessage = (message: { type: string }) => {
      if (message.type === 'verify') sent.batches++
      post(message)
    }
    return worker
  }
  return { sent, create }
}

describe('a verifier’s first batches', () => {
  it('keeps eight batches a worker in flight before any results come back', async () => {
    const { sent, create } = silentWorkers()
    const verifier = createVerifier({
      trustedKeys: [ledger.publicKey],
      worker: create,
      workerCount: 2,
      maxQueued: 2000,
    })
    verifier.request(Array.from({ length: 2000 }, (_, i) => ledger.sign(apiEvent({ id: `aevt_${i}`, seq: i + 1 }))))
    await vi.waitFor(() => expect(sent.batches).toBe(16))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(sent.batches).toBe(16) // and no more: the rest waits in the queue, newest first
    verifier.dispose()
  })
})
