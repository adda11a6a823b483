'use client'
/**
 * The parts `<AuditLog>` is composed of. Each reads its own slice of the log model through a
 * selector, so a live-tail count or a page error re-renders the pill or the notice, not the grid.
 */
import { lazy, Suspense, useCallback, useEffect, useRef, useState, type RefObject } from 'react'
import type { LogModel, LogModelSnapshot, LogRows } from '../core/index.js'
import { useAuditLogContext } from './context.js'
import { rowHeightOf, type AuditLogColumn, type ColumnVisibility } from './event-columns.js'
import { EventTable, type EventTableHandle } from './event-table.js'
import { useScrollAnchor } from './log-hooks.js'
import { Notice, stateView } from './log-states.js'
import { shallowEqual, useStore } from './hooks.js'

// The dialog (Radix, scroll locking, focus trapping) loads when an event is first opened,
// so a page that only lists events never downloads it.
const EventDialog = lazy(() => import('./event-dialog.js').then((module) => ({ default: module.EventDialog })))

const THEMED = '[data-theme="light"], [data-theme="dark"]'

const selectBody = ({ state, rows, heldCount }: LogModelSnapshot) => ({ state, rows, heldCount })
/** The event next to row `index` (`step` -1 above, 1 below), past gap rows; none at a placeholder. */
function neighbourId(rows: LogRows, index: number, step: 1 | -1): string | null {
  for (let at = index + step; at >= 0 && at < rows.length; at += step) {
    const row = rows.at(at)!
    if (row.kind === 'event') return row.event.id
    if (row.kind !== 'gap') return null
  }
  return null
}
const selectUnseen = (snapshot: LogModelSnapshot) => snapshot.liveTail.unseen
const selectNotices = ({ state, selection, liveTail }: LogModelSnapshot) => ({
  deepLinkFailed: selection.deepLink.status === 'failed',
  tailFailed: liveTail.failure !== null,
  pageFailed: state.status === 'ready' && state.pageError !== null,
  loadingMore: state.status === 'ready' && state.loadingMore,
})
const selectDialog = ({ selection, rows }: LogModelSnapshot) => ({
  event: selection.event,
  index: selection.index,
  previousId: selection.index >= 0 ? neighbourId(rows, selection.index, -1) : null,
  nextId: selection.index >= 0 ? neighbourId(rows, selection.index, 1) : null,
})

/** The grid, or the state view that replaces it (loading, error, session expired, empty). */
export function LogBody(props: {
  model: LogModel
  density: 'comfortable' | 'compact'
  /** Events as cards (a narrow log). */
  cards: boolean
  columns: readonly AuditLogColumn[] | undefined
  columnVisibility: ColumnVisibility | undefined
  hasFilters: boolean
  now: number | null
  scrollRef: RefObject<HTMLDivElement | null>
  tableRef: RefObject<EventTableHandle | null>
  onOpen: (eventId: string | null) => void
  onSignIn: () => void
  onClearFilters: () => void
}) {
  const { model, density, scrollRef, onOpen } = props
  const { messages } = useAuditLogContext('AuditLog')
  const { state, rows, heldCount } = useStore(model, selectBody, shallowEqual)
  const rowHeight = rowHeightOf(density, props.cards, props.columns, props.columnVisibility)
  const [focusedIndex, setFocusedIndex] = useState(0)
  const shift = useCallback((by: number) => setFocusedIndex((focused) => focused + by), [])
  useScrollAnchor(rows, props.tableRef, shift)
  const loadNext = useCallback(() => void model.loadNext(), [model])
  const setViewport = useCallback((first: number, last: number) => model.setViewport(first, last), [model])

  const view = stateView({
    state,
    empty: rows.eventCount === 0,
    hasFilters: props.hasFilters,
    rowHeight,
    messages,
    onRetry: () => void model.retry(),
    onSignIn: props.onSignIn,
    onClearFilters: props.onClearFilters,
  })
  if (view !== null || state.status !== 'ready') return view
  return (
    <EventTable
      handleRef={props.tableRef}
      items={rows}
      heldRows={heldCount}
      onViewport={setViewport}
      rowHeight={rowHeight}
      cards={props.cards}
      {...(props.columns ? { columns: props.columns } : {})}
      {...(props.columnVisibility ? { columnVisibility: props.columnVisibility } : {})}
      paging={{
        hasMore: state.hasMore,
        loadingMore: state.loadingMore,
        canLoadMore: state.hasMore && !state.loadingMore && state.pageError === null,
        loadMore: loadNext,
      }}
      focus={{ index: focusedIndex, onChange: setFocusedIndex }}
      scroll={{ ref: scrollRef, onScroll: () => (scrollRef.current?.scrollTop ?? 0) < rowHeight && model.markSeen() }}
      onOpen={onOpen}
      now={props.now}
    />
  )
}

/** "3 new events": live tail added rows while the reader was scrolled down; a click goes back up. */
export function LivePill({ model, scrollRef }: { model: LogModel; scrollRef: RefObject<HTMLDivElement | null> }) {
  const { messages } = useAuditLogContext('AuditLog')
  const unseen = useStore(model, selectUnseen)
  if (unseen === 0) return null
  return (
    <button
      type="button"
      className="al-pill"
      onClick={() => {
        model.markSeen()
        scrollRef.current?.scrollTo({ top: 0 })
      }}
    >
      {messages.live.newEvents(unseen)}
    </button>
  )
}

/** What went wrong under the rows, each with its own way back; and the page-load progress bar. */
export function LogNotices({ model }: { model: LogModel }) {
  const { messages, keys, retryKeys } = useAuditLogContext('AuditLog')
  const notices = useStore(model, selectNotices, shallowEqual)
  return (
    <>
      {notices.loadingMore ? <div className="al-progress" aria-hidden="true" /> : null}
      <Notice show={keys.status === 'failed'} text={messages.states.keysFailed} retry={retryKeys} />
      <Notice show={notices.deepLinkFailed} text={messages.states.eventFailed} retry={model.retryDeepLink} />
      {/* Live tail retries by itself: a status, not an alert. */}
      <Notice show={notices.tailFailed} text={messages.live.failed} />
      <Notice show={notices.pageFailed} text={messages.states.pageFailed} retry={() => void model.retry()} />
    </>
  )
}

/**
 * The detail dialog for the selected event, loaded once an event is first opened and mounted
 * from then on so it can close (and return focus) properly. Closing returns focus to the row of
 * the event that was open last, through the table's imperative handle.
 */
export function LogDialog(props: {
  model: LogModel
  rootRef: RefObject<HTMLDivElement | null>
  tableRef: RefObject<EventTableHandle | null>
  onSelect: (eventId: string | null) => void
}) {
  const { model, onSelect } = props
  const { event, index, previousId, nextId } = useStore(model, selectDialog, shallowEqual)
  // The close handler runs after the selection is cleared: remember the row that was open.
  const lastIndex = useRef(-1)
  useEffect(() => {
    if (index >= 0) lastIndex.current = index
  }, [index])
  const [wanted, setWanted] = useState(false)
  if (event && !wanted) setWanted(true)
  if (!wanted) return null
  // The dialog renders in a portal at the end of <body>: hand it the theme the log is in, that
  // of the nearest data-theme="light" | "dark" (other values are the host's, not ours).
  const theme = event ? (props.rootRef.current?.closest(THEMED)?.getAttribute('data-theme') ?? undefined) : undefined
  return (
    <Suspense fallback={null}>
      <EventDialog
        event={event}
        {...(theme ? { theme } : {})}
        onClose={() => onSelect(null)}
        onPrevious={previousId === null ? undefined : () => onSelect(previousId)}
        onNext={nextId === null ? undefined : () => onSelect(nextId)}
        onCloseAutoFocus={(closing) => {
          closing.preventDefault()
          if (lastIndex.current < 0) return
          props.tableRef.current?.scrollToIndex(lastIndex.current, { focus: true })
        }}
      />
    </Suspense>
  )
}
