/**
 * The per-address exchange limit: a 429 with Retry-After that leaves the one-time token
 * unspent, so Invoance's viewer can retry it (invoance-audit-viewer `portalClient.ts`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RateLimiter } from '../../src/ledger/rate-limit.js'
import { startLedger, type TestLedger } from '../support/ledger.js'

let now = Date.parse('2026-11-20T12:00:00Z')
let t: TestLedger
let org: string

beforeAll(async () => {
  t = await startLedger({ now: () => now, portal: { exchangeRateLimit: { burst: 2, perMinute: 6 } } })
  org = t.ledger.createOrg('acme', null).id
})
afterAll(() => t.close())

const oneTimeToken = async () =>
  (
    (await (
      await t.call('/v1/audit/portal_sessions', { method: 'POST', json: { org_id: org, intent: 'audit_logs' } })
    ).json()) as { token: string }
  ).token

const exchange = (token: string) =>
  fetch(`${t.url}/v1/audit/portal/exchange`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://localhost:5173' },
    body: JSON.stringify({ token }),
  })

describe('POST /v1/audit/portal/exchange rate limit', () => {
  it('answers 429 with Retry-After before the token is used, and the same token works once the wait is over', async () => {
    expect((await exchange('aps_guess_1')).status).toBe(401)
    expect((await exchange('aps_guess_2')).status).toBe(401)
    const token = await oneTimeToken()
    const limited = await exchange(token)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('10')
    expect(limited.headers.get('access-control-expose-headers')).toBe('Retry-After')
    expect(await limited.json()).toEqual({ error: 'rate_limited', message: expect.stringMatching(/retry in 10 s/) })

    now += 9_000
    expect((await exchange(token)).status).toBe(429)
    now += 1_000
    const retried = await exchange(token)
    expect(retried.status).toBe(200)
    expect(await retried.json()).toMatchObject({ token: expect.any(String) })
  })
})

describe('RateLimiter', () => {
  it('keeps one bucket per key and refills it over time', () => {
    let clock = 0
    const limiter = new RateLimiter({ burst: 1, perMinute: 60 }, () => clock)
    expect([limiter.take('a'), limiter.take('a'), limiter.take('b')]).toEqual([0, 1, 0])
    clock += 1000
    expect(limiter.take('a')).toBe(0)
  })

  it('forgets the least recently seen key past its bound, which then starts with a full bucket', () => {
    const limiter = new RateLimiter({ burst: 1, perMinute: 1 }, () => 0, 2)
    expect([limiter.take('a'), limiter.take('b'), limiter.take('c')]).toEqual([0, 0, 0])
    expect(limiter.take('c')).toBe(60)
    expect(limiter.take('a')).toBe(0)
  })
})
