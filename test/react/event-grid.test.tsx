/**
 * The grid builds TanStack Table rows for the events it draws, not for every loaded event: at
 * 100,000 loaded events a Row each (with its value caches and a `rowsById` entry) cost tens of
 * MB and was rebuilt in full on every page.
 */
import { renderHook } from '@testing-library/react'
import type { ReactNode } from 'react'
import { describe, expect, it } from 'vitest'
import { useEventGrid } from '../../src/react/event-grid.js'
import { AuditLogProvider } from '../../src/react/index.js'
import { fakeClient, plainEvents } from './fake-client.js'

const events = plainEvents(1000)
const wrapper = ({ children }: { children: ReactNode }) => (
  <AuditLogProvider client={fakeClient({ events }).client}>{children}</AuditLogProvider>
)
const grid = () => renderHook(() => useEventGrid(undefined, undefined, null), { wrapper })

describe('useEventGrid', () => {
  it('given 1,000 loaded events, holds no TanStack row for any of them until one is drawn', () => {
    const { result } = grid()
    expect(result.current.table.getRowModel().rows).toHaveLength(0)
    expect(result.current.table.getCoreRowModel().flatRows).toHaveLength(0)
  })

  it('draws an event through TanStack Table: its row has the event and a cell per visible column', () => {
    const { result } = grid()
    const row = result.current.rows.of(events[7]!)
    expect(row.original).toBe(events[7])
    expect(row.id).toBe('aevt_993')
    expect(row.getVisibleCells().map((cell) => cell.column.id)).toEqual(result.current.visibleIds)
  })

  it('keeps the same row object for an event while it stays drawn, across renders', () => {
    const { result, rerender } = grid()
    const first = result.current.rows.of(events[3]!)
    rerender()
    expect(result.current.rows.of(events[3]!)).toBe(first)
  })

  it('keeps rows for the events drawn lately only: past 256, the oldest drawn is built afresh', () => {
    const { result } = grid()
    const first = result.current.rows.of(events[0]!)
    for (const event of events.slice(1, 300)) result.current.rows.of(event)
    const recent = result.current.rows.of(events[299]!)
    expect(result.current.rows.of(events[299]!)).toBe(recent)
    expect(result.current.rows.of(events[0]!)).not.toBe(first)
  })

  it('after a re-fetch, an equal event is a new object and gets a new row', () => {
    const { result, rerender } = grid()
    const before = result.current.rows.of(events[0]!)
    const refetched = events.map((event) => structuredClone(event))
    rerender()
    const after = result.current.rows.of(refetched[0]!)
    expect(after).not.toBe(before)
    expect(after.original).toBe(refetched[0])
  })
})
