/**
 * `compareSeen`, the comparison a viewer makes alone when the service publishes no checkpoints:
 * what it counts as compared, since only a remembered event found again with the same
 * verified hash confirms anything (integrity-monitor.ts clears a restart note on that count).
 */
import { describe, expect, it } from 'vitest'
import { compareSeen } from '../../../src/core/proof/seen-events.js'

const seen = { highestSeq: 5, hashes: [[5, 'e5'] as [number, string], [4, 'e4'] as [number, string]] }

describe('compareSeen', () => {
  it('given remembered events loaded again with the same hashes, counts them compared', () => {
    const loaded = [
      { seq: 6, payloadHash: 'e6' },
      { seq: 5, payloadHash: 'e5' },
      { seq: 4, payloadHash: 'e4' },
    ]
    expect(compareSeen(seen, loaded, true)).toEqual({ problems: [], compared: 2 })
  })

  it('given loaded events that share no seq with the remembered ones, compares nothing', () => {
    const loaded = [
      { seq: 3, payloadHash: 'e3' },
      { seq: 2, payloadHash: 'e2' },
    ]
    expect(compareSeen(seen, loaded, false)).toEqual({ problems: [], compared: 0 })
  })

  it('given nothing remembered that verified, compares nothing', () => {
    const loaded = [{ seq: 5, payloadHash: 'e5' }]
    expect(compareSeen({ highestSeq: 5, hashes: [] }, loaded, true)).toEqual({ problems: [], compared: 0 })
  })

  it('given a remembered event that no longer verifies, reports it and does not count it', () => {
    const loaded = [
      { seq: 5, payloadHash: null },
      { seq: 4, payloadHash: 'e4' },
    ]
    expect(compareSeen(seen, loaded, true)).toEqual({
      problems: [{ kind: 'event-changed', seq: 5, remembered: 'e5', now: 'does not verify' }],
      compared: 1,
    })
  })
})
