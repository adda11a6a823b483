'use client'
/**
 * `<AuditLog>`'s view-only hooks: the clock for relative times, and keeping the row being read
 * in place when rows land above it. Everything else (paging, live tail, deep links) is the
 * log model's, in core.
 */
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react'
import type { LogRows } from '../core/index.js'
import type { EventTableHandle } from './event-table.js'

/**
 * "Now" for relative times, from `clock` (the client's platform clock): `null` until the
 * component has mounted, then refreshed every `intervalMs`. Never read while rendering, so a
 * server prerender (Next.js's `cacheComponents` refuses a render that reads the clock) and
 * the first client render agree, and rendering stays pure as React asks.
 */
export function useNow(clock: () => number, intervalMs = 30_000): number | null {
  const [now, setNow] = useState<number | null>(null)
  useEffect(() => {
    setNow(clock())
    const timer = setInterval(() => setNow(clock()), intervalMs)
    return () => clearInterval(timer)
  }, [clock, intervalMs])
  return now
}

/**
 * Keep the row being read where it is when rows land above it (live tail): after React
 * commits the new rows, find where the row that was at the top of the view is now (same page,
 * same place: an event or its placeholder) and scroll by however many rows now stand above it,
 * moving the focused row with it. Rows are counted through the table (`topRow`), not from
 * `scrollTop`, which past 2^24 px of rows is not rows times row height (`scroll-space.ts`).
 * Measured at commit time, so a reader who scrolled while the request was in flight is not
 * thrown back.
 */
export function useScrollAnchor(
  rows: LogRows,
  tableRef: RefObject<EventTableHandle | null>,
  onShift: (by: number) => void,
): void {
  const previousRows = useRef(rows)
  useLayoutEffect(() => {
    const before = previousRows.current
    previousRows.current = rows
    const index = tableRef.current?.topRow() ?? null
    if (index === null || before === rows) return
    const now = rows.follow(before, index)
    if (now > index) {
      tableRef.current!.scrollByRows(now - index)
      onShift(now - index)
    }
  }, [rows, tableRef, onShift])
}
