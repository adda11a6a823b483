/**
 * The Web Worker behind {@link createVerifier}: takes events as verifier-worker-pool.ts sends
 * them (cloned, or as JSON text parsed losslessly) and verifies them with the same code as the
 * main thread. It is an entry point of its own: bundlers pick it up from
 * `new Worker(new URL('./verify-worker.js', import.meta.url))` in verifier-worker-pool.ts.
 */
import { KeyRing } from './key-ring.js'
import { parseAuditJson } from '../json/lossless-json.js'
import { resolveCrypto, type CryptoBackend } from './crypto.js'
import { check } from './verify.js'
import type { WorkerReply, WorkerRequest } from './verifier-worker-pool.js'
import { encodeResults } from './worker-wire.js'
import { checkWithLeaf } from './leaf-check.js'

/** The two members of `DedicatedWorkerGlobalScope` this file uses (the DOM lib types `self` as a Window). */
const scope = globalThis as unknown as {
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void
  postMessage(message: WorkerReply): void
}

/**
 * Per verifier using this worker (workers are shared by a page's verifiers, under the `ring` id
 * each names in its batches): the backend, chosen once, and the proof that every pinned key is
 * a usable Ed25519 point, begun when `configure` arrives. That proof needs noble's curve
 * arithmetic, which the worker loads on demand; a batch is checked while it loads and its
 * results wait for the proof, so the first batch does not wait for the download (measured:
 * first results 50-100 ms after the verifier starts, under load; BENCHMARKS.md).
 */
const rings = new Map<number, ReturnType<typeof settle>>()
function settle(ring: KeyRing, crypto: Parameters<typeof resolveCrypto>[0]) {
  const usable = ring.usable()
  const backend = resolveCrypto(crypto)
  usable.catch(() => {}) // reported with each batch, as a `failed` reply
  backend.catch(() => {})
  return { ring, usable, backend }
}

/**
 * A batch is checked with every event in flight at once, not through verifyEvents' window of
 * 64: in Chromium `subtle.verify` and `subtle.digest` return only once their work is done, so a
 * window buys no parallelism here, and its async generator cost a few µs an event (measured
 * with test/bench/verify-profile.bench.ts; BENCHMARKS.md, "Where the verifier's time goes").
 */
async function verifyBatch(events: readonly unknown[], ring: KeyRing, backend: CryptoBackend, leaves: boolean) {
  if (!leaves) return encodeResults(await Promise.all(events.map((event) => check(event, ring, backend))))
  const pairs = await Promise.all(events.map((event) => checkWithLeaf(event, ring, backend)))
  return encodeResults(
    pairs.map(([result]) => result),
    pairs.map(([, leaf]) => leaf),
  )
}

type VerifyRequest = Extract<WorkerRequest, { type: 'verify' }>

/**
 * Batches are checked one at a time, with a task between them, so that a `forget` sent while
 * some wait is read before they start: a disposed verifier's batches are then answered at once
 * instead of checked for nobody (its pool has already dropped them). One at a time costs nothing
 * here: a worker's checks run on its one thread anyway (see verifyBatch). Only the checking is
 * in turn: results still wait for the key proof on their own, so a cold worker checks its next
 * batches while noble loads.
 */
const waiting: VerifyRequest[] = []
/**
 * A message to itself: unlike a nested setTimeout, not clamped to 4 ms (HTML's timer nesting
 * rule). One channel for the worker's life rather than one per batch: with a channel per batch
 * a cold verifier read 11.8–12.3k events/s against 12.4–12.9k with one (3 alternating runs
 * each, BENCHMARKS.md; within this machine's noise, but never above).
 */
const selfChannel = new MessageChannel()
let taskReached: (() => void) | null = null
selfChannel.port1.onmessage = () => taskReached?.()
const nextTask = () =>
  new Promise<void>((resolve) => {
    taskReached = resolve
    selfChannel.port2.postMessage(0)
  })
let running = false
async function runBatches() {
  running = true
  for (let data = waiting.shift(); data; data = waiting.shift()) {
    const ready = rings.get(data.ring)
    // Never judged under some other verifier's keys; for a forgotten ring, nobody is waiting.
    if (!ready) {
      scope.postMessage({ type: 'failed', id: data.id, message: 'no key ring configured' })
      continue
    }
    const { id } = data
    const events = data.events.map((event) => {
      if ('value' in event) return event.value
      try {
        return parseAuditJson(event.text)
      } catch {
        return event.text // reported as malformed: not an object
      }
    })
    const { ring, usable, backend } = ready
    const checked = backend.then((chosen) => verifyBatch(events, ring, chosen, data.leaves === true))
    checked.catch(() => {}) // reported below, with the key proof
    Promise.all([checked, usable]).then(
      ([results]) => scope.postMessage({ type: 'results', id, results }),
      (error: unknown) => scope.postMessage({ type: 'failed', id, message: String(error) }),
    )
    await checked.catch(() => {})
    await nextTask() // in which a `forget` is read
  }
  running = false
}

scope.addEventListener('message', ({ data }) => {
  if (data.type === 'configure') {
    rings.set(data.ring, settle(new KeyRing(data.trustedKeys), data.crypto))
    return
  }
  if (data.type === 'forget') {
    rings.delete(data.ring)
    return
  }
  waiting.push(data)
  if (!running) void runBatches()
})
