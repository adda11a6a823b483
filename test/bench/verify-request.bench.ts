/**
 * `npx tsx test/bench/verify-request.bench.ts`: how long `Verifier.request` holds the calling
 * thread, in µs per event, once the verifier's content cache has loaded (as for every request
 * after a log's first one, and each page of Verify entire log). Node, no workers: the request
 * itself is the same code on the main thread of a page. Pages of 200 events (the log's page
 * size) and one request of 5,000; the median of 7 fresh verifiers each, the range beside it.
 * Figures only; nothing is asserted.
 */
import { createVerifier, type VerifiableEvent } from '../../src/core/index.js'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'

const signer = createSigner(VECTOR_SEED)
const events = Array.from({ length: 5000 }, (_, i) => signer.sign(apiEvent({ id: `aevt_${i}`, seq: i + 1 })))

async function requestMicros(size: number): Promise<number> {
  // A backend that never answers: only the request's own work is timed, nothing is checked.
  const verifier = createVerifier({
    maxQueued: 5000,
    crypto: { name: 'stalled', sha256: () => new Promise(() => {}), verifyEd25519: () => new Promise(() => {}) },
  })
  verifier.request([structuredClone(events[0]!)])
  await new Promise((resolve) => setTimeout(resolve, 50)) // the content cache's chunk loads
  const copies: VerifiableEvent[] = events.slice(0, size).map((event) => structuredClone(event))
  const start = performance.now()
  verifier.request(copies)
  const micros = ((performance.now() - start) * 1000) / size
  verifier.dispose()
  return micros
}

for (const size of [200, 5000]) {
  const runs: number[] = []
  for (let i = 0; i < 7; i++) runs.push(await requestMicros(size))
  runs.sort((a, b) => a - b)
  console.log(
    `request() of ${size}: ${runs[3]!.toFixed(2)} µs an event (median of 7; ${runs[0]!.toFixed(2)}–${runs[6]!.toFixed(2)})`,
  )
}
process.exit(0)
