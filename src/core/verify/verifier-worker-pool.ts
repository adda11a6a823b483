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
import { leavesOf, type WireResults } from './worker-wire.js'
import { acquireWorkers, releaseWorkers, settle, WorkerUnavailableError } from './shared-workers.js'

export type WorkerCrypto = 'auto' | 'webcrypto' | 'noble'

/**
 * Messages to a verification worker, which may serve several verifiers: each configures its key
 * ring and crypto under its own `ring` id, names it in each batch, and forgets it when disposed.
 */
export type WorkerRequest =
  | { type: 'configure'; ring: number; trustedKeys: TrustedKeyInput[]; crypto: WorkerCrypto }
  | { type: 'verify'; id: number; ring: number; events: WireEvent[]; leaves?: boolean }
  | { type: 'forget'; ring: number }

/** An event on its way to a worker: cloned as it is, or as JSON text to parse losslessly. */
export type WireEvent = { value: unknown } | { text: string }

/** Messages from a verification worker; results in the compact form of worker-wire.ts. */
export type WorkerReply =
  { type: 'results'; id: number; results: WireResults } | { type: 'failed'; id: number; message: string }

/** A batch's results, and its leaf hashes when they were asked for. */
export interface Checked {
  results: VerificationResult[]
  leaves?: (Uint8Array | null)[]
}

export interface WorkerPool {
  /**
   * Results in input order; events that are not plain JSON data are checked on this thread.
   * With `leaves`, also each event's RFC 6962 leaf hash from the worker that checked it (Verify
   * entire log); `null` for an event checked on this thread or without canonical bytes.
   */
  verify(events: readonly unknown[], leaves?: boolean): Promise<Checked>
  /**
   * Batches in flight worth keeping, so a worker never waits for the main thread: two a worker,
   * and eight a worker until the first results come back (see `answered`).
   */
  readonly capacity: number
  /** Workers verifying the batches. */
  readonly workers: number
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
function defaultWorkerCount(): number {
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

/** Key ring and batch ids, unique in the page so that they are unique in every shared worker. */
let nextRing = 1
let nextId = 1

/**
 * Verification in `count` workers, started by the first verifier of the page that asks for them
 * (with the same `createWorker` and count; the crypto choice travels with the key ring) and
 * shared with later ones; they stop a grace period after the last verifier using them is
 * disposed (shared-workers.ts). Throws {@link WorkerUnavailableError} when none can
 * be constructed. A worker that fails later (its script, or the thread) breaks the workers: every
 * batch in flight, of every verifier using them, rejects with that error, and so does every
 * later call, for each verifier to go on without them (a new verifier starts new workers). A
 * batch the worker could not take or check (a message it cannot clone, a `failed` reply) is
 * checked on this thread instead, and the pool carries on.
 */
function createWorkerPool(options: {
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
  const workers = acquireWorkers(options.createWorker, options.count)
  const ring = nextRing++
  let disposed = false
  /**
   * Whether a batch came back yet. Until then a worker holds its results until it has proven
   * the pinned keys usable, which needs noble's curve code loaded in that worker (tens of ms
   * cold, BENCHMARKS.md): with only two batches each in flight, a new verifier's workers
   * finished those and sat idle through that load.
   */
  let answered = false
  const tell = (message: WorkerRequest) => {
    for (const worker of workers.load.keys()) worker.postMessage(message)
  }
  try {
    tell({ type: 'configure', ring, trustedKeys: keyInputs(options.trustedKeys), crypto: options.crypto })
  } catch (error) {
    workers.stop(new WorkerUnavailableError(`the verification worker could not be configured: ${String(error)}`))
    throw workers.broken
  }

  /** One batch on the least busy worker; rejects with a plain Error when only this batch failed. */
  function send(wire: WireEvent[], leaves: boolean): Promise<VerificationResult[]> {
    let target: Worker | undefined
    for (const [worker, busy] of workers.load) if (!target || busy < workers.load.get(target)!) target = worker
    const id = nextId++
    const done = new Promise<VerificationResult[]>((resolve, reject) =>
      workers.pending.set(id, { worker: target!, ring, count: wire.length, resolve, reject }),
    )
    workers.load.set(target!, workers.load.get(target!)! + 1)
    try {
      target!.postMessage({ type: 'verify', id, ring, events: wire, leaves } satisfies WorkerRequest)
    } catch (error) {
      settle(workers, id)?.reject(error as Error) // not cloneable after all (a Proxy, say)
    }
    return done.then((results) => {
      answered = true
      return results
    })
  }

  async function verify(events: readonly unknown[], leaves = false): Promise<Checked> {
    if (disposed) throw new WorkerUnavailableError('the verifier was disposed')
    if (workers.broken) throw workers.broken
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
        : send(wire, leaves).catch((error: Error) => {
            if (error instanceof WorkerUnavailableError) throw error
            return options.checkHere(travelled) // only this batch failed there
          }),
      stayed.length > 0 ? options.checkHere(stayed) : [],
    ])
    const fromLeaves = leavesOf(fromWorker)
    let w = 0
    let h = 0
    const results = kinds.map((kind) => (kind === LOCAL ? here[h++]! : fromWorker[w++]!))
    w = 0
    return { results, leaves: kinds.map((kind) => (kind === LOCAL ? null : (fromLeaves?.[w++] ?? null))) }
  }

  return {
    get capacity() {
      return (answered ? 2 : 8) * options.count
    },
    workers: options.count,
    verify,
    dispose() {
      if (disposed) return
      disposed = true
      const gone = new WorkerUnavailableError('the verifier was disposed')
      for (const [id, waiting] of workers.pending) if (waiting.ring === ring) settle(workers, id)?.reject(gone)
      if (!workers.broken) tell({ type: 'forget', ring })
      releaseWorkers(workers)
    },
  }
}
