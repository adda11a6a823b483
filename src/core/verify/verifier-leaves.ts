/**
 * Verify entire log's side of a verifier (`Verifier.verifyWithLeaves`): many batches with their
 * leaf hashes, a bounded number at a time. Loaded on the first walk, not with the verifier: only
 * a click on Verify entire log needs it.
 */
import type { VerificationResult } from '../types.js'
import type { Checked, WorkerPool } from './verifier-worker-pool.js'
import type { LeafResult, VerifiableEvent } from './verifier-types.js'

export function createLeafWalk(
  host: {
    /** The workers once started, or `null` without them; starts them on first use. */
    currentPool(): Promise<WorkerPool | null>
    /** The pool now (`undefined` before it started): a failed one is replaced by `null`. */
    pool(): WorkerPool | null | undefined
    batchSize: number
    /** Keep a result for the object checked (so `get` agrees). */
    settle(event: VerifiableEvent, result: VerificationResult): void
  },
  /** Rejects once the verifier is disposed, which ends the walk's batches, waiting ones included. */
  verifyBatch: (events: VerifiableEvent[], leaves: boolean) => Promise<Checked>,
) {
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
    while (walking >= walkLimit()) await new Promise<void>((resolve) => waiting.push(resolve))
    walking++
    try {
      return await verifyBatch(events, true)
    } finally {
      walking--
      waiting.shift()?.()
    }
  }

  async function verifyWithLeaves(events: readonly VerifiableEvent[]): Promise<LeafResult[]> {
    await host.currentPool() // the limit depends on where batches run
    const batches: VerifiableEvent[][] = []
    for (let i = 0; i < events.length; i += host.batchSize) batches.push(events.slice(i, i + host.batchSize))
    const checked = await Promise.all(batches.map(walkBatch))
    return checked.flatMap(({ results, leaves }, b) =>
      results.map((result, i) => {
        host.settle(batches[b]![i]!, result)
        return { ...result, leafHash: leaves?.[i] ?? null }
      }),
    )
  }

  return verifyWithLeaves
}
