/**
 * RefusalLog on its own (the log over real HTTP is in streams-private-targets.test.ts): what
 * makes a refusal news again after it was logged once.
 */
import { describe, expect, it } from 'vitest'
import { REFUSAL_LOG_INTERVAL_MS, RefusalLog } from '../../src/ledger/streams/refusal-log.js'
import { ManualClock } from '../support/manual-clock.js'

function refusalLog() {
  const clock = new ManualClock()
  const lines: string[] = []
  return { clock, lines, log: new RefusalLog((line) => lines.push(line), clock.now) }
}
const LINE =
  'auditlens: stream astr_1: no public address: hook.internal.test resolves to 10.0.0.7, not a public address'

describe('a refusal already logged for a stream', () => {
  it('is logged again once a delivery got past the guard, and the interval has passed', () => {
    const { clock, lines, log } = refusalLog()
    log.refused('astr_1', 'hook.internal.test resolves to 10.0.0.7, not a public address')
    log.passed('astr_1')
    log.refused('astr_1', 'hook.internal.test resolves to 10.0.0.7, not a public address')
    expect(lines).toEqual([LINE])
    clock.advance(REFUSAL_LOG_INTERVAL_MS)
    log.refused('astr_1', 'hook.internal.test resolves to 10.0.0.7, not a public address')
    expect(lines).toEqual([LINE, LINE])
  })

  it('stays out of the log for as long as nothing else happened to the stream', () => {
    const { clock, lines, log } = refusalLog()
    for (let hour = 0; hour < 24; hour++) {
      log.refused('astr_1', 'hook.internal.test resolves to 10.0.0.7, not a public address')
      clock.advance(60 * 60 * 1000)
    }
    expect(lines).toEqual([LINE])
  })

  it('does not hold back another stream’s, nor, once forgotten (its stream deleted), its own', () => {
    const { lines, log } = refusalLog()
    log.refused('astr_1', 'hook.internal.test resolves to 10.0.0.7, not a public address')
    log.refused('astr_2', 'other.internal.test did not resolve (ENOTFOUND)')
    log.forget('astr_1')
    log.refused('astr_1', 'hook.internal.test resolves to 10.0.0.7, not a public address')
    expect(lines).toEqual([
      LINE,
      'auditlens: stream astr_2: no public address: other.internal.test did not resolve (ENOTFOUND)',
      LINE,
    ])
  })
})
