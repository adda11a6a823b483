/**
 * The Web Worker behind {@link createVerifier}: takes events as verifier-worker-pool.ts sends
 * them (cloned, or as JSON text parsed losslessly) and verifies them with the same code as the
 * main thread. It is an entry point of its own: bundlers pick it up from
 * `new Worker(new URL('./verify-worker.js', import.meta.url))` in verifier-worker-pool.ts.
 */
import { KeyRing } from './key-ring.js'
import { parseAuditJson } from '../json/lossless-json.js'
import { verifyEvents } from './verify.js'
import type { WorkerCrypto, WorkerReply, WorkerRequest } from './verifier-worker-pool.js'

/** The two members of `DedicatedWorkerGlobalScope` this file uses (the DOM lib types `self` as a Window). */
const scope = globalThis as unknown as {
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void
  postMessage(message: WorkerReply): void
}

let ring = new KeyRing()
let crypto: WorkerCrypto = 'auto'

scope.addEventListener('message', ({ data }) => {
  if (data.type === 'configure') {
    ring = new KeyRing(data.trustedKeys)
    crypto = data.crypto
    return
  }
  const events = data.events.map((event) => {
    if ('value' in event) return event.value
    try {
      return parseAuditJson(event.text)
    } catch {
      return event.text // reported as malformed: not an object
    }
  })
  verifyEvents(events, { trustedKeys: ring, crypto }).then(
    (results) => scope.postMessage({ type: 'results', id: data.id, results }),
    (error: unknown) => scope.postMessage({ type: 'failed', id: data.id, message: String(error) }),
  )
})
