/**
 * The grid builds TanStack Table rows for the events it draws, not for every loaded event: at
 * 100,000 loaded events a Row each (with its value caches and a `rowsById` entry) cost tens of
 * MB and was rebuilt in full on every page.
 */
import { render, renderHook, screen, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { useEventGrid } from '../../src/react/event-grid.js'
import { AuditLog, AuditLogProvider } from '../../src/react/index.js'
import { fakeClient, plainEvents } from './fake-client.js'

/** The ids of the events TanStack rows were built for, through the real constructRow. */
const constructed: string[] = []
vi.mock('../../src/react/vendor/table.js', async (importOriginal) => {
  const table = await importOriginal<typeof import('../../src/react/vendor/table.js')>()
  return {
    ...table,
    constructRow: ((...args: Parameters<typeof table.constructRow>) => {
      constructed.push(args[1])
      return table.constructRow(...args)
    }) as typeof table.constructRow,
  }
})

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

  it('in <AuditLog> with 1,000 events loaded, builds rows only for the events it draws', async () => {
    // The hook above is given no events at all; this is the view that holds them, so a row
    // built per loaded event (the tens of MB this avoids) fails here.
    constructed.length = 0
    render(
      <AuditLogProvider client={fakeClient({ events, singlePage: true }).client}>
        <AuditLog showExport={false} />
      </AuditLogProvider>,
    )
    const grid = await screen.findByRole('grid')
    await waitFor(() => expect(grid).toHaveAttribute('data-loaded-rows', '1000'))
    const drawn = grid.querySelectorAll('[data-item-index]').length
    expect(drawn).toBeGreaterThan(0)
    expect(drawn).toBeLessThan(1000)
    expect(constructed.length).toBeGreaterThan(0)
    expect(new Set(constructed).size).toBeLessThanOrEqual(drawn)
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
