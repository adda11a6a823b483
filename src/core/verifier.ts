/**
 * A shared, cached verification queue for a UI: rows ask for their events to be checked, the
 * queue verifies them in small batches (newest requests first, so what is on screen now wins
 * over what scrolled past), and subscribers hear when results land. Results are cached by
 * event id and payload hash, so an event is checked once however often it is shown.
 *
 * Everything runs on the calling thread: canonical bytes (about 25 µs an event) and WebCrypto's
 * native Ed25519 (a profile of the demo in Chromium shows its verify calls on the main thread).
 * Batches yield to the host between them, so verification is interleaved with rendering
 * rather than holding it; moving it into a Web Worker is the next step (events would have to
 * travel as JSON text, since LosslessNumber does not survive structured cloning).
 */
import { KeyRing, type TrustedKeyInput } from './key-ring.js'
import type { CryptoChoice } from './crypto.js'
import type { VerificationResult } from './types.js'
import { verifyEvents } from './verify.js'

export interface VerifierOptions {
  /** Pinned keys; without them the best outcome is `unpinned`. */
  trustedKeys?: KeyRing | readonly TrustedKeyInput[]
  crypto?: CryptoChoice
  /** Events verified per batch before yielding (default 64). */
  batchSize?: number
  /** Requests kept waiting at most; the oldest are dropped (default 256, several screens of rows). */
  maxQueued?: number
  /** How to yield between batches (default: a macrotask). */
  yieldToHost?: () => Promise<void>
}

export interface Verifier {
  /** The cached result for `event`, or `undefined` while it is unchecked or being checked. */
  get(event: VerifiableEvent): VerificationResult | undefined
  /** Ask for these events to be checked; those already known or queued are skipped. */
  request(events: readonly VerifiableEvent[]): void
  subscribe(listener: () => void): () => void
  /** Resolves when the queue is empty (tests, benchmarks). */
  idle(): Promise<void>
  /** Stop; pending work is dropped. */
  dispose(): void
}

/** The fields the cache key needs; anything else is passed through to verification. */
export interface VerifiableEvent {
  id?: unknown
  payload_hash?: unknown
}

const keyOf = (event: VerifiableEvent) => `${String(event.id)}\u0000${String(event.payload_hash)}`
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
  const ring = options.trustedKeys instanceof KeyRing ? options.trustedKeys : new KeyRing(options.trustedKeys ?? [])
  const batchSize = options.batchSize ?? 64
  const maxQueued = options.maxQueued ?? 256
  const yieldToHost = options.yieldToHost ?? macrotask
  const results = new Map<string, VerificationResult>()
  /** Insertion order = request order; the newest are taken first. */
  const queue = new Map<string, VerifiableEvent>()
  const inflight = new Set<string>()
  const listeners = new Set<() => void>()
  let running: Promise<void> | null = null
  let disposed = false

  async function drain(): Promise<void> {
    while (queue.size > 0 && !disposed) {
      const batch = [...queue].slice(-batchSize)
      for (const [key] of batch) {
        queue.delete(key)
        inflight.add(key)
      }
      const checked = await verifyEvents(
        batch.map(([, event]) => event),
        { trustedKeys: ring, ...(options.crypto ? { crypto: options.crypto } : {}) },
      )
      if (disposed) return
      batch.forEach(([key], i) => {
        results.set(key, checked[i]!)
        inflight.delete(key)
      })
      for (const listener of [...listeners]) listener()
      await yieldToHost()
    }
  }

  return {
    get: (event) => results.get(keyOf(event)),
    request(events) {
      for (const event of events) {
        const key = keyOf(event)
        if (results.has(key) || inflight.has(key)) continue
        queue.delete(key) // re-queue at the end: asked again means wanted now
        queue.set(key, event)
      }
      // Rows flung past long ago are not worth checking before they are seen again.
      while (queue.size > maxQueued) queue.delete(queue.keys().next().value!)
      if (queue.size > 0 && !running && !disposed) {
        // Start after this task, so the requests of one render are ordered together first.
        running = Promise.resolve()
          .then(drain)
          .finally(() => {
            running = null
          })
      }
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async idle() {
      while (running) await running
    },
    dispose() {
      disposed = true
      queue.clear()
      listeners.clear()
    },
  }
}
