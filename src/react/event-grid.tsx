'use client'
/**
 * The table half of `<EventTable>`: TanStack Table's columns and cells for the loaded events,
 * and how each kind of row (event, gap marker, loader, placeholder during a fling or while a
 * dropped page is fetched again) is drawn.
 * The virtualizer, focus and keyboard stay in event-table.tsx.
 */
import { memo, useMemo, type HTMLAttributes, type Key } from 'react'
import { BoundedCache } from '../core/bounded-cache.js'
import type { AuditEvent, LogRow } from '../core/index.js'
import { useAuditLogContext } from './context.js'
import { CardCells } from './event-card.js'
import { builtInColumns, withHostColumns, type AuditLogColumn, type ColumnVisibility } from './event-columns.js'
import type { AuditLogMessages } from './messages.js'
import {
  columnVisibilityFeature,
  constructRow,
  createColumnHelper,
  FlexRender,
  tableFeatures,
  useTable,
  type Row,
} from './vendor/table.js'

const features = tableFeatures({ columnVisibilityFeature })
/** One object, not a new `{}` each render, so the table's memoised column state holds across frames. */
const ALL_VISIBLE: ColumnVisibility = {}
const helper = createColumnHelper<typeof features, AuditEvent>()

export type EventRow = Row<typeof features, AuditEvent>

/** The table's data: none. Rows are built for drawn events only (see {@link DrawnRows}). */
const NO_DATA: AuditEvent[] = []
/**
 * Rows kept for events drawn lately: more than a tall screen of compact rows plus overscan, so
 * a row that stays on screen keeps its Row object (and its memoised cells) from frame to frame.
 */
const DRAWN_ROWS_KEPT = 256

/**
 * TanStack Table rows for the events being drawn, built on first use. The core row model would
 * hold a Row (with two value caches and a `rowsById` entry) for every loaded event, rebuilt in
 * full whenever a page lands: about 30 MB at 100,000 events (test/bench/heap-parts.ts), for
 * rows nobody sees. A Row here is the same object TanStack's row model makes (`constructRow`),
 * so cells, columns and visibility still come from TanStack Table.
 */
export interface DrawnRows {
  /** The row for a drawn event: the same object while that event object stays drawn. */
  of(event: AuditEvent): EventRow
}

/**
 * A row's cells, re-rendered only when the row, the columns or their visibility change: every
 * scroll frame re-renders the grid, and the rows still on screen need not follow. (Badges
 * subscribe to the verifier themselves.)
 */
const RowCells = memo(function RowCells(props: {
  row: EventRow
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

/** The built-in and host columns, rows for the events drawn, and what the grid needs to lay them out. */
export function useEventGrid(
  hostColumns: readonly AuditLogColumn[] | undefined,
  columnVisibility: ColumnVisibility | undefined,
  now: number | null,
) {
  const { messages, verifier, locale, timeZone } = useAuditLogContext('AuditLog')
  const columns = useMemo(
    () => withHostColumns(builtInColumns({ messages, verifier, now, locale, timeZone }), hostColumns),
    [messages, verifier, now, locale, timeZone, hostColumns],
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
  const table = useTable({
    features,
    columns: tableColumns,
    data: NO_DATA,
    state: { columnVisibility: columnVisibility ?? ALL_VISIBLE },
  })
  // Keyed by the event object: a re-fetched or changed event is a new object and gets a new row.
  const built = useMemo(() => new BoundedCache<AuditEvent, EventRow>(DRAWN_ROWS_KEPT), [])
  const rows = useMemo<DrawnRows>(
    () => ({
      of(event) {
        let row = built.get(event)
        // The row index is TanStack's place in its own data, which is empty here; nothing reads it.
        if (!row) built.set(event, (row = constructRow(table, event.id, event, 0, 0)))
        return row
      },
    }),
    [built, table],
  )
  const visibleIds = table.getVisibleLeafColumns().map((c) => c.id)
  const visibleKey = visibleIds.join()
  const template = visibleIds.map((id) => columns.find((c) => c.id === id)?.width ?? 'minmax(8rem, 1fr)').join(' ')
  return { table, rows, columns, visibleIds, visibleKey, template }
}

/** One drawn row of the grid; `rowProps` carry its role, aria-rowindex, position and focus. */
export function gridRow(
  key: Key,
  item: LogRow,
  rowProps: HTMLAttributes<HTMLDivElement> & { 'data-item-index': number },
  context: {
    messages: AuditLogMessages
    rows: DrawnRows
    columns: readonly AuditLogColumn[]
    visibleKey: string
    /** Draw events as cards (a narrow log; see event-card.tsx). */
    cards: boolean
    /** Columns a full-width cell spans. */
    span: number
    /** Draw event rows as placeholders (a fling). */
    passing: boolean
    loadingMore: boolean
    onOpen: (eventId: string) => void
  },
) {
  const { messages, span } = context
  if (item.kind === 'gap') {
    const count = item.gap.to - item.gap.from + 1
    return (
      <div key={key} className="al-row al-row--gap" {...rowProps}>
        <div className="al-cell al-cell--full" role="gridcell" aria-colspan={span}>
          <svg className="al-gap__icon" viewBox="0 0 16 16" aria-hidden="true">
            <path d="M8 2.5l6 11H2z" />
            <path d="M8 7v3M8 11.5v.5" />
          </svg>
          {messages.gap(count, item.gap.from, item.gap.to)}
        </div>
      </div>
    )
  }
  if (item.kind === 'pruned') {
    return (
      <div key={key} className="al-row al-row--pruned" {...rowProps}>
        <div className="al-cell al-cell--full al-muted" role="gridcell" aria-colspan={span}>
          {messages.pruned(item.pruned.to, item.pruned.retentionDays, item.pruned.prunedAt)}
        </div>
      </div>
    )
  }
  if (item.kind === 'loader') {
    return (
      <div key={key} className="al-row al-row--loader" {...rowProps}>
        <div className="al-cell al-cell--full al-muted" role="gridcell" aria-colspan={span}>
          {context.loadingMore ? messages.states.loadingMore : ''}
        </div>
      </div>
    )
  }
  if (item.kind === 'placeholder') return placeholderRow(key, rowProps, span, messages.table.loadingRow)
  if (context.passing) {
    return (
      <div key={key} className="al-row al-row--passing" {...rowProps}>
        <div className="al-cell al-cell--full" role="gridcell" aria-colspan={span} />
      </div>
    )
  }
  const row = context.rows.of(item.event)
  return (
    <div key={key} className="al-row" onClick={() => context.onOpen(item.event.id)} {...rowProps}>
      {context.cards ? (
        <CardCells row={row} columns={context.columns} visible={context.visibleKey} />
      ) : (
        <RowCells row={row} columns={context.columns} visible={context.visibleKey} />
      )}
    </div>
  )
}

/**
 * A row whose page was dropped from memory and is being fetched again: same height and
 * aria-rowindex as the event it stands for, busy, and labelled for screen readers; no id and no
 * content, so it can never show one event under another's place.
 */
function placeholderRow(key: Key, rowProps: HTMLAttributes<HTMLDivElement>, span: number, label: string) {
  return (
    <div key={key} className="al-row al-row--passing al-row--placeholder" aria-busy="true" {...rowProps}>
      <div className="al-cell al-cell--full" role="gridcell" aria-colspan={span} aria-label={label} />
    </div>
  )
}
