'use client'
/**
 * The table half of `<EventTable>`: TanStack Table's columns and cells for the loaded events,
 * and how each kind of row (event, gap marker, loader, placeholder during a fling or while a
 * dropped page is fetched again) is drawn.
 * The virtualizer, focus and keyboard stay in event-table.tsx.
 */
import { memo, useMemo, type HTMLAttributes, type Key } from 'react'
import type { AuditEvent, LogRow } from '../core/index.js'
import { useAuditLogContext } from './context.js'
import { CardCells } from './event-card.js'
import { builtInColumns, withHostColumns, type AuditLogColumn, type ColumnVisibility } from './event-columns.js'
import type { AuditLogMessages } from './messages.js'
import {
  columnVisibilityFeature,
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

/** The built-in and host columns over `events`, and what the grid needs to lay them out. */
export function useEventGrid(
  events: readonly AuditEvent[],
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
    data: events as AuditEvent[],
    getRowId: (event) => event.id,
    state: { columnVisibility: columnVisibility ?? ALL_VISIBLE },
  })
  const { rowsById } = table.getRowModel()
  const visibleIds = table.getVisibleLeafColumns().map((c) => c.id)
  const visibleKey = visibleIds.join()
  const template = visibleIds.map((id) => columns.find((c) => c.id === id)?.width ?? 'minmax(8rem, 1fr)').join(' ')
  return { table, rowsById, columns, visibleIds, visibleKey, template }
}

/** One drawn row of the grid; `rowProps` carry its role, aria-rowindex, position and focus. */
export function gridRow(
  key: Key,
  item: LogRow,
  rowProps: HTMLAttributes<HTMLDivElement> & { 'data-item-index': number },
  context: {
    messages: AuditLogMessages
    /** The held events' rows, by event id. */
    rowsById: Readonly<Record<string, EventRow>>
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
  const row = context.rowsById[item.event.id]
  if (!row) return null
  if (context.passing) {
    return (
      <div key={key} className="al-row al-row--passing" {...rowProps}>
        <div className="al-cell al-cell--full" role="gridcell" aria-colspan={span} />
      </div>
    )
  }
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
