'use client'
/**
 * The virtualized grid of events: TanStack Table v9 for columns and cells, `useFixedRows` for
 * rows (only visible rows plus overscan are in the DOM, at 100 rows or 1,000,000, in a scroll
 * space capped below the browsers' layout limit: `scroll-space.ts`). Grid
 * semantics survive virtualization: every row, gap markers and the loader included, carries its
 * aria-rowindex (the header is row 1), and aria-rowcount is the exact total once everything is
 * loaded, -1 ("unknown", WAI-ARIA 1.2) while more pages exist. The keyboard moves a focused row:
 * Up/Down, PageUp/PageDown, Home/End, Enter to open.
 */
import { useCallback, useEffect, useImperativeHandle, useRef, type Ref, type RefObject } from 'react'
import type { LogRows } from '../core/index.js'
import { useAuditLogContext } from './context.js'
import type { AuditLogColumn, ColumnVisibility } from './event-columns.js'
import { gridRow, useEventGrid } from './event-grid.js'
import { useFixedRows } from './use-fixed-rows.js'

/** What the table does on request, reached through a ref. */
export interface EventTableHandle {
  /** Scroll row `index` (in `items`) into view, and focus it once it is rendered if `focus`. */
  scrollToIndex(index: number, options?: { focus?: boolean }): void
  /**
   * The row at the top of the view, or `null` at the head (logical: the scroll element's
   * `scrollTop` is not rows times row height past 2^24 px).
   */
  topRow(): number | null
  /** Scroll by `rows` rows (live tail keeps the row being read in place). */
  scrollByRows(rows: number): void
}

/** Where the list stands on pages, and how to ask for the next one. */
export interface TablePaging {
  /** Whether more pages exist, so the total number of rows is not known yet. */
  hasMore: boolean
  /** Whether reaching the loader row may load a page (not while one loads or after one failed). */
  canLoadMore: boolean
  /** A page is loading (the loader row says so). */
  loadingMore: boolean
  /** Called when the loader row scrolls into view and `canLoadMore`. */
  loadMore: () => void
}

export interface EventTableProps {
  /** The rows to draw: events, placeholders, gap markers and the loader row (the log model's `rows`). */
  items: LogRows
  /** How many events are held in memory (bounded by the model's window), for `data-held-rows`. */
  heldRows: number
  /** Hears which rows are rendered (overscan included), so the model keeps or fetches their pages. */
  onViewport?: (firstIndex: number, lastIndex: number) => void
  /** Every row's height in px (`rowHeightOf`: density, cards and host columns decide it). */
  rowHeight: number
  /** Draw events as cards, for a log narrower than 640 px (`useCardLayout`); rows are taller. */
  cards?: boolean
  /** Extra columns, or built-in ones replaced by id. */
  columns?: readonly AuditLogColumn[]
  /** Hide columns by id. */
  columnVisibility?: ColumnVisibility
  paging: TablePaging
  /**
   * The row (index in `items`) that has focus, controlled by the parent, which also shifts it
   * when rows are added above; `onChange` hears the keyboard and clicks.
   */
  focus: { index: number; onChange: (index: number) => void }
  /** The scroll element (live tail asks whether the reader is at the top), and its scrolls. */
  scroll: { ref: React.RefObject<HTMLDivElement | null>; onScroll?: () => void }
  /** Open this event (click or Enter). */
  onOpen: (eventId: string) => void
  /** "Now" for relative times; `null` until mounted. */
  now: number | null
  /**
   * Commands for the parent: scroll to a row (and focus it), e.g. after the dialog closes. A
   * prop of its own rather than `ref`, which React passes as a prop only from 19 on.
   */
  handleRef?: Ref<EventTableHandle>
}

/** Where a navigation key moves the focused row, or `undefined` for other keys. */
function keyTarget(key: string, focused: number, pageRows: number, lastRow: number): number | undefined {
  const targets: Record<string, number> = {
    ArrowDown: focused + 1,
    ArrowUp: focused - 1,
    PageDown: focused + pageRows,
    PageUp: focused - pageRows,
    Home: 0,
    End: lastRow,
  }
  return Object.hasOwn(targets, key) ? targets[key] : undefined
}

/** The indexes from `start` to `end`. */
const rendered = (start: number, end: number) =>
  Array.from({ length: Math.max(0, end - start + 1) }, (_, i) => start + i)

/**
 * Whether this frame draws rows as placeholders. A fling moves the list more than a screen
 * between frames: every row would be new every frame, and nobody can read them. Until it slows
 * down, or stops for 150 ms, such frames draw each row as a light placeholder (same element,
 * so focus stays), which keeps frames short.
 */
function usePassing(isScrolling: boolean, firstIndex: number, lastIndex: number): boolean {
  const shown = useRef({ first: firstIndex, last: lastIndex })
  useEffect(() => {
    shown.current = { first: firstIndex, last: lastIndex }
  })
  return isScrolling && (firstIndex > shown.current.last || lastIndex < shown.current.first)
}

/**
 * Focus the row at an index once it is rendered: a row scrolled to may appear a render or more
 * later (it renders when the scroll lands), so one animation frame is not
 * enough on a busy page; every commit checks until it is there.
 */
function useRowFocus(gridRef: RefObject<HTMLDivElement | null>): (index: number) => void {
  const pendingFocus = useRef<number | null>(null)
  const focusRow = useCallback(
    (index: number) => {
      const row = gridRef.current?.querySelector<HTMLElement>(`[data-item-index="${index}"]`)
      pendingFocus.current = row ? null : index
      row?.focus({ preventScroll: true }) // useFixedRows does the scrolling
    },
    [gridRef],
  )
  useEffect(() => {
    if (pendingFocus.current !== null) focusRow(pendingFocus.current)
  })
  return focusRow
}

export function EventTable(props: EventTableProps) {
  const { items, rowHeight, paging, onOpen, now } = props
  const { index: focusedIndex, onChange: onFocusedIndexChange } = props.focus
  const { ref: scrollRef } = props.scroll
  const { messages } = useAuditLogContext('AuditLog')

  const { table, rows, columns, visibleIds, visibleKey, template } = useEventGrid(
    props.columns,
    props.columnVisibility,
    now,
  )

  const rowsView = useFixedRows({ count: items.length, rowHeight, overscan: 8, scrollRef })
  const { start, end, scrollToIndex, scrollToOffset, offset } = rowsView
  const passing = usePassing(rowsView.isScrolling, Math.max(0, start), Math.max(0, end))
  // One tab stop: the focused row, or the first rendered row when that one scrolled away.
  const tabStop = start <= focusedIndex && focusedIndex <= end ? focusedIndex : Math.max(0, start)

  // Ask for more when the loader row comes into view, or is still in view after a page landed;
  // never while a page loads or after one failed (the Retry button is for that).
  const firstRendered = end >= start ? start : -1
  const lastRendered = end >= start ? end : -1
  const loaderInView = items.at(lastRendered)?.kind === 'loader'
  // The model keeps (or fetches again) the pages of the rows on screen; not during a fling,
  // which would ask for every page it passes. When it slows down, the rows shown are asked for.
  const { onViewport } = props
  // Told again when scrolling settles: a jump (Home, End, scrollToIndex) draws its rows at once,
  // and a page still in flight then may have kept the model from fetching theirs.
  const settled = !rowsView.isScrolling
  useEffect(() => {
    if (firstRendered >= 0 && !passing) onViewport?.(firstRendered, lastRendered)
  }, [firstRendered, lastRendered, passing, settled, items, onViewport])
  const { canLoadMore, loadMore } = paging
  useEffect(() => {
    if (loaderInView && canLoadMore) loadMore()
  }, [loaderInView, canLoadMore, items.eventCount, loadMore])

  const gridRef = useRef<HTMLDivElement>(null)
  const focusRow = useRowFocus(gridRef)
  useImperativeHandle(
    props.handleRef,
    () => ({
      scrollToIndex(index, options = {}) {
        scrollToIndex(index)
        if (options.focus) focusRow(index)
      },
      topRow: () => (offset() === 0 ? null : Math.floor(offset() / rowHeight)),
      scrollByRows: (rows) => scrollToOffset(offset() + rows * rowHeight),
    }),
    [scrollToIndex, scrollToOffset, offset, focusRow, rowHeight],
  )

  // The loader row is not a place to rest: when its page lands it moves away and would take
  // keyboard focus with it. End and the arrows stop at the last loaded row, which brings the
  // loader into view, so the next page loads and End goes further.
  const lastRow = items.at(items.length - 1)?.kind === 'loader' ? items.length - 2 : items.length - 1
  const move = (to: number) => {
    const index = Math.max(0, Math.min(lastRow, to))
    onFocusedIndexChange(index)
    scrollToIndex(index)
    focusRow(index)
  }
  const pageRows = Math.max(1, Math.floor(rowsView.viewport / rowHeight) - 1)

  return (
    <div
      ref={gridRef}
      className="al-grid"
      role="grid"
      aria-label={messages.table.label}
      aria-rowcount={paging.hasMore ? -1 : items.length + 1}
      // The loaded events (held or dropped), for hosts and tests: aria-rowcount is -1 until the
      // last page is in. data-held-rows: those held in memory now.
      data-loaded-rows={items.eventCount}
      data-held-rows={props.heldRows}
      aria-colcount={visibleIds.length}
      onKeyDown={(event) => {
        const to = keyTarget(event.key, focusedIndex, pageRows, lastRow)
        if (to !== undefined) {
          event.preventDefault()
          move(to)
        } else if (event.key === 'Enter') {
          const item = items.at(focusedIndex)
          if (item?.kind === 'event') {
            event.preventDefault()
            onOpen(item.event.id)
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
      <div
        ref={scrollRef}
        className="al-grid__body"
        role="rowgroup"
        onScroll={() => {
          rowsView.onScroll()
          props.scroll.onScroll?.()
        }}
      >
        <div style={{ height: rowsView.height, position: 'relative' }}>
          {rendered(start, end).map((index) => {
            const item = items.at(index)!
            const style = { transform: `translateY(${rowsView.top(index)}px)`, height: rowHeight }
            const rowProps = {
              role: 'row',
              'aria-rowindex': index + 2,
              style,
              'data-item-index': index,
              tabIndex: index === tabStop ? 0 : -1,
              onFocus: () => index !== focusedIndex && onFocusedIndexChange(index),
            }
            return gridRow(items.keyAt(index), item, rowProps, {
              messages,
              rows,
              columns,
              visibleKey,
              cards: props.cards ?? false,
              span: visibleIds.length,
              passing,
              loadingMore: paging.loadingMore,
              onOpen,
            })
          })}
        </div>
      </div>
    </div>
  )
}
