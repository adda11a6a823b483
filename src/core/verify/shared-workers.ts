/**
 * The page's verification workers, shared by its verifiers (verifier-worker-pool.ts is the
 * verifier's side): started once, reference-counted, and stopped when their last verifier is
 * disposed or when one of them fails. Batch replies are routed here by batch id.
 */
import type { VerificationResult } from '../types.js'
import { decodeResults } from './worker-wire.js'

/** Raised for every batch in flight (and every later one) once a worker has failed. */
export class WorkerUnavailableError extends Error {
  override readonly name = 'WorkerUnavailableError'
}

export interface Pending {
  worker: Worker
  /** The verifier (its key ring's id) that sent the batch. */
  ring: number
  /** Events sent, which the reply must account for one by one. */
  count: number
  resolve(results: VerificationResult[]): void
  reject(error: Error): void
}

/** Workers started once and used by every verifier of the page with the same script, count and crypto. */
export interface SharedWorkers {
  /** Batches in flight per worker. */
  load: Map<Worker, number>
  pending: Map<number, Pending>
  broken: WorkerUnavailableError | null
  /** Verifiers using these workers; the workers stop when the last one is disposed. */
  users: number
  stop(error: WorkerUnavailableError): void
}

/**
 * The page's started workers, by the function that starts them, then by count and crypto.
 * Shared because a worker pays 50-100 ms to start and runs its first thousands of checks cold
 * (BENCHMARKS.md, "Where the verifier's time goes"), while a page often holds several verifiers
 * (the log's, Verify entire log's, a badge page's). Each verifier configures its own key ring
 * under an id that travels with each of its batches, so one verifier's pinned keys never judge
 * another's events.
 */
const started = new Map<() => Worker, Map<string, SharedWorkers>>()

function startWorkers(createWorker: () => Worker, count: number, forget: () => void): SharedWorkers {
  const shared: SharedWorkers = {
    load: new Map(),
    pending: new Map(),
    broken: null,
    users: 0,
    stop(error) {
      forget() // a later verifier starts workers afresh
      shared.broken ??= error
      for (const { reject } of shared.pending.values()) reject(shared.broken)
      shared.pending.clear()
      for (const worker of shared.load.keys()) worker.terminate()
      shared.load.clear()
    },
  }
  try {
    for (let i = 0; i < count; i++) {
      const worker = createWorker()
      shared.load.set(worker, 0)
      worker.addEventListener('message', (event: MessageEvent<unknown>) => {
        // Read member by member: a script other than ours may answer (see worker-wire.ts).
        const reply: unknown = event.data
        const { type, id, results, message } = (typeof reply === 'object' && reply !== null ? reply : {}) as Record<
          string,
          unknown
        >
        const waiting = typeof id === 'number' ? settle(shared, id) : undefined
        if (!waiting) return
        const decoded = type === 'results' ? decodeResults(results, waiting.count) : null
        if (decoded) waiting.resolve(decoded)
        else waiting.reject(new Error(type === 'failed' ? String(message) : 'the worker’s reply did not fit the batch'))
      })
      worker.addEventListener('error', (event) => {
        event.preventDefault()
        shared.stop(
          new WorkerUnavailableError(`the verification worker stopped: ${event.message || 'it could not be loaded'}`),
        )
      })
      worker.addEventListener('messageerror', () =>
        shared.stop(new WorkerUnavailableError('the verification worker stopped: a message could not be read')),
      )
    }
  } catch (error) {
    shared.stop(new WorkerUnavailableError(`no verification worker could be started: ${String(error)}`))
    throw shared.broken
  }
  return shared
}

export function settle(shared: SharedWorkers, id: number): Pending | undefined {
  const waiting = shared.pending.get(id)
  if (!waiting) return undefined
  shared.pending.delete(id)
  const busy = shared.load.get(waiting.worker)
  if (busy !== undefined) shared.load.set(waiting.worker, busy - 1)
  return waiting
}

/**
 * The workers started with `createWorker` under `key` (count and crypto), started now when there
 * are none, counted as used by one more verifier. Throws {@link WorkerUnavailableError} when no
 * worker can be constructed.
 */
export function acquireWorkers(createWorker: () => Worker, key: string, count: number): SharedWorkers {
  const byKey = started.get(createWorker) ?? new Map<string, SharedWorkers>()
  let shared = byKey.get(key)
  if (!shared) {
    const forget = () => {
      if (byKey.get(key) === shared) byKey.delete(key)
      if (byKey.size === 0) started.delete(createWorker)
    }
    shared = startWorkers(createWorker, count, forget)
    byKey.set(key, shared)
    started.set(createWorker, byKey)
  }
  shared.users++
  return shared
}
