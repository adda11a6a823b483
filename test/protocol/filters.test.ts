import { describe, expect, it } from 'vitest'
import { filtersToBody, parseExportFilters } from '../../src/protocol/filters.js'

describe('filtersToBody', () => {
  it('turns the UI’s exclusive `to` into an inclusive range_end one millisecond earlier', () => {
    const body = filtersToBody({ from: '2026-06-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' })
    expect(body).toEqual({ range_start: '2026-06-01T00:00:00.000Z', range_end: '2026-06-30T23:59:59.999Z' })
  })

  it('gives an export the same window the list shows: an event exactly at `to` stays out', () => {
    const to = '2026-07-01T00:00:00.000Z'
    const filters = parseExportFilters(filtersToBody({ to }) as never)
    expect(filters.toInclusive).toBe(true)
    const inWindow = (occurredAt: string) => occurredAt <= filters.to!
    expect(inWindow('2026-06-30T23:59:59.999Z')).toBe(true)
    expect(inWindow(to)).toBe(false)
  })
})
