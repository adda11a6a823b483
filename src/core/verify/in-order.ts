/**
 * The one concurrency helper of the verification core: run an async step over a sequence with
 * a bounded amount of work in flight, and hand the results back in input order.
 *
 * Bounded twice, so memory is bounded whatever the input: by count (`concurrency`) and, when
 * `weigh` is given, by total weight (the NDJSON verifier weighs lines by their bytes). Input is
 * pulled only when there is room, so a stream is never read ahead of the window.
 */

export interface InOrderLimits<T> {
  /** Steps in flight at once (at least 1). */
  concurrency: number
  /** The weight of one item (default 0); at most `maxWeight` is in flight, plus one item. */
  weigh?: (item: T) => number
  /** Total weight in flight (default: unbounded). */
  maxWeight?: number
  /** Checked before each step starts: an aborted signal stops reading and rejects. */
  signal?: AbortSignal
}

/**
 * Yield `step(item, index)` for every item, in input order, with at most
 * `limits.concurrency` steps (and `limits.maxWeight` of weight) in flight. A rejected step
 * rejects the generator when its turn comes.
 */
export async function* mapInOrder<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  step: (item: T, index: number) => Promise<R>,
  limits: InOrderLimits<T>,
): AsyncGenerator<R> {
  const { concurrency, weigh, maxWeight = Infinity, signal } = limits
  const pending: { result: Promise<R>; weight: number }[] = []
  let weightInFlight = 0
  let index = 0
  const settleHead = () => {
    const head = pending.shift()!
    weightInFlight -= head.weight
    return head.result
  }
  for await (const item of items) {
    const weight = weigh ? weigh(item) : 0
    // Make room first, so the new item joins a window that is within both bounds.
    while (pending.length > 0 && (pending.length >= concurrency || weightInFlight + weight > maxWeight)) {
      yield await settleHead()
    }
    signal?.throwIfAborted()
    const result = step(item, index++)
    // A step that fails while earlier ones are awaited is reported at its turn, not as unhandled.
    result.catch(() => {})
    pending.push({ result, weight })
    weightInFlight += weight
  }
  while (pending.length > 0) yield await settleHead()
}
