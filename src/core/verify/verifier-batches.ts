/**
 * How a verifier (verifier.ts) checks its batches: one in the workers or, without them, on this
 * thread with a yield to the host after it; and Verify entire log's batches with their leaf
 * hashes (`verifyWithLeaves`), a bounded number at a time. A disposed verifier checks nothing
 * more: every batch rejects, before and after each wait, rather than falling back to this
 * thread under the old key ring.
 */
import type { VerificationResult } from '../types.js'
import type { Checked, WorkerPool } from './verifier-worker-pool.js'
import type { VerifiableEvent } from './verifier.js'

/** A result with the event's leaf hash, from {@link Verifier.verifyWithLeaves}. */
export type LeafResult = VerificationResult & {
  /**
   * The event's RFC 6962 leaf hash (SHA-256 of 0x00 and its canonical bytes), computed by the
   * worker from the bytes whose signature it checked; `null` when the event was checked on this
   * thread or has no canonical bytes, for the caller to compute if it needs one.
   */
  leafHash: Uint8Array | null
}

/** The verifier's side of its batches: its workers, its fallback, and whether it is still alive. */
export interface BatchHost {
  /** The workers once started, or `null` without them; starts them on first use. */
  currentPool(): Promise<WorkerPool | null>
  /** The pool now (`undefined` before it started): a failed one is replaced by `null`. */
  pool(): WorkerPool | null | undefined
  giveUpOnWorkers(error: Error): void
  checkHere(events: readonly VerifiableEvent[]): Promise<VerificationResult[]>
  yieldToHost(): Promise<void>
  batchSize: number
  disposed(): boolean
  /** Keep a result for the object checked (so `get` agrees). */
  settle(event: VerifiableEvent, result: VerificationResult): void
}

/** The error of every batch of a disposed verifier. Same name as the pool's, which raises it too. */
function disposedError(): Error {
  const error = new Error('the verifier was disposed')
  error.name = 'WorkerUnavailableError'
  return error
}

export function createBatches(host: BatchHost) {
  const alive = () => {
    if (host.disposed()) throw disposedError()
  }

  /** One batch, in the workers or here; with leaf hashes only from a worker that was asked for them. */
  async function verifyBatch(events: VerifiableEvent[], leaves = false): Promise<Checked> {
    alive()
    const workers = await host.currentPool()
    alive()
    if (workers) {
      try {
        return await workers.verify(events, leaves)
      } catch (error) {
        alive() // disposed meanwhile: not checked here under the old ring
        if (host.pool() === workers) host.giveUpOnWorkers(error as Error)
      }
    }
    const results = await host.checkHere(events)
    // On this thread, let the page render between batches.
    await host.yieldToHost()
    alive()
    return { results }
  }

  /**
   * Walk batches in flight, across every `verifyWithLeaves` call (a walk checks two pages at
   * once). On this thread one, so a yield comes between every two batches of 64 (all of a page
   * at once froze the page 0.3-1 s with noble). In the workers two each: enough to keep them fed
   * (BENCHMARKS.md, "Verify entire log"), and few enough that a badge batch sent meanwhile does
   * not wait behind a page's worth of walk batches (workers answer in order).
   */
  const walkLimit = () => {
    const workers = host.pool()
    return workers ? 2 * workers.workers : 1
  }
  let walking = 0
  const waiting: (() => void)[] = []
  async function walkBatch(events: VerifiableEvent[]): Promise<Checked> {
    while (walking >= walkLimit()) {
      await new Promise<void>((resolve) => waiting.push(resolve))
      alive()
    }
    walking++
    try {
      return await verifyBatch(events, true)
    } finally {
      walking--
      waiting.shift()?.()
    }
  }

  async function verifyWithLeaves(events: readonly VerifiableEvent[]): Promise<LeafResult[]> {
    alive()
    await host.currentPool() // the limit depends on where batches run
    const batches: VerifiableEvent[][] = []
    for (let i = 0; i < events.length; i += host.batchSize) batches.push(events.slice(i, i + host.batchSize))
    const checked = await Promise.all(batches.map(walkBatch))
    alive()
    return checked.flatMap(({ results, leaves }, b) =>
      results.map((result, i) => {
        host.settle(batches[b]![i]!, result)
        return { ...result, leafHash: leaves?.[i] ?? null }
      }),
    )
  }

  return {
    verifyBatch,
    verifyWithLeaves,
    /** Wakes the walk batches waiting for a slot, for them to reject. */
    dispose() {
      for (const wake of waiting.splice(0)) wake()
    },
  }
}
