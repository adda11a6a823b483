/**
 * A shared, cached verification queue for a UI: rows ask for their events to be checked, the
 * queue verifies them in small batches (newest requests first, so what is on screen now wins
 * over what scrolled past), and subscribers hear when results land. A result belongs to the exact
 * content that was checked: it is kept for the object itself and, for plain JSON data, under the
 * SHA-256 of a spelling of every member of the event (result-cache.ts), so a refetched copy with
 * the same content is not checked again. Nothing the event merely claims about itself (its id or
 * stored `payload_hash`) selects a result: keyed that way, a forged event served later under a
 * genuine event's id and hash would inherit its Verified.
 *
 * Where `Worker` exists (browsers), batches go to dedicated Web Workers: canonical bytes cost
 * about 25 µs an event and WebCrypto's Ed25519 runs on the calling thread in Chromium, so on
 * the main thread verification competes with scrolling. Without workers (Node, jsdom, a
 * Content-Security-Policy that forbids them, a custom crypto backend) batches run here and
 * yield to the host between them, so verification is interleaved with rendering rather than
 * holding it.
 */
import { BoundedCache } from '../bounded-cache.js'
import { stringifyAuditJson } from '../json/json-writer.js'
import { KeyRing, type TrustedKeyInput } from './key-ring.js'
import { LosslessNumber } from '../json/lossless-json.js'
import type { CryptoChoice } from './crypto.js'
import type { VerificationResult } from '../types.js'
import { verifyEvents } from './verify.js'
// Loaded on the first request, with noble's SHA-256: results by content digest.
import type { ResultCache } from './result-cache.js'
// Loaded when the verifier is made (its workers start then, warm by the time rows arrive), and
// only where workers can run: Node never downloads it.
import type { WorkerPool } from './verifier-worker-pool.js'
import type { WebWorker } from './web-types.js'
import { createBatches, type LeafResult } from './verifier-batches.js'

export type { LeafResult }

export interface VerifierOptions {
  /** Pinned keys; without them the best outcome is `unpinned`. */
  trustedKeys?: KeyRing | readonly TrustedKeyInput[]
  crypto?: CryptoChoice
  /** Events verified per batch before yielding (default 64). */
  batchSize?: number
  /** Requests kept waiting at most; the oldest are dropped (default 256, several screens of rows). */
  maxQueued?: number
  /**
   * Results kept by content digest for copies of already-checked content, least recently used
   * dropped first (default 100,000: about 8 MB, see BENCHMARKS.md). Results for the event
   * objects themselves are kept as long as the objects are.
   */
  maxCached?: number
  /** How to yield between batches on the main thread (default: a macrotask). */
  yieldToHost?: () => Promise<void>
  /**
   * Verify in Web Workers (default `true` where `Worker` exists), or give a function that
   * starts one, e.g. from a URL your Content-Security-Policy allows:
   * `() => new Worker('/static/auditlens-verify.js', { type: 'module' })`. `false` keeps
   * verification on the main thread. A custom `crypto` backend always runs on the main thread.
   */
  worker?: boolean | (() => WebWorker)
  /** How many workers (default: one fewer than the cores, from 2 to 4; 1 on a single core). */
  workerCount?: number
  /** Told once when workers cannot be used and verification moves to the main thread (default: console.warn). */
  onWorkerUnavailable?: (error: Error) => void
}

export interface Verifier {
  /** The cached result for `event`, or `undefined` while it is unchecked or being checked. */
  get(event: VerifiableEvent): VerificationResult | undefined
  /** Ask for these events to be checked; those already known or queued are skipped. */
  request(events: readonly VerifiableEvent[]): void
  subscribe(listener: () => void): () => void
  /**
   * Check these events now, outside the queue, and resolve with each one's result and its RFC
   * 6962 leaf hash, in input order: for Verify entire log, which needs a verdict and a leaf per
   * event but none of the queue's ordering, bounds or notifications. Each leaf is computed by
   * the worker from the same canonical bytes whose signature it checked; `null` where none was
   * (an event checked on this thread), for the caller to compute. Results are kept for these
   * objects (`get` agrees), not filed by content: copies shown as rows are checked as they are.
   */
  verifyWithLeaves(events: readonly VerifiableEvent[]): Promise<LeafResult[]>
  /** Resolves when the queue is empty (tests, benchmarks). */
  idle(): Promise<void>
  /** Where batches are verified: in Web Workers, or on the calling thread (before the first batch: where it will try first). */
  readonly runsOn: 'worker' | 'main-thread'
  /** Stop; pending work is dropped. */
  dispose(): void
}

/** An event as it arrived; every member is read by verification and none is trusted. */
export interface VerifiableEvent {
  id?: unknown
  payload_hash?: unknown
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null

/**
 * Yield to the host for one task. A MessageChannel message is not clamped to 4 ms the way a
 * nested setTimeout is, which made the queue spend most of its time waiting (measured: 3,500
 * events/s with setTimeout against 9,700 for a plain loop).
 */
function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => resolve()
    channel.port2.postMessage(0)
  })
}

export function createVerifier(options: VerifierOptions = {}): Verifier {
  const ring = KeyRing.from(options.trustedKeys)
  const batchSize = options.batchSize ?? 64
  const maxQueued = options.maxQueued ?? 256
  const yieldToHost = options.yieldToHost ?? macrotask
  const maxCached = options.maxCached ?? 100_000
  const localOptions = { trustedKeys: ring, crypto: options.crypto }
  /**
   * The result for each object checked, and the content digest of each object still waiting
   * for one (or the object itself when its content cannot be spelled).
   */
  const byObject = new WeakMap<VerifiableEvent, VerificationResult>()
  const keys = new WeakMap<VerifiableEvent, string | VerifiableEvent>()
  const settle = (event: VerifiableEvent, result: VerificationResult) => {
    if (!isObject(event)) return
    byObject.set(event, result)
    keys.delete(event)
  }
  /** Results by content digest; `undefined` until its chunk has loaded. */
  let byContent: ResultCache | undefined
  /**
   * Results that landed before that chunk did (verifying does not wait for it: a first screen
   * or so), filed when it arrives or dropped if it cannot load.
   */
  let early: Parameters<typeof remember>[] | undefined = []
  let loadingCache: Promise<void> | undefined
  const loadCache = () =>
    (loadingCache ??= import('./result-cache.js')
      .then(({ createResultCache }) => {
        byContent = createResultCache(maxCached, { Cache: BoundedCache, Lossless: LosslessNumber })
        for (const args of early!) remember(...args)
      })
      .catch(console.error) // results are then kept for each object only
      .finally(() => (early = undefined)))
  /**
   * Insertion order = request order; the newest are taken first. Keyed by the object: content
   * digests are spelled a batch at a time as batches are taken, not for a whole request before
   * the first batch leaves (12-25 µs an event on the main thread, measured loaded; BENCHMARKS.md).
   */
  const queue = new Set<VerifiableEvent>()
  /** The events and content digests of the batches being checked. */
  const inflight = new Set<string | VerifiableEvent>()

  /** The event's content digest, or the event itself before the cache loads or when its content cannot be spelled. */
  function keyOf(event: VerifiableEvent): string | VerifiableEvent {
    if (!byContent) return event
    let key = keys.get(event)
    if (key === undefined) {
      key = byContent.digest(event) ?? event
      if (isObject(event)) keys.set(event, key)
    }
    return key
  }
  function get(event: VerifiableEvent): VerificationResult | undefined {
    let result = isObject(event) ? byObject.get(event) : undefined
    if (result || !byContent) return result
    const key = keyOf(event)
    if (typeof key === 'string' && (result = byContent.get(key, event))) settle(event, result)
    return result
  }
  function remember(event: VerifiableEvent, key: string | VerifiableEvent, result: VerificationResult) {
    if (!byContent) early?.push([event, key, result])
    const digest = typeof key === 'string' ? key : byContent?.digest(event)
    // The shared form: its recomputed hash is the event's own string, not the worker's copy.
    if (digest !== undefined) result = byContent!.set(digest, event, result)
    settle(event, result)
  }
  const listeners = new Set<() => void>()
  /**
   * The lanes verifying now: each takes a batch at a time until the queue is empty. Not
   * mapInOrder: this is a scheduler over a queue that the scroll reorders while it runs, and
   * results are published as they come, so there is no input order to keep.
   */
  const lanes = new Set<Promise<void>>()
  let disposed = false

  /** `undefined` until the first batch; `null` once workers are off or unusable. */
  let pool: WorkerPool | null | undefined =
    options.worker === false || typeof Worker === 'undefined' || typeof options.crypto === 'object' ? null : undefined
  const giveUpOnWorkers = (error: Error) => {
    pool?.dispose()
    pool = null
    try {
      if (options.onWorkerUnavailable) options.onWorkerUnavailable(error)
      else console.warn(`auditlens: verifying on the main thread: ${error.message}`)
    } catch (thrown) {
      console.error(thrown) // the host's callback failed; verification goes on regardless
    }
  }
  let starting: Promise<WorkerPool | null> | undefined
  function currentPool(): Promise<WorkerPool | null> {
    if (pool !== undefined) return Promise.resolve(pool)
    starting ??= import('./verifier-worker-pool.js')
      .then(({ startWorkerPool }) => {
        pool = disposed
          ? null
          : startWorkerPool(options, ring, {
              json: { LosslessNumber, stringify: stringifyAuditJson },
              checkHere: (events) => verifyEvents(events, localOptions),
            })
        pump() // room for a lane per batch the workers can take
        return pool
      })
      .catch((error: Error) => {
        giveUpOnWorkers(error)
        return null
      })
    return starting
  }

  /** Workers are kept busy with a couple of batches each; the main thread takes one at a time. */
  const laneLimit = () => (pool ? pool.capacity : 1)

  async function lane(): Promise<void> {
    // Start after this task, so the requests of one render are ordered together first.
    await Promise.resolve()
    while (queue.size > 0 && !disposed && lanes.size <= laneLimit()) {
      const batch: [string | VerifiableEvent, VerifiableEvent][] = []
      // The newest batchSize entries, found by walking the queue rather than copying all of it.
      let skip = queue.size - batchSize
      const newest: VerifiableEvent[] = []
      for (const event of queue) if (skip-- <= 0) newest.push(event)
      for (const event of newest) {
        queue.delete(event)
        const key = keyOf(event)
        // Known by content by now, or the same content on its way: get() finds it when filed.
        if (get(event) || inflight.has(key)) continue
        inflight.add(key).add(event)
        batch.push([key, event])
      }
      try {
        const checked = (await verifyBatch(batch.map(([, event]) => event))).results
        batch.forEach(([key, event], i) => remember(event, key, checked[i]!)) // after dispose() nobody listens
      } finally {
        for (const [key, event] of batch) {
          inflight.delete(key)
          inflight.delete(event)
        }
      }
      for (const listener of [...listeners]) listener()
      pump() // the workers may be up now, with room for more lanes
    }
  }

  function pump(): void {
    while (!disposed && queue.size > 0 && lanes.size < laneLimit()) {
      const running: Promise<void> = lane()
        // A disposed verifier's batches reject on purpose; nobody is waiting for them.
        .catch((error: unknown) => {
          if (!disposed) console.error(error)
        })
        .finally(() => {
          lanes.delete(running)
          pump()
        })
      lanes.add(running)
    }
  }

  const batches = createBatches({
    currentPool,
    pool: () => pool,
    giveUpOnWorkers,
    checkHere: (events) => verifyEvents(events, localOptions),
    yieldToHost,
    batchSize,
    disposed: () => disposed,
    settle,
  })
  const { verifyBatch } = batches

  void currentPool()
  return {
    get,
    verifyWithLeaves: batches.verifyWithLeaves,
    request(events) {
      void loadCache()
      for (const event of events) {
        if ((isObject(event) && byObject.has(event)) || inflight.has(event)) continue
        queue.delete(event) // re-queue at the end: asked again means wanted now
        queue.add(event)
      }
      // Rows flung past long ago are not worth checking before they are seen again.
      while (queue.size > maxQueued) queue.delete(queue.values().next().value!)
      pump()
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async idle() {
      while (lanes.size > 0) await Promise.all(lanes)
      await loadingCache // so that what was checked is also filed by content
    },
    get runsOn() {
      return pool === null ? 'main-thread' : 'worker'
    },
    dispose() {
      disposed = true
      pool?.dispose()
      pool = null
      queue.clear()
      listeners.clear()
      batches.dispose()
    },
  }
}
