/**
 * A token bucket per key (here: per proxy token), refilled continuously. Buckets that have
 * refilled completely are forgotten, so idle tokens cost no memory.
 */
import { ProxyConfigError } from './options.js'

export interface RateLimitOptions {
  /** Requests allowed in a burst (default 60). */
  burst?: number
  /** Requests per second sustained (default 20). */
  perSecond?: number
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  private readonly burst: number
  private readonly perSecond: number

  constructor(
    options: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.burst = options.burst ?? 60
    this.perSecond = options.perSecond ?? 20
    if (!(this.burst >= 1) || !(this.perSecond > 0))
      throw new ProxyConfigError('rateLimit needs burst >= 1 and perSecond > 0')
  }

  /** Take one request from `key`'s bucket: 0 when allowed, else the seconds until it would be. */
  take(key: string): number {
    const now = this.now()
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now }
    bucket.tokens = this.refilled(bucket, now)
    bucket.at = now
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket)
      return Math.ceil((1 - bucket.tokens) / this.perSecond)
    }
    bucket.tokens -= 1
    this.buckets.set(key, bucket)
    if (this.buckets.size > 10_000) this.sweep(now)
    return 0
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.refilled(bucket, now) >= this.burst) this.buckets.delete(key)
    }
  }

  /**
   * The bucket's tokens at `now`. Elapsed time is clamped at zero: when the wall clock steps
   * back (NTP correction, VM restore), a negative refill would drain the bucket and lock the
   * user out for as long as the step; standing still for the step is the safe reading.
   */
  private refilled(bucket: { tokens: number; at: number }, now: number): number {
    const elapsed = Math.max(0, now - bucket.at)
    return Math.min(this.burst, bucket.tokens + (elapsed / 1000) * this.perSecond)
  }
}
