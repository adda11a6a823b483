/**
 * The proxy's token bucket on an injected clock: time is stepped by hand, never slept.
 */
import { describe, expect, it } from 'vitest'
import { RateLimiter } from '../../src/proxy/rate-limit.js'

function limiterAt(start: number, options = { burst: 3, perSecond: 1 }) {
  const clock = { now: start }
  return { clock, limiter: new RateLimiter(options, () => clock.now) }
}

describe('RateLimiter', () => {
  it('allows a burst, then asks the caller to wait, and refills with time', () => {
    const { clock, limiter } = limiterAt(1_000_000)
    expect([limiter.take('u'), limiter.take('u'), limiter.take('u')]).toEqual([0, 0, 0])
    expect(limiter.take('u')).toBe(1)
    clock.now += 1000
    expect(limiter.take('u')).toBe(0)
  })

  it('given the wall clock steps back an hour, does not lock the user out', () => {
    const { clock, limiter } = limiterAt(Date.parse('2026-11-20T12:00:00Z'))
    expect(limiter.take('u')).toBe(0)
    clock.now -= 3_600_000
    expect(limiter.take('u')).toBe(0)
    expect(limiter.take('u')).toBe(0)
    // The burst is spent now, and one more second refills one request, as before the step.
    expect(limiter.take('u')).toBe(1)
    clock.now += 1000
    expect(limiter.take('u')).toBe(0)
  })

  it('given the clock steps back, does not hand out more than the burst either', () => {
    const { clock, limiter } = limiterAt(5_000_000)
    for (let i = 0; i < 3; i++) limiter.take('u')
    clock.now -= 10_000
    expect(limiter.take('u')).toBeGreaterThan(0)
  })
})
