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
import type { LosslessNumber } from './lossless-json.js'
import type { VerificationResult } from './types.js'

export type WorkerCrypto = 'auto' | 'webcrypto' | 'noble'

/** Messages to a verification worker. */
export type WorkerRequest =
  | { type: 'configure'; trustedKeys: TrustedKeyInput[]; crypto: WorkerCrypto }
  | { type: 'verify'; id: number; events: WireEvent[] }

/** An event on its way to a worker: cloned as it is, or as JSON text to parse losslessly. */
export type WireEvent = { value: unknown } | { text: string }

/** Messages from a verification worker. */
export type WorkerReply =
  { type: 'results'; id: number; results: VerificationResult[] } | { type: 'failed'; id: number; message: string }

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
  options: { worker?: boolean | (() => Worker); workerCount?: number; crypto?: unknown },
  trustedKeys: KeyRing,
  pieces: Pick<Parameters<typeof createWorkerPool>[0], 'json' | 'checkHere'>,
): WorkerPool {
  return createWorkerPool({
    count: options.workerCount ?? defaultWorkerCount(),
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
  if (typeof value === 'number') return Number.isFinite(value) ? CLONE : LOCAL
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
  resolve(results: VerificationResult[]): void
  reject(error: Error): void
}

/**
 * Start `count` workers. Throws {@link WorkerUnavailableError} when none can be constructed;
 * a failure after that rejects the batches in flight with the same error.
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
  /** Verification on this thread, for events that cannot travel. */
  checkHere: (events: readonly unknown[]) => Promise<VerificationResult[]>
}): WorkerPool {
  const pending = new Map<number, Pending>()
  const load = new Map<Worker, number>()
  let nextId = 1
  let broken: WorkerUnavailableError | null = null

  const fail = (reason: string) => {
    broken ??= new WorkerUnavailableError(`the verification worker stopped: ${reason}`)
    for (const { reject } of pending.values()) reject(broken)
    pending.clear()
    dispose()
  }
  const dispose = () => {
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
      worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
        const reply = event.data
        const waiting = pending.get(reply.id)
        if (!waiting) return
        pending.delete(reply.id)
        load.set(worker, (load.get(worker) ?? 1) - 1)
        if (reply.type === 'results') waiting.resolve(reply.results)
        else waiting.reject(new WorkerUnavailableError(reply.message))
      })
      worker.addEventListener('error', (event) => {
        event.preventDefault()
        fail(event.message || 'it could not be loaded')
      })
      worker.addEventListener('messageerror', () => fail('a message could not be read'))
      worker.postMessage(configure)
      load.set(worker, 0)
    }
  } catch (error) {
    dispose()
    throw new WorkerUnavailableError(`no verification worker could be started: ${String(error)}`)
  }

  return {
    capacity: 2 * options.count,
    verify(events) {
      if (broken) return Promise.reject(broken)
      const wire: WireEvent[] = []
      const stayed: unknown[] = []
      const kinds = events.map((event) => transport(event, 0, options.json.LosslessNumber))
      events.forEach((event, index) => {
        const kind = kinds[index]
        if (kind === LOCAL) stayed.push(event)
        else wire.push(kind === CLONE ? { value: event } : { text: options.json.stringify(event) })
      })
      // The least busy worker takes the batch.
      let target: Worker | undefined
      for (const [worker, busy] of load) if (!target || busy < load.get(target)!) target = worker
      const id = nextId++
      const done = new Promise<VerificationResult[]>((resolve, reject) => pending.set(id, { resolve, reject }))
      load.set(target!, load.get(target!)! + 1)
      target!.postMessage({ type: 'verify', id, events: wire } satisfies WorkerRequest)
      return done.then(async (results) => {
        const here = stayed.length > 0 ? await options.checkHere(stayed) : []
        let fromWorker = 0
        let fromHere = 0
        return kinds.map((kind) => (kind === LOCAL ? here[fromHere++]! : results[fromWorker++]!))
      })
    },
    dispose,
  }
}
