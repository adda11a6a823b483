/**
 * A token bucket per key (client address), on an injected clock. The portal exchange checks it
 * before it reads the one-time token, so a 429 never spends a token: Invoance's viewer retries
 * the same token after `Retry-After` (invoance-audit-viewer `src/portalClient.ts`).
 */

export interface RateLimit {
  /** Requests allowed at once. */
  burst: number
  /** Requests added back per minute, up to `burst`. */
  perMinute: number
}

interface Bucket {
  tokens: number
  at: number
}

/** Keys remembered at most; the least recently seen is forgotten first, so a flood of addresses costs bounded memory. */
const MAX_KEYS = 10_000

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number,
    private readonly maxKeys = MAX_KEYS,
  ) {}

  /** Take one request for `key`: `0` when allowed, else the whole seconds to wait (at least 1). */
  take(key: string): number {
    const now = this.now()
    const refillPerMs = this.limit.perMinute / 60_000
    const previous = this.buckets.get(key)
    const tokens = previous
      ? Math.min(this.limit.burst, previous.tokens + Math.max(0, now - previous.at) * refillPerMs)
      : this.limit.burst
    // Re-inserting moves the key to the end of the Map's order: the front is least recently seen.
    this.buckets.delete(key)
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now })
      if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!)
      return 0
    }
    this.buckets.set(key, { tokens, at: now })
    return Math.max(1, Math.ceil((1 - tokens) / refillPerMs / 1000))
  }
}
