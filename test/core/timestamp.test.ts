import { describe, expect, it } from 'vitest'
import { normalizeTimestamp } from '../../src/core/index.js'

const normalized = (input: string) => {
  const result = normalizeTimestamp(input)
  if (!result.ok) throw new Error(`expected ${input} to normalise, got: ${result.problem}`)
  return result.value
}

describe('normalizeTimestamp', () => {
  it.each([
    ['2026-06-10T19:47:52.901Z', '2026-06-10T19:47:52.901Z'],
    ['2026-06-10t19:47:52.901z', '2026-06-10T19:47:52.901Z'],
    ['2026-06-10T19:47:52Z', '2026-06-10T19:47:52.000Z'],
    ['2026-06-10T19:47:52.9Z', '2026-06-10T19:47:52.900Z'],
    ['2026-06-10T19:47:52.999999999Z', '2026-06-10T19:47:52.999Z'],
    ['2026-06-10T22:47:52.336123+03:00', '2026-06-10T19:47:52.336Z'],
    ['2026-06-10T19:47:52.901-00:00', '2026-06-10T19:47:52.901Z'],
  ])('normalises %s to %s, truncating and never rounding', (input, expected) => {
    expect(normalized(input)).toBe(expected)
  })

  it('crosses day, month and year boundaries in both directions', () => {
    expect(normalized('2026-01-01T00:30:00.5+01:00')).toBe('2025-12-31T23:30:00.500Z')
    expect(normalized('2025-12-31T23:59:59.9999-00:01')).toBe('2026-01-01T00:00:59.999Z')
    expect(normalized('2024-03-01T01:00:00+02:00')).toBe('2024-02-29T23:00:00.000Z')
    expect(normalized('2023-03-01T01:00:00+02:00')).toBe('2023-02-28T23:00:00.000Z')
    expect(normalized('2026-12-31T20:00:00.123456-23:59')).toBe('2027-01-01T19:59:00.123Z')
  })

  it('handles the far ends of the four-digit year range', () => {
    expect(normalized('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000Z')
    expect(normalized('9999-12-31T23:59:59.999Z')).toBe('9999-12-31T23:59:59.999Z')
    expect(normalizeTimestamp('9999-12-31T23:59:59-00:01')).toMatchObject({ ok: false })
    expect(normalizeTimestamp('0000-01-01T00:00:00+00:01')).toMatchObject({ ok: false })
  })

  it('gives the epoch milliseconds of the instant', () => {
    expect(normalizeTimestamp('2026-06-10T22:47:52.336123+03:00')).toMatchObject({
      epochMs: Date.parse('2026-06-10T19:47:52.336Z'),
    })
  })

  it.each([
    '2026-06-10 19:47:52Z',
    '2026-06-10T19:47:52',
    '2026-06-10T19:47:52.Z',
    '2026-6-10T19:47:52Z',
    '2026-06-10T19:47:52+0300',
    '2026-13-01T00:00:00Z',
    '2026-00-01T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-06-10T24:00:00Z',
    '2026-06-10T23:60:00Z',
    '2026-06-30T23:59:60Z',
    '2026-06-10T19:47:52+24:00',
    '2026-06-10T19:47:52+03:60',
    ' 2026-06-10T19:47:52Z',
  ])('rejects %j', (input) => {
    const result = normalizeTimestamp(input)
    expect(result.ok).toBe(false)
    expect(result.ok ? '' : result.problem).not.toBe('')
  })

  it('accepts 29 February in leap years, including 2000', () => {
    expect(normalized('2000-02-29T12:00:00Z')).toBe('2000-02-29T12:00:00.000Z')
  })
})

describe('normalizeTimestamp against the instant it names', () => {
  it('gives back the same instant for any time written in any offset, with extra fraction digits', async () => {
    const fc = (await import('fast-check')).default
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1, 0, 1), max: Date.UTC(9998, 11, 31) }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        fc.integer({ min: 0, max: 999 }),
        (ms, offset, extra) => {
          // Write the instant as local time at `offset`, then add sub-millisecond digits.
          const local = new Date(ms + offset * 60_000).toISOString().slice(0, 23)
          const sign = offset < 0 ? '-' : '+'
          const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')
          const mm = String(Math.abs(offset) % 60).padStart(2, '0')
          const text = `${local}${String(extra).padStart(3, '0')}${sign}${hh}:${mm}`
          expect(normalizeTimestamp(text)).toEqual({ ok: true, value: new Date(ms).toISOString(), epochMs: ms })
        },
      ),
      { numRuns: 2000 },
    )
  })
})
