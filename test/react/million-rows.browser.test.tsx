/**
 * The grid with 2,000,000 rows (104,000,000 px at 52 px, three times what Chromium lays out) in
 * real Chromium: the rows are the log model's `LogRows` over 10,000 pages of 200 whose events
 * are not held (placeholders, as after the window dropped them), so no ledger is needed.
 * Every row is reachable by keyboard, scrollbar and `scrollToIndex`, small scrolls move rows by
 * their own px, and the spacer stays within the cap.
 */
import { render, waitFor } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { useRef, useState } from 'react'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadWindow } from '../../src/core/log/block-list.js'
import { rowsOver, type LogRows } from '../../src/core/log/log-rows.js'
import type { PageBlock } from '../../src/core/log/page-blocks.js'
import { AuditLogProvider } from '../../src/react/index.js'
import { EventTable, type EventTableHandle } from '../../src/react/event-table.js'
import { rowHeightOf } from '../../src/react/event-columns.js'
import { MAX_SCROLL_PX } from '../../src/react/scroll-space.js'
import '../../src/react/styles.css'
import { fakeClient } from './fake-client.js'

const PAGES = 10_000
const PAGE = 200
const ROWS = PAGES * PAGE
const ROW = 52

/** Pages whose events were dropped: a count each, no events, no gaps. */
function droppedRows(): LogRows {
  const blocks: PageBlock[] = Array.from({ length: PAGES }, (_, i) => ({
    key: i + 1,
    cursor: `c${i}`,
    newest: ROWS - i * PAGE,
    oldest: ROWS - (i + 1) * PAGE + 1,
    count: PAGE,
    oldestId: null,
    orgId: null,
    gaps: [],
    events: null,
  }))
  return rowsOver(blocks, 0, {})
}

interface TableProps {
  rows: LogRows
  handle: React.RefObject<EventTableHandle | null>
  density: 'comfortable' | 'compact'
}

function Table({ rows, handle, density }: TableProps) {
  const [focused, setFocused] = useState(0)
  const scrollRef = useRef<HTMLDivElement | null>(null)
  return (
    <EventTable
      items={rows}
      heldRows={0}
      rowHeight={rowHeightOf(density, false)}
      paging={{ hasMore: false, canLoadMore: false, loadingMore: false, loadMore: () => {} }}
      focus={{ index: focused, onChange: setFocused }}
      scroll={{ ref: scrollRef }}
      onOpen={() => {}}
      now={null}
      handleRef={handle}
    />
  )
}

function mount() {
  const { client } = fakeClient({ events: [] })
  const handle: React.RefObject<EventTableHandle | null> = { current: null }
  const rows = droppedRows()
  const tree = (density: 'comfortable' | 'compact') => (
    <AuditLogProvider client={client}>
      <div className="al-root al-log" style={{ height: 600, width: 1000, display: 'flex', flexDirection: 'column' }}>
        <Table rows={rows} handle={handle} density={density} />
      </div>
    </AuditLogProvider>
  )
  const view = render(tree('comfortable'))
  const body = view.container.querySelector<HTMLElement>('.al-grid__body')!
  const row = (ariaIndex: number) => body.querySelector<HTMLElement>(`[aria-rowindex="${ariaIndex}"]`)
  /** Whether a row is wholly inside the scroll element's box. */
  const inView = (element: HTMLElement) => {
    const box = body.getBoundingClientRect()
    const at = element.getBoundingClientRect()
    return at.top >= box.top - 0.5 && at.bottom <= box.bottom + 0.5
  }
  return { body, row, inView, handle, setDensity: (density: 'compact') => view.rerender(tree(density)) }
}

/**
 * The scroll event, then two frames: the list has heard the scroll and React has drawn it (the
 * element itself moves the rows at once, before the list hears of it).
 */
async function scrolledAndDrawn(element: HTMLElement) {
  await new Promise((resolve) => element.addEventListener('scroll', resolve, { once: true }))
  for (let i = 0; i < 2; i++) await new Promise((resolve) => requestAnimationFrame(resolve))
}

describe('2,000,000 rows in Chromium', () => {
  // Dropped pages' placeholder rows come from the on-demand window module, as in the store.
  beforeAll(() => loadWindow())

  it('keeps the spacer within the cap, and the scrollbar at the bottom shows the last row in view', async () => {
    const log = mount()
    expect(log.body.scrollHeight).toBeLessThanOrEqual(MAX_SCROLL_PX)
    expect(log.body.scrollHeight).toBeGreaterThan(600)
    log.body.scrollTop = log.body.scrollHeight
    await waitFor(() => expect(log.row(ROWS + 1)).not.toBeNull())
    expect(log.inView(log.row(ROWS + 1)!)).toBe(true)
    expect(log.row(ROWS + 1)!.getBoundingClientRect().bottom).toBeCloseTo(log.body.getBoundingClientRect().bottom, 0)
    expect(log.body.querySelectorAll('[role="row"]').length).toBeLessThanOrEqual(60)
  })

  it('goes to the last row with End, focused and in view, and back to the first with Home', async () => {
    const log = mount()
    log.row(2)!.focus()
    await userEvent.keyboard('{End}')
    await waitFor(() => expect(document.activeElement).toHaveAttribute('aria-rowindex', String(ROWS + 1)))
    expect(log.inView(document.activeElement as HTMLElement)).toBe(true)
    await userEvent.keyboard('{Home}')
    await waitFor(() => expect(document.activeElement).toHaveAttribute('aria-rowindex', '2'))
    expect(log.body.scrollTop).toBe(0)
  })

  it('scrolls row 900,000 into view and focuses it (after the dialog closes, deep links), and arrows move one row', async () => {
    const log = mount()
    log.handle.current!.scrollToIndex(900_000, { focus: true })
    await waitFor(() => expect(document.activeElement).toHaveAttribute('aria-rowindex', '900002'))
    expect(log.inView(document.activeElement as HTMLElement)).toBe(true)
    await userEvent.keyboard('{ArrowDown}')
    await waitFor(() => expect(document.activeElement).toHaveAttribute('aria-rowindex', '900003'))
    expect(log.inView(document.activeElement as HTMLElement)).toBe(true)
    await userEvent.keyboard('{ArrowUp}{ArrowUp}')
    await waitFor(() => expect(document.activeElement).toHaveAttribute('aria-rowindex', '900001'))
    expect(log.inView(document.activeElement as HTMLElement)).toBe(true)
  })

  it('moves rows by a small scroll’s own px deep in the list, not by the scale factor', async () => {
    const log = mount()
    log.handle.current!.scrollToIndex(1_000_000)
    await waitFor(() => expect(log.row(1_000_002)).not.toBeNull())
    const before = log.row(1_000_002)!.getBoundingClientRect().top
    for (const by of [3 * ROW, -ROW, 100]) {
      const top = log.row(1_000_002)!.getBoundingClientRect().top
      const handled = scrolledAndDrawn(log.body)
      log.body.scrollTop += by
      await handled
      expect(log.row(1_000_002)!.getBoundingClientRect().top).toBeCloseTo(top - by, 0)
    }
    expect(log.row(1_000_002)!.getBoundingClientRect().top).toBeCloseTo(before - 2 * ROW - 100, 0)
  })

  it('keeps the row at the top of the view when the density changes deep in the list', async () => {
    const log = mount()
    log.handle.current!.scrollToIndex(1_000_000)
    await waitFor(() => expect(log.row(1_000_002)).not.toBeNull())
    log.setDensity('compact')
    await waitFor(() => expect(log.row(1_000_002)?.style.height).toBe('36px'))
    expect(log.inView(log.row(1_000_002)!)).toBe(true)
  })
})
