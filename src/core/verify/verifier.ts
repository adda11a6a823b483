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
import { KeyRing } from './key-ring.js'
import { LosslessNumber } from '../json/lossless-json.js'
import type { VerificationResult } from '../types.js'
import { verifyEvents } from './verify.js'
// Loaded on the first request, with noble's SHA-256: results by content digest.
import type { ResultCache } from './result-cache.js'
// Loaded when the verifier is made (its workers start then, warm by the time rows arrive), and
// only where workers can run: Node never downloads it.
import type { Checked, WorkerPool } from './verifier-worker-pool.js'
import type { VerifiableEvent, Verifier, VerifierOptions } from './verifier-types.js'
// Loaded on the first call of verifyWithLeaves (a click on Verify entire log).
import type { createLeafWalk } from './verifier-leaves.js'

export type { LeafResult, VerifiableEvent, Verifier, VerifierOptions } from './verifier-types.js'

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
    // keyOf, not digest(): content found unspellable once is not spelled again.
    const digest = typeof key === 'string' || !byContent ? key : keyOf(event)
    // The shared form: its recomputed hash is the event's own string, not the worker's copy.
    if (typeof digest === 'string') result = byContent!.set(digest, event, result)
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

  /** `undefined` while the workers start (from the verifier's creation); `null` once workers are off or unusable. */
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

  /** A disposed verifier checks nothing more, rather than falling back to this thread under its old ring. */
  const alive = () => {
    if (disposed) throw new Error('the verifier was disposed') // as the pool says it
  }

  /** One batch, in the workers or here; with leaf hashes only from a worker that was asked for them. */
  async function verifyBatch(events: VerifiableEvent[], leaves = false): Promise<Checked> {
    const workers = await currentPool()
    alive()
    if (workers) {
      try {
        return await workers.verify(events, leaves)
      } catch (error) {
        alive() // disposed meanwhile: not checked here under the old ring
        if (pool === workers) giveUpOnWorkers(error as Error)
      }
    }
    const results = await verifyEvents(events, localOptions)
    // On this thread, let the page render between batches.
    await yieldToHost()
    alive()
    return { results }
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

  /** Verify entire log's part, loaded on its first call. */
  let walk: Promise<ReturnType<typeof createLeafWalk>> | undefined

  void currentPool()
  return {
    get,
    async verifyWithLeaves(events) {
      walk ??= import('./verifier-leaves.js').then((loaded) =>
        loaded.createLeafWalk({ pool: () => pool, currentPool, batchSize, settle }, verifyBatch),
      )
      return (await walk)(events)
    },
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
    },
  }
}
