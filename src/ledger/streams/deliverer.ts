/**
 * The background deliverer: one loop per stream, one request in flight per stream, events in
 * seq order. A failed attempt is retried after an exponential backoff with full jitter (AWS
 * Architecture Blog, "Exponential Backoff And Jitter": delay = random × min(cap, base × 2^(n-1))),
 * and the retry time is stored on the stream, so a restart keeps the schedule. A stream whose
 * attempts fail `pauseAfter` times in a row is paused until someone resumes it.
 */
import type { EventStore } from '../event-store.js'
import { send, type DeliveryPlatform } from './send.js'
import { deliveryId, type StreamStore } from './stream-store.js'

/** Retry and timing policy; every field has a default (README "Webhook streams"). */
export interface DeliveryPolicy {
  /** How long a receiver has to answer before the attempt counts as failed (default 10 s). */
  timeoutMs: number
  /** The backoff's first step (default 5 s). */
  baseDelayMs: number
  /** The backoff's cap (default 1 h). */
  maxDelayMs: number
  /** Consecutive failed attempts after which a stream is paused (default 20). */
  pauseAfter: number
  /** How often every stream is checked for events written by another process (default 5 s). */
  pollMs: number
}

export const DEFAULT_POLICY: DeliveryPolicy = {
  timeoutMs: 10_000,
  baseDelayMs: 5_000,
  maxDelayMs: 3_600_000,
  pauseAfter: 20,
  pollMs: 5_000,
}

/** The delay before retry number `failures` (1 = the first retry), with full jitter. */
export function backoffDelay(failures: number, policy: DeliveryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1))
  return Math.floor(random() * ceiling)
}

export class Deliverer {
  private readonly pumps = new Map<string, Promise<void>>()
  private readonly waits = new Map<string, unknown>()
  private readonly again = new Set<string>()
  private readonly cancel = new AbortController()
  private poller: unknown = null
  private running = false

  constructor(
    private readonly store: StreamStore,
    private readonly events: EventStore,
    private readonly platform: DeliveryPlatform,
    private readonly policy: DeliveryPolicy,
    private readonly random: () => number,
  ) {}

  /** Start delivering every stream that has work, and poll for events other processes write. */
  start(): void {
    if (this.running || this.cancel.signal.aborted) return
    this.running = true
    this.poll()
  }

  /** Deliver soon for the streams of `orgId` (or all): called after an ingest, a create or a resume. */
  wake(orgId?: string): void {
    if (!this.running) return
    for (const id of this.store.deliverable(orgId)) this.wakeStream(id)
  }

  /** Stop: cancel timers and in-flight requests, and wait for every loop to end. */
  async stop(): Promise<void> {
    this.running = false
    this.cancel.abort()
    if (this.poller !== null) this.platform.clearTimeout(this.poller)
    for (const handle of this.waits.values()) this.platform.clearTimeout(handle)
    this.waits.clear()
    await this.settled()
  }

  /** Resolves once no stream has a request in flight or a loop running (timers may still wait). */
  async settled(): Promise<void> {
    while (this.pumps.size > 0) await Promise.all([...this.pumps.values()])
  }

  private poll(): void {
    this.wake()
    this.poller = this.platform.setTimeout(() => this.poll(), this.policy.pollMs)
  }

  private wakeStream(id: string): void {
    if (this.pumps.has(id)) {
      this.again.add(id)
      return
    }
    const waiting = this.waits.get(id)
    if (waiting !== undefined) {
      this.platform.clearTimeout(waiting)
      this.waits.delete(id)
    }
    const pump = this.pump(id)
      .catch((error: unknown) => {
        // A bug or a database error must not kill the process; the next poll tries again.
        console.error(`auditlens: stream ${id} delivery loop failed: ${(error as Error).message}`)
      })
      .finally(() => {
        this.pumps.delete(id)
        if (this.again.delete(id) && this.running) this.wakeStream(id)
      })
    this.pumps.set(id, pump)
  }

  private async pump(id: string): Promise<void> {
    while (this.running) {
      const stream = this.store.get(id)
      if (!stream || stream.state === 'paused') return
      const now = this.platform.now()
      if (stream.next_attempt_at !== null && stream.next_attempt_at > now) {
        this.waits.set(
          id,
          this.platform.setTimeout(() => {
            this.waits.delete(id)
            this.wakeStream(id)
          }, stream.next_attempt_at - now),
        )
        return
      }
      const event = this.store.nextEvent(stream)
      if (!event) return
      const outcome = await send(
        {
          streamId: stream.id,
          url: stream.url,
          secret: this.store.secretOf(stream),
          id: deliveryId(stream.id, event.id),
          type: 'audit.event',
          body: this.events.toJson(event),
        },
        this.platform,
        this.policy.timeoutMs,
        this.cancel.signal,
      )
      // An attempt cut short by stop() is not the receiver's failure: the event stays pending.
      if (!this.running) return
      const done = this.platform.now()
      if (outcome.delivered) {
        this.store.recordSuccess(id, event.seq, done)
      } else {
        const retryAt = done + backoffDelay(stream.failure_streak + 1, this.policy, this.random)
        this.store.recordFailure(id, outcome.error, done, retryAt, this.policy.pauseAfter)
      }
    }
  }
}
