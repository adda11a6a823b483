/**
 * The page's verification workers, shared by its verifiers (verifier-worker-pool.ts is the
 * verifier's side): started once, reference-counted, and stopped a grace period after their
 * last verifier is disposed, or at once when one of them fails. Batch replies are routed here
 * by batch id.
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

/** Workers started once and used by every verifier of the page with the same script and count. */
export interface SharedWorkers {
  /** Batches in flight per worker. */
  load: Map<Worker, number>
  pending: Map<number, Pending>
  broken: WorkerUnavailableError | null
  /** Verifiers using these workers; the workers stop a grace period after the last one is disposed. */
  users: number
  /** Calls off the stop scheduled when `users` fell to 0; null while none is scheduled. */
  cancelStop: (() => void) | null
  stop(error: WorkerUnavailableError): void
}

/** How long workers outlive their last verifier, and the timer that waits for it. */
export interface WorkerGrace {
  ms: number
  /** Run `stop` after `ms`; gives back a function that calls it off. */
  schedule(stop: () => void, ms: number): () => void
}

/**
 * A few hundred milliseconds: a key-ring change, or a remount (React StrictMode's, a log tab
 * closed and reopened) once a verifier holds workers, disposes that verifier and makes the next
 * within a render, but the next one's pool starts only after a dynamic import settles, so
 * without a grace the workers would be stopped and new ones started (50-100 ms each, then
 * cold: BENCHMARKS.md). Long enough for that, short enough that a closed log does not keep
 * threads for long.
 */
const defaultGrace: WorkerGrace = {
  ms: 400,
  schedule(stop, ms) {
    const timer = setTimeout(stop, ms)
    return () => clearTimeout(timer)
  },
}
let grace = defaultGrace

/**
 * Set how long the page's idle workers are kept, and with which timer (tests step it by hand).
 * Gives back a function that restores the default.
 */
export function setWorkerGrace(next: Partial<WorkerGrace>): () => void {
  grace = { ...defaultGrace, ...next }
  return () => void (grace = defaultGrace)
}

/**
 * The page's started workers, by the function that starts them, then by count.
 * Shared because a worker pays 50-100 ms to start and runs its first thousands of checks cold
 * (BENCHMARKS.md, "Where the verifier's time goes"), while a page often holds several verifiers
 * (the log's, Verify entire log's, a badge page's). Each verifier configures its own key ring
 * and crypto choice under an id that travels with each of its batches (verify-worker.ts keeps
 * a backend per ring), so one verifier's pinned keys or crypto never judge another's events,
 * and a noble verifier beside a WebCrypto one needs no workers of its own.
 */
const started = new Map<() => Worker, Map<number, SharedWorkers>>()

function startWorkers(createWorker: () => Worker, count: number, forget: () => void): SharedWorkers {
  const shared: SharedWorkers = {
    load: new Map(),
    pending: new Map(),
    broken: null,
    users: 0,
    cancelStop: null,
    stop(error) {
      forget() // a later verifier starts workers afresh
      shared.cancelStop?.()
      shared.cancelStop = null
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
 * The workers started with `createWorker`, `count` of them, started now when there are none,
 * counted as used by one more verifier (which calls off a stop scheduled by
 * {@link releaseWorkers}). Throws {@link WorkerUnavailableError} when no worker can be
 * constructed.
 */
export function acquireWorkers(createWorker: () => Worker, count: number): SharedWorkers {
  const byCount = started.get(createWorker) ?? new Map<number, SharedWorkers>()
  let shared = byCount.get(count)
  if (!shared) {
    const forget = () => {
      if (byCount.get(count) === shared) byCount.delete(count)
      if (byCount.size === 0) started.delete(createWorker)
    }
    shared = startWorkers(createWorker, count, forget)
    byCount.set(count, shared)
    started.set(createWorker, byCount)
  }
  shared.cancelStop?.()
  shared.cancelStop = null
  shared.users++
  return shared
}

/**
 * One verifier fewer uses `shared` (it has rejected its batches in flight and told the workers
 * to forget its ring). The last one schedules the stop after the grace period; a verifier that
 * acquires the workers before then keeps them.
 */
export function releaseWorkers(shared: SharedWorkers): void {
  if (--shared.users > 0 || shared.broken || shared.cancelStop) return
  shared.cancelStop = grace.schedule(() => {
    shared.cancelStop = null
    if (shared.users === 0) shared.stop(new WorkerUnavailableError('the verifiers were disposed'))
  }, grace.ms)
}
