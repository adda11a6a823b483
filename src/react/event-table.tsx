'use client'
/**
 * The virtualized grid of events: TanStack Table v9 for columns and cells, TanStack Virtual
 * for rows (only visible rows plus overscan are in the DOM, at 100 rows or 1,000,000). Grid
 * semantics survive virtualization: every row, gap markers and the loader included, carries its
 * aria-rowindex (the header is row 1), and aria-rowcount is the exact total once everything is
 * loaded, -1 ("unknown", WAI-ARIA 1.2) while more pages exist. The keyboard moves a focused row:
 * Up/Down, PageUp/PageDown, Home/End, Enter to open.
 */
import { memo, useCallback, useEffect, useImperativeHandle, useMemo, useRef, type Ref } from 'react'
import type { AuditEvent, LogRow } from '../core/index.js'
import { useAuditLogContext } from './context.js'
import { builtInColumns, withHostColumns, type AuditLogColumn, type ColumnVisibility } from './event-columns.js'
import {
  columnVisibilityFeature,
  createColumnHelper,
  FlexRender,
  tableFeatures,
  useTable,
  useVirtualizer,
  type Row,
} from './vendor/table.js'

const features = tableFeatures({ columnVisibilityFeature })
/** One object, not a new `{}` each render, so the table's memoised column state holds across frames. */
const ALL_VISIBLE: ColumnVisibility = {}
const helper = createColumnHelper<typeof features, AuditEvent>()

/**
 * A row's cells, re-rendered only when the row, the columns or their visibility change: every
 * scroll frame re-renders the grid, and the rows still on screen need not follow. (Badges
 * subscribe to the verifier themselves.)
 */
const RowCells = memo(function RowCells(props: {
  row: Row<typeof features, AuditEvent>
  /** Not read: a change of columns or of their visibility must render the cells again. */
  columns: unknown
  visible: string
}) {
  return props.row.getVisibleCells().map((cell) => (
    <div className="al-cell" role="gridcell" key={cell.id}>
      <FlexRender cell={cell} />
    </div>
  ))
})

/** What the table does on request (TanStack Virtual's `scrollToIndex`, reached through a ref). */
export interface EventTableHandle {
  /** Scroll row `index` (in `items`) into view, and focus it once it is rendered if `focus`. */
  scrollToIndex(index: number, options?: { focus?: boolean }): void
}

export interface EventTableProps {
  /** The rows to draw: events, gap markers and the loader row (the log model's `rows`). */
  items: readonly LogRow[]
  /** The loaded events, newest first (the table's data). */
  events: readonly AuditEvent[]
  /** Row height: comfortable (52 px) or compact (36 px). */
  density: 'comfortable' | 'compact'
  /** Extra columns, or built-in ones replaced by id. */
  columns?: readonly AuditLogColumn[]
  /** Hide columns by id. */
  columnVisibility?: ColumnVisibility
  /** Called when the loader row scrolls into view. */
  onNearEnd: () => void
  /** Open the event at this index in `events` (click or Enter). */
  onOpen: (eventIndex: number) => void
  /** Index (in `items`) of the row that has focus; moved by the keyboard. */
  focusedIndex: number
  /** The keyboard or a click moved focus to this row index. */
  onFocusedIndexChange: (index: number) => void
  /** Commands for the parent: scroll to a row (and focus it), e.g. after the dialog closes. */
  ref?: Ref<EventTableHandle>
  /** Whether more pages exist, so the total number of rows is not known yet. */
  hasMore: boolean
  /** Whether reaching the loader row may load a page (not while one loads or after one failed). */
  canLoadMore: boolean
  /** "Now" for relative times; `null` until mounted. */
  now: number | null
  /** A page is loading (the loader row says so). */
  loadingMore: boolean
  /** Expose the scroll element (for live tail: is the reader at the top?). */
  scrollRef: React.RefObject<HTMLDivElement | null>
  /** The body scrolled (for live tail's "new events" pill). */
  onScroll?: () => void
}

export function EventTable(props: EventTableProps) {
  const { items, events, density, onNearEnd, onOpen, focusedIndex, onFocusedIndexChange, now } = props
  const { messages, verifier, locale, timeZone } = useAuditLogContext('AuditLog')
  const rowHeight = density === 'compact' ? 36 : 52

  const columns = useMemo(
    () => withHostColumns(builtInColumns({ messages, verifier, now, locale, timeZone }), props.columns),
    [messages, verifier, now, locale, timeZone, props.columns],
  )

  const tableColumns = useMemo(
    () =>
      helper.columns(
        columns.map((column) =>
          helper.display({
            id: column.id,
            header: () => column.header,
            cell: (context) => column.cell(context.row.original),
          }),
        ),
      ),
    [columns],
  )
  const data = events as AuditEvent[]
  const table = useTable({
    features,
    columns: tableColumns,
    data,
    getRowId: (event) => event.id,
    state: { columnVisibility: props.columnVisibility ?? ALL_VISIBLE },
  })
  const rows = table.getRowModel().rows
  const visibleIds = table.getVisibleLeafColumns().map((c) => c.id)
  const visibleKey = visibleIds.join()
  const template = visibleIds.map((id) => columns.find((c) => c.id === id)?.width ?? 'minmax(8rem, 1fr)').join(' ')

  // Stable callbacks: TanStack Virtual recomputes every row's offset (O(rows), 100,000 at a
  // time) whenever getItemKey changes identity, which an inline function did on every frame.
  const getItemKey = useCallback(
    (index: number) => {
      const item = items[index]!
      return item.kind === 'event' ? item.event.id : item.kind === 'gap' ? `gap-${item.gap.from}` : 'loader'
    },
    [items],
  )
  const estimateSize = useCallback(() => rowHeight, [rowHeight])
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => props.scrollRef.current,
    estimateSize,
    overscan: 8,
    initialRect: { width: 800, height: 600 },
    getItemKey,
  })
  const virtualItems = virtualizer.getVirtualItems()
  // A fling moves the list more than a screen between frames: every row would be new every
  // frame, and nobody can read them. Until it slows down, or stops for 150 ms, such frames draw
  // each row as a light placeholder (same element, so focus stays), which keeps frames short.
  const firstIndex = virtualItems[0]?.index ?? 0
  const lastIndex = virtualItems.at(-1)?.index ?? 0
  const shown = useRef({ first: firstIndex, last: lastIndex })
  const passing = virtualizer.isScrolling && (firstIndex > shown.current.last || lastIndex < shown.current.first)
  useEffect(() => {
    shown.current = { first: firstIndex, last: lastIndex }
  })
  // One tab stop: the focused row, or the first rendered row when that one scrolled away.
  const tabStop = virtualItems.some((v) => v.index === focusedIndex) ? focusedIndex : (virtualItems[0]?.index ?? 0)

  // Ask for more when the loader row comes into view, or is still in view after a page landed;
  // never while a page loads or after one failed (the Retry button is for that).
  const lastRendered = virtualItems.at(-1)?.index ?? -1
  const loaderInView = items[lastRendered]?.kind === 'loader'
  useEffect(() => {
    if (loaderInView && props.canLoadMore) onNearEnd()
  }, [loaderInView, props.canLoadMore, events.length, onNearEnd])

  const gridRef = useRef<HTMLDivElement>(null)
  // The row to focus once it is rendered: a row scrolled to may appear a render or more later
  // (the virtualizer renders it when the scroll lands), so one animation frame is not enough
  // on a busy page; every commit checks until it is there.
  const pendingFocus = useRef<number | null>(null)
  const focusRow = useCallback((index: number) => {
    const row = gridRef.current?.querySelector<HTMLElement>(`[data-item-index="${index}"]`)
    pendingFocus.current = row ? null : index
    row?.focus({ preventScroll: true }) // the virtualizer does the scrolling
  }, [])
  useEffect(() => {
    if (pendingFocus.current !== null) focusRow(pendingFocus.current)
  })
  useImperativeHandle(
    props.ref,
    () => ({
      scrollToIndex(index, options = {}) {
        virtualizer.scrollToIndex(index, { align: 'auto' })
        if (options.focus) focusRow(index)
      },
    }),
    [virtualizer, focusRow],
  )

  // The loader row is not a place to rest: when its page lands it moves away and would take
  // keyboard focus with it. End and the arrows stop at the last loaded row, which brings the
  // loader into view, so the next page loads and End goes further.
  const lastRow = items.at(-1)?.kind === 'loader' ? items.length - 2 : items.length - 1
  const move = (to: number) => {
    const index = Math.max(0, Math.min(lastRow, to))
    onFocusedIndexChange(index)
    virtualizer.scrollToIndex(index, { align: 'auto' })
    focusRow(index)
  }
  const pageRows = Math.max(1, Math.floor((props.scrollRef.current?.clientHeight ?? 600) / rowHeight) - 1)

  return (
    <div
      ref={gridRef}
      className="al-grid"
      role="grid"
      aria-label={messages.table.label}
      aria-rowcount={props.hasMore ? -1 : items.length + 1}
      // The loaded events, for hosts and tests: aria-rowcount is -1 until the last page is in.
      data-loaded-rows={events.length}
      aria-colcount={visibleIds.length}
      onKeyDown={(event) => {
        const keys: Record<string, number> = {
          ArrowDown: focusedIndex + 1,
          ArrowUp: focusedIndex - 1,
          PageDown: focusedIndex + pageRows,
          PageUp: focusedIndex - pageRows,
          Home: 0,
          End: lastRow,
        }
        if (event.key in keys) {
          event.preventDefault()
          move(keys[event.key]!)
        } else if (event.key === 'Enter') {
          const item = items[focusedIndex]
          if (item?.kind === 'event') {
            event.preventDefault()
            onOpen(item.eventIndex)
          }
        }
      }}
      style={{ ['--al-columns' as string]: template }}
    >
      <div className="al-grid__head" role="rowgroup">
        {table.getHeaderGroups().map((group) => (
          <div className="al-row al-row--head" role="row" aria-rowindex={1} key={group.id}>
            {group.headers
              .filter((header) => header.column.getIsVisible())
              .map((header) => (
                <div className="al-cell al-cell--head" role="columnheader" key={header.id}>
                  <table.FlexRender header={header} />
                </div>
              ))}
          </div>
        ))}
      </div>
      <div ref={props.scrollRef} className="al-grid__body" role="rowgroup" onScroll={props.onScroll}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualItems.map((virtual) => {
            const item = items[virtual.index]!
            const style = { transform: `translateY(${virtual.start}px)`, height: rowHeight }
            const rowProps = {
              role: 'row',
              'aria-rowindex': virtual.index + 2,
              style,
              'data-item-index': virtual.index,
              tabIndex: virtual.index === tabStop ? 0 : -1,
              onFocus: () => virtual.index !== focusedIndex && onFocusedIndexChange(virtual.index),
            }
            if (item.kind === 'gap') {
              const count = item.gap.to - item.gap.from + 1
              return (
                <div key={virtual.key} className="al-row al-row--gap" {...rowProps}>
                  <div className="al-cell al-cell--full" role="gridcell" aria-colspan={visibleIds.length}>
                    <svg className="al-gap__icon" viewBox="0 0 16 16" aria-hidden="true">
                      <path d="M8 2.5l6 11H2z" />
                      <path d="M8 7v3M8 11.5v.5" />
                    </svg>
                    {messages.gap(count, item.gap.from, item.gap.to)}
                  </div>
                </div>
              )
            }
            if (item.kind === 'loader') {
              return (
                <div key={virtual.key} className="al-row al-row--loader" {...rowProps}>
                  <div className="al-cell al-cell--full al-muted" role="gridcell" aria-colspan={visibleIds.length}>
                    {props.loadingMore ? messages.states.loadingMore : ''}
                  </div>
                </div>
              )
            }
            const row = rows[item.eventIndex]
            if (!row) return null
            if (passing) {
              return (
                <div key={virtual.key} className="al-row al-row--passing" {...rowProps}>
                  <div className="al-cell al-cell--full" role="gridcell" aria-colspan={visibleIds.length} />
                </div>
              )
            }
            return (
              <div key={virtual.key} className="al-row" onClick={() => onOpen(item.eventIndex)} {...rowProps}>
                <RowCells row={row} columns={columns} visible={visibleKey} />
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
