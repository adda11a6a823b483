/**
 * Verification in dedicated Web Workers, for {@link createVerifier}. Events that are plain JSON
 * data travel by structured cloning, which keeps every string and number exactly; events that
 * hold a `LosslessNumber` (which cloning would turn into a plain object) travel as JSON text
 * written by `stringifyAuditJson`; anything else (a function, a Date, a cycle) is left to
 * the caller to check in place. Results come back as plain objects.
 *
 * A worker that cannot start (no `Worker`, a Content-Security-Policy without `worker-src` for
 * this script, a bundler that did not emit the worker file) makes the pool report itself
 * broken; the verifier then checks the same batches on the main thread, so nothing is lost.
 */
import type { KeyRing, TrustedKeyInput } from './key-ring.js'
import type { LosslessNumber } from '../json/lossless-json.js'
import type { VerificationResult } from '../types.js'
import type { WebWorker } from './web-types.js'
import { decodeResults, type WireResults } from './worker-wire.js'

export type WorkerCrypto = 'auto' | 'webcrypto' | 'noble'

/** Messages to a verification worker. */
export type WorkerRequest =
  | { type: 'configure'; trustedKeys: TrustedKeyInput[]; crypto: WorkerCrypto }
  | { type: 'verify'; id: number; events: WireEvent[] }

/** An event on its way to a worker: cloned as it is, or as JSON text to parse losslessly. */
export type WireEvent = { value: unknown } | { text: string }

/** Messages from a verification worker; results in the compact form of worker-wire.ts. */
export type WorkerReply =
  { type: 'results'; id: number; results: WireResults } | { type: 'failed'; id: number; message: string }

/** Raised for every batch in flight (and every later one) once a worker has failed. */
export class WorkerUnavailableError extends Error {
  override readonly name = 'WorkerUnavailableError'
}

export interface WorkerPool {
  /** Results in input order; events that are not plain JSON data are checked on this thread. */
  verify(events: readonly unknown[]): Promise<VerificationResult[]>
  /** In flight batches per worker worth keeping, so a worker never waits for the main thread. */
  readonly capacity: number
  dispose(): void
}

/**
 * The bundler-friendly form: Vite (dev and build) and webpack 5 (so Next.js) emit the worker
 * from this expression. Plain Rollup and esbuild need a plugin for it; without one the worker
 * fails to load and verification moves to the main thread.
 */
export const defaultCreateWorker = (): Worker =>
  new Worker(new URL('./verify-worker.js', import.meta.url), { type: 'module', name: 'auditlens-verify' })

/**
 * Workers worth starting: one fewer than the cores, so one stays with the page, but two on a
 * two-core machine (measured in Chromium on two cores: a second worker nearly doubles bulk
 * throughput, and a screenful of rows keeps either of them busy for only a few milliseconds).
 */
export function defaultWorkerCount(): number {
  const cores = typeof navigator === 'undefined' ? 2 : (navigator.hardwareConcurrency ?? 2)
  return cores < 2 ? 1 : Math.min(4, Math.max(2, cores - 1))
}

/** The verifier's way in: its options, with the defaults for the worker count and script. */
export function startWorkerPool(
  options: { worker?: boolean | (() => WebWorker); workerCount?: number; crypto?: unknown },
  trustedKeys: KeyRing,
  pieces: Pick<Parameters<typeof createWorkerPool>[0], 'json' | 'checkHere'>,
): WorkerPool {
  const count = options.workerCount ?? defaultWorkerCount()
  // Zero workers would verify nothing: refused, so the verifier says so and works on this thread.
  if (!(count >= 1)) throw new TypeError(`workerCount must be at least 1; got ${count}`)
  return createWorkerPool({
    count: Math.floor(count),
    createWorker: typeof options.worker === 'function' ? options.worker : defaultCreateWorker,
    trustedKeys,
    crypto: (options.crypto as WorkerCrypto | undefined) ?? 'auto',
    ...pieces,
  })
}

function keyInputs(ring: KeyRing): TrustedKeyInput[] {
  return ring.keys.map((key) => ({
    publicKey: key.publicKey,
    ...(key.keyId !== undefined ? { keyId: key.keyId } : {}),
    notBefore: key.notBefore === null ? null : new Date(key.notBefore),
    notAfter: key.notAfter === null ? null : new Date(key.notAfter),
  }))
}

const CLONE = 0
const TEXT = 1
const LOCAL = 2

/**
 * How an event can reach a worker unchanged: `CLONE` for plain JSON data (plain objects,
 * arrays, strings, numbers, booleans, null), `TEXT` when it also holds a LosslessNumber,
 * `LOCAL` for anything structured cloning or JSON would change or refuse. Cloning spares the
 * main thread writing, and the worker parsing, every event as text.
 */
function transport(value: unknown, depth: number, lossless: typeof LosslessNumber): number {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return CLONE
  // Non-finite numbers and integers beyond 2^53 are malformed where they are; written as text
  // they would come back as exact digits and be judged differently.
  if (typeof value === 'number')
    return Number.isFinite(value) && !(Number.isInteger(value) && !Number.isSafeInteger(value)) ? CLONE : LOCAL
  if (typeof value !== 'object' || depth > 64) return LOCAL
  if (value instanceof lossless) return TEXT
  let kind = CLONE
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && kind !== LOCAL; i++)
      kind = Math.max(kind, transport(value[i], depth + 1, lossless))
    return kind
  }
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return LOCAL
  for (const key in value) {
    const member = (value as Record<string, unknown>)[key]
    if (member !== undefined) kind = Math.max(kind, transport(member, depth + 1, lossless))
    if (kind === LOCAL) break
  }
  return kind
}

interface Pending {
  worker: Worker
  /** Events sent, which the reply must account for one by one. */
  count: number
  resolve(results: VerificationResult[]): void
  reject(error: Error): void
}

/**
 * Start `count` workers. Throws {@link WorkerUnavailableError} when none can be constructed.
 * A worker that fails later (its script, or the thread) breaks the pool: every batch in flight
 * rejects with that error, and so does every later call, for the verifier to go on without it.
 * A batch the worker could not take or check (a message it cannot clone, a `failed` reply) is
 * checked on this thread instead, and the pool carries on.
 */
export function createWorkerPool(options: {
  count: number
  createWorker: () => Worker
  trustedKeys: KeyRing
  crypto: WorkerCrypto
  /**
   * The lossless JSON pieces and local verification, passed in by the verifier, which has them
   * anyway: imported here they would make bundlers split them into a chunk shared with this one.
   */
  json: { LosslessNumber: typeof LosslessNumber; stringify: (value: unknown) => string }
  /** Verification on this thread, for events that cannot travel or batches a worker could not check. */
  checkHere: (events: readonly unknown[]) => Promise<VerificationResult[]>
}): WorkerPool {
  const pending = new Map<number, Pending>()
  const load = new Map<Worker, number>()
  let nextId = 1
  let broken: WorkerUnavailableError | null = null

  const settle = (id: number) => {
    const waiting = pending.get(id)
    if (!waiting) return undefined
    pending.delete(id)
    if (load.has(waiting.worker)) load.set(waiting.worker, load.get(waiting.worker)! - 1)
    return waiting
  }
  const stop = (error: WorkerUnavailableError) => {
    broken ??= error
    for (const { reject } of pending.values()) reject(broken)
    pending.clear()
    for (const worker of load.keys()) worker.terminate()
    load.clear()
  }

  try {
    const configure: WorkerRequest = {
      type: 'configure',
      trustedKeys: keyInputs(options.trustedKeys),
      crypto: options.crypto,
    }
    for (let i = 0; i < options.count; i++) {
      const worker = options.createWorker()
      load.set(worker, 0)
      worker.addEventListener('message', (event: MessageEvent<unknown>) => {
        // Read member by member: a script other than ours may answer (see worker-wire.ts).
        const reply: unknown = event.data
        const { type, id, results, message } = (typeof reply === 'object' && reply !== null ? reply : {}) as Record<
          string,
          unknown
        >
        const waiting = typeof id === 'number' ? settle(id) : undefined
        if (!waiting) return
        const decoded = type === 'results' ? decodeResults(results, waiting.count) : null
        if (decoded) waiting.resolve(decoded)
        else waiting.reject(new Error(type === 'failed' ? String(message) : 'the worker’s reply did not fit the batch'))
      })
      worker.addEventListener('error', (event) => {
        event.preventDefault()
        stop(
          new WorkerUnavailableError(`the verification worker stopped: ${event.message || 'it could not be loaded'}`),
        )
      })
      worker.addEventListener('messageerror', () =>
        stop(new WorkerUnavailableError('the verification worker stopped: a message could not be read')),
      )
      worker.postMessage(configure)
    }
  } catch (error) {
    stop(new WorkerUnavailableError(`no verification worker could be started: ${String(error)}`))
    throw broken
  }

  /** One batch on the least busy worker; rejects with a plain Error when only this batch failed. */
  function send(wire: WireEvent[]): Promise<VerificationResult[]> {
    let target: Worker | undefined
    for (const [worker, busy] of load) if (!target || busy < load.get(target)!) target = worker
    const id = nextId++
    const done = new Promise<VerificationResult[]>((resolve, reject) =>
      pending.set(id, { worker: target!, count: wire.length, resolve, reject }),
    )
    load.set(target!, load.get(target!)! + 1)
    try {
      target!.postMessage({ type: 'verify', id, events: wire } satisfies WorkerRequest)
    } catch (error) {
      settle(id)?.reject(error as Error) // not cloneable after all (a Proxy, say)
    }
    return done
  }

  return {
    capacity: 2 * options.count,
    async verify(events) {
      if (broken) throw broken
      const kinds = events.map((event) => transport(event, 0, options.json.LosslessNumber))
      const wire: WireEvent[] = []
      const travelled: unknown[] = []
      const stayed: unknown[] = []
      events.forEach((event, index) => {
        const kind = kinds[index]
        if (kind === LOCAL) stayed.push(event)
        else {
          travelled.push(event)
          wire.push(kind === CLONE ? { value: event } : { text: options.json.stringify(event) })
        }
      })
      const [fromWorker, here] = await Promise.all([
        wire.length === 0
          ? []
          : send(wire).catch((error: Error) => {
              if (error instanceof WorkerUnavailableError) throw error
              return options.checkHere(travelled) // only this batch failed there
            }),
        stayed.length > 0 ? options.checkHere(stayed) : [],
      ])
      let w = 0
      let h = 0
      return kinds.map((kind) => (kind === LOCAL ? here[h++]! : fromWorker[w++]!))
    },
    dispose: () => stop(new WorkerUnavailableError('the verifier was disposed')),
  }
}
