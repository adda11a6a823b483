/**
 * The verifier's public types (verifier.ts is its code): its options, its interface, and what
 * it takes and gives back.
 */
import type { TrustedKeyInput, KeyRing } from './key-ring.js'
import type { CryptoChoice } from './crypto.js'
import type { VerificationResult } from '../types.js'
import type { WebWorker } from './web-types.js'

/** A result with the event's leaf hash, from {@link Verifier.verifyWithLeaves}. */
export type LeafResult = VerificationResult & {
  /**
   * The event's RFC 6962 leaf hash (SHA-256 of 0x00 and its canonical bytes), computed by the
   * worker from the bytes whose signature it checked; `null` when the event was checked on this
   * thread or has no canonical bytes, for the caller to compute if it needs one.
   */
  leafHash: Uint8Array | null
}

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
   * At most two batches a worker are in flight (one at a time, with a yield between, without
   * workers), so the badges' batches are not kept waiting; rejects once the verifier is disposed.
   */
  verifyWithLeaves(events: readonly VerifiableEvent[]): Promise<LeafResult[]>
  /** Resolves when the queue is empty (tests, benchmarks). */
  idle(): Promise<void>
  /** Where batches are verified: in Web Workers, or on the calling thread (while the workers start: where it will try first). */
  readonly runsOn: 'worker' | 'main-thread'
  /** Stop; pending work is dropped. */
  dispose(): void
}

/** An event as it arrived; every member is read by verification and none is trusted. */
export interface VerifiableEvent {
  id?: unknown
  payload_hash?: unknown
}
