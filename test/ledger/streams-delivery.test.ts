/**
 * Webhook delivery from the ledger to a real receiver on 127.0.0.1: every event, in seq order,
 * byte for byte the API's JSON, signed; retries with backoff, timeouts, pause and resume. Time
 * is a ManualClock, so retries are stepped, not slept through.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { StreamOptions } from '../../src/ledger/streams/streams.js'
import { startLedger, eventBody, type TestLedger } from '../support/ledger.js'
import { ManualClock } from '../support/manual-clock.js'
import { startReceiver, type Answer } from '../support/webhook-receiver.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A delivering ledger on a ManualClock, one org `acme` and one stream to a checking receiver. */
async function setup(answer: Answer, options: StreamOptions = {}) {
  const clock = new ManualClock()
  const t: TestLedger = await startLedger({
    now: clock.now,
    streams: {
      deliver: true,
      // The receiver is on 127.0.0.1, a private address: opted in explicitly (default refused).
      allowPrivateTargets: true,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      random: () => 0.5,
      baseDelayMs: 1000,
      maxDelayMs: 8000,
      ...options,
    },
  })
  const receiver = await startReceiver(answer)
  cleanups.push(
    () => t.close(),
    () => receiver.close(),
  )
  const org = t.ledger.createOrg('acme', null)
  const created = await t.call(`/v1/audit/orgs/${org.id}/streams`, { method: 'POST', json: { url: receiver.url } })
  const stream = (await created.json()) as { id: string; signing_secret: string }
  receiver.secret = stream.signing_secret
  const health = async () => {
    await t.ledger.streams.settled()
    const { streams } = (await (await t.call(`/v1/audit/orgs/${org.id}/streams`)).json()) as {
      streams: Record<string, unknown>[]
    }
    return streams[0]!
  }
  return { t, clock, receiver, org, stream, health }
}

const at = (clock: ManualClock, deltaMs = 0) => new Date(clock.now() + deltaMs).toISOString()

describe('webhook delivery', () => {
  it('delivers every event in seq order as the exact API JSON, signed, with a stable delivery id each', async () => {
    const { t, clock, receiver, health } = await setup(() => 200)
    const events = []
    for (let i = 1; i <= 5; i++) events.push(await t.ingest(eventBody({ action: `invoice.step${i}` })))
    await receiver.waitFor(5)
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { seq: number }).seq)).toEqual([1, 2, 3, 4, 5])
    for (const [i, delivery] of receiver.received.entries()) {
      expect(delivery.body).toBe(await (await t.call(`/v1/audit/events/${String(events[i]!.id)}`)).text())
      expect(delivery.verified).toBe(true)
      expect(delivery.type).toBe('audit.event')
      expect(delivery.headers['content-type']).toBe('application/json')
      expect(delivery.timestamp).toBe(String(Math.floor(clock.now() / 1000)))
    }
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(5)
    expect(await health()).toMatchObject({
      state: 'active',
      cursor_seq: 5,
      failure_streak: 0,
      last_error: null,
      last_success_at: at(clock),
      last_delivery_at: at(clock),
      next_attempt_at: null,
    })
  })

  it('retries after 500s with exponential backoff and full jitter, under the same webhook-id', async () => {
    const { t, clock, receiver, health } = await setup((n) => (n < 2 ? 500 : 200))
    await t.ingest(eventBody())
    await receiver.waitFor(1)
    // random() = 0.5: half of base × 2^(n-1), so 500 ms, then 1000 ms.
    expect(await health()).toMatchObject({
      state: 'error',
      failure_streak: 1,
      last_error: 'HTTP 500',
      cursor_seq: 0,
      next_attempt_at: at(clock, 500),
    })
    clock.advance(499)
    expect((await health()).failure_streak).toBe(1)
    expect(receiver.received).toHaveLength(1)
    clock.advance(1)
    await receiver.waitFor(2)
    expect(await health()).toMatchObject({ failure_streak: 2, next_attempt_at: at(clock, 1000) })
    clock.advance(1000)
    await receiver.waitFor(3)
    expect(await health()).toMatchObject({ state: 'active', failure_streak: 0, cursor_seq: 1, last_error: null })
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(1)
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1)
    expect(receiver.received.every((r) => r.verified)).toBe(true)
  })

  it('times out a receiver that does not answer, keeps one request in flight, and retries in order', async () => {
    const { t, clock, receiver, health } = await setup((n) => (n === 0 ? 'hang' : 200), { timeoutMs: 10_000 })
    await t.ingest(eventBody({ action: 'first.event' }))
    await receiver.waitFor(1)
    await t.ingest(eventBody({ action: 'second.event' }))
    await t.ingest(eventBody({ action: 'third.event' }))
    clock.advance(10_000)
    expect(await health()).toMatchObject({ state: 'error', failure_streak: 1, last_error: 'timed out after 10 s' })
    expect(receiver.received).toHaveLength(1)
    clock.advance(500)
    await receiver.waitFor(4)
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { action: string }).action)).toEqual([
      'first.event',
      'first.event',
      'second.event',
      'third.event',
    ])
    expect(receiver.received[0]!.id).toBe(receiver.received[1]!.id)
    expect(await health()).toMatchObject({ state: 'active', cursor_seq: 3 })
  })

  it('treats a redirect as a failure and never follows it', async () => {
    const { t, receiver, health } = await setup((n) =>
      n === 0 ? { status: 307, location: 'http://127.0.0.1:9/elsewhere' } : 200,
    )
    await t.ingest(eventBody())
    await receiver.waitFor(1)
    expect(await health()).toMatchObject({ state: 'error', last_error: 'HTTP 307: redirects are not followed' })
  })

  it('pauses a stream after repeated failures, holds its events, and delivers them from the cursor on resume', async () => {
    const { t, clock, receiver, org, stream, health } = await setup(() => 500, { pauseAfter: 4, maxDelayMs: 2000 })
    await t.ingest(eventBody({ action: 'held.first' }))
    await receiver.waitFor(1)
    const delays = []
    for (let attempt = 2; attempt <= 4; attempt++) {
      const next = Date.parse(String((await health()).next_attempt_at))
      delays.push(next - clock.now())
      clock.advance(next - clock.now())
      await receiver.waitFor(attempt)
    }
    // Capped at half of maxDelayMs by random() = 0.5.
    expect(delays).toEqual([500, 1000, 1000])
    expect(await health()).toMatchObject({ state: 'paused', failure_streak: 4, next_attempt_at: null })
    await t.ingest(eventBody({ action: 'held.second' }))
    clock.advance(3_600_000)
    expect((await health()).state).toBe('paused')
    expect(receiver.received).toHaveLength(4)

    receiver.answer = () => 200
    const resumed = await t.call(`/v1/audit/orgs/${org.id}/streams/${stream.id}/resume`, { method: 'POST' })
    expect(resumed.status).toBe(200)
    expect(await resumed.json()).toMatchObject({ id: stream.id, state: 'active', failure_streak: 0 })
    await receiver.waitFor(6)
    expect(receiver.received.slice(4).map((r) => (JSON.parse(r.body) as { action: string }).action)).toEqual([
      'held.first',
      'held.second',
    ])
    expect(await health()).toMatchObject({ state: 'active', cursor_seq: 2, last_error: null })
  })
})
