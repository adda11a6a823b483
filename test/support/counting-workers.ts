/**
 * For tests of the page's shared verification workers in Chromium: the shipped worker script,
 * counted as workers start and stop, and the grace period after the last verifier (see
 * shared-workers.ts) on a timer stepped by hand.
 */
import { setWorkerGrace } from '../../src/core/verify/shared-workers.js'
import { defaultCreateWorker } from '../../src/core/verify/verifier-worker-pool.js'

/**
 * The shipped worker, counting workers started and stopped, the events that reach them and the
 * batches in flight, and
 * keeping the messages that configure a key ring (its id and crypto) and name one (batches).
 */
export function countingWorkers() {
  // `inflight`: batches sent and not yet answered, over all the workers; `mostInflight` its peak.
  const seen = { started: 0, stopped: 0, events: 0, inflight: 0, mostInflight: 0 }
  const configured: { ring: number; crypto: string }[] = []
  const batches: number[] = []
  /** The type of each reply: `results`, or `failed` for a batch not checked there. */
  const replies: string[] = []
  const create = () => {
    const worker = defaultCreateWorker()
    seen.started++
    const post = worker.postMessage.bind(worker)
    worker.postMessage = (message: { type: string; events?: unknown[]; ring?: number; crypto?: string }) => {
      if (message.type === 'verify') {
        seen.events += message.events!.length
        batches.push(message.ring!)
        seen.mostInflight = Math.max(seen.mostInflight, ++seen.inflight)
      }
      if (message.type === 'configure') configured.push({ ring: message.ring!, crypto: message.crypto! })
      post(message)
    }
    // Each reply answers one batch.
    worker.addEventListener('message', (event: MessageEvent<{ type: string }>) => {
      seen.inflight--
      replies.push(event.data.type)
    })
    const terminate = worker.terminate.bind(worker)
    worker.terminate = () => {
      seen.stopped++
      terminate()
    }
    return worker
  }
  return { seen, configured, batches, replies, create }
}

/**
 * The workers' grace period on a hand-stepped timer: `pending` holds the stops scheduled and
 * not called off, `end()` runs them (the grace has passed), `restore()` puts the real timer back.
 */
export function manualGrace() {
  const pending: (() => void)[] = []
  const restore = setWorkerGrace({
    schedule(stop) {
      pending.push(stop)
      return () => {
        const at = pending.indexOf(stop)
        if (at >= 0) pending.splice(at, 1)
      }
    },
  })
  return { pending, end: () => pending.splice(0).forEach((stop) => stop()), restore }
}
