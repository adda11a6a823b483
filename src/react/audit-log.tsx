'use client'
/**
 * `<AuditLog>`: the audit tab. A filter bar (with the Live toggle and Export on the right),
 * the virtualized grid of events with a badge per row, states that replace the body (loading,
 * empty, error, session expired), seq-gap rows, live tail, and the detail dialog.
 */
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { createEventStore, type AuditFilters } from '../core/index.js'
import { useAuditLogContext } from './context.js'
import type { AuditLogColumn, ColumnVisibility } from './event-columns.js'
import { EventTable, type GridItem } from './event-table.js'
import { ExportButton } from './export-button.js'
import { FilterBar } from './filter-bar.js'
import { useControllableState, useStore } from './hooks.js'
import { useDeepLinkedEvent, useLiveTail, useNow } from './log-hooks.js'
import { Notice, stateView } from './log-states.js'

export interface AuditLogProps {
  /** Controlled filters (keep them in your URL, say); pair with `onFiltersChange`. */
  filters?: AuditFilters
  /** Initial filters when uncontrolled. */
  defaultFilters?: AuditFilters
  onFiltersChange?: (filters: AuditFilters) => void
  /** Controlled open event (deep links); `null` for none. */
  selectedEventId?: string | null
  defaultSelectedEventId?: string | null
  onSelectedEventChange?: (eventId: string | null) => void
  /** Poll for new events: `true` every 5 s, or `{ intervalMs }`. Off by default; the Live toggle turns it on. */
  liveTail?: boolean | { intervalMs: number }
  /** Events per page (default 50). */
  pageSize?: number
  /** Row height: comfortable (about 52 px, default) or compact (about 36 px). */
  density?: 'comfortable' | 'compact'
  /** Extra columns, or built-in ones replaced by id (`time`, `actor`, `action`, `verification`). */
  columns?: readonly AuditLogColumn[]
  /** Hide columns by id: `{ actor: false }`. */
  columnVisibility?: ColumnVisibility
  /** Show the Export button (default true). */
  showExport?: boolean
  /** Called once when the session ends, e.g. to send the user to sign in. */
  onSessionExpired?: () => void
  className?: string
}

const EMPTY: AuditFilters = {}
const THEMED = '[data-theme="light"], [data-theme="dark"]'

// The dialog (Radix, scroll locking, focus trapping) loads when an event is first opened,
// so a page that only lists events never downloads it.
const EventDialog = lazy(() => import('./event-dialog.js').then((module) => ({ default: module.EventDialog })))

/** A number per client object, so a new client (an org switch) gives a new key below. */
const clientIds = new WeakMap<object, number>()
let lastClientId = 0
const idOf = (client: object) => {
  if (!clientIds.has(client)) clientIds.set(client, ++lastClientId)
  return clientIds.get(client)!
}

/**
 * The audit tab. A new client from the provider (the host switched orgs) or a new `pageSize`
 * starts afresh: a new event store, and no selection, deep link, live-tail count or action
 * suggestions carried over from the old one. Uncontrolled filters go back to `defaultFilters`.
 */
export function AuditLog(props: AuditLogProps) {
  const { client } = useAuditLogContext('AuditLog')
  return <AuditLogForClient key={`${idOf(client)}:${props.pageSize ?? ''}`} {...props} />
}

function AuditLogForClient(props: AuditLogProps) {
  const { client, messages, keys, retryKeys, reportError } = useAuditLogContext('AuditLog')
  const density = props.density ?? 'comfortable'
  const rowHeight = density === 'compact' ? 36 : 52
  const [filters, setFilters] = useControllableState(
    props.filters,
    props.defaultFilters ?? EMPTY,
    props.onFiltersChange,
  )
  const [selectedId, setSelectedId] = useControllableState<string | null>(
    props.selectedEventId,
    props.defaultSelectedEventId ?? null,
    props.onSelectedEventChange,
  )
  const [store] = useState(() =>
    createEventStore(client, { filters, ...(props.pageSize ? { pageSize: props.pageSize } : {}) }),
  )
  const snapshot = useStore(store)
  const { state, events, gaps } = snapshot

  // Filters drive the store (controlled or not). Loading and stopping live in one effect, so
  // a remount (React StrictMode runs effects twice in development) starts cleanly again. They
  // are compared by content (an inline `filters={{...}}` is a new object every render); the
  // effect reads the newest object.
  const filtersKey = JSON.stringify(filters)
  const latestFilters = useRef(filters)
  latestFilters.current = filters
  useEffect(() => {
    void store.setFilters(latestFilters.current)
    return () => store.destroy()
  }, [filtersKey, store])

  const sessionExpired = state.status === 'session-expired'
  const onSessionExpired = useRef(props.onSessionExpired)
  onSessionExpired.current = props.onSessionExpired
  useEffect(() => {
    if (sessionExpired) onSessionExpired.current?.()
  }, [sessionExpired])

  // Actions seen so far, for the filter's suggestions; they accumulate across filter changes.
  const seenActions = useRef(new Set<string>())
  const knownActions = useMemo(() => {
    for (const event of events) if (typeof event.action === 'string') seenActions.current.add(event.action)
    return [...seenActions.current].sort()
  }, [events])

  // Rebuilt only when rows change: for 100,000 events this is not free, and the store's state
  // object changes more often (page loading, page errors) than the rows do.
  const showLoader = state.status === 'ready' && (state.hasMore || state.loadingMore)
  const items = useMemo<GridItem[]>(() => {
    const after = new Map(gaps.map((gap) => [gap.afterEventId, gap]))
    const list: GridItem[] = []
    events.forEach((event, eventIndex) => {
      list.push({ kind: 'event', event, eventIndex })
      const gap = after.get(event.id)
      if (gap) list.push({ kind: 'gap', gap })
    })
    if (showLoader) list.push({ kind: 'loader' })
    return list
  }, [events, gaps, showLoader])

  const [focusedIndex, setFocusedIndex] = useState(0)
  const [scrollRequest, setScrollRequest] = useState<{ index: number; focus: boolean } | null>(null)
  const scrollRef = useRef<HTMLDivElement | null>(null)
  const now = useNow(client.platform.now)

  // Live tail.
  const [live, setLive] = useState(Boolean(props.liveTail))
  const wantsLive = Boolean(props.liveTail)
  useEffect(() => setLive(wantsLive), [wantsLive]) // the host can turn it on or off later
  const intervalMs = typeof props.liveTail === 'object' ? props.liveTail.intervalMs : 5000
  const [unseen, setUnseen] = useState(0)
  const tailFailure = useLiveTail({
    store,
    live,
    ready: state.status === 'ready',
    intervalMs,
    scrollRef,
    onAdded: (added) => setUnseen((count) => count + added),
    report: reportError,
  })

  // Keep the row being read where it is when rows land above it (live tail): after React
  // commits the new list, find the event that was at the top of the view and scroll by however
  // many rows (events and gap markers) now stand above it. Measured at commit time, so a reader
  // who scrolled while the request was in flight is not thrown back.
  const previousItems = useRef(items)
  useLayoutEffect(() => {
    const before = previousItems.current
    previousItems.current = items
    const element = scrollRef.current
    if (!element || element.scrollTop === 0 || before === items) return
    const index = Math.floor(element.scrollTop / rowHeight)
    const anchor = before[index]
    if (anchor?.kind !== 'event') return
    const now = items.findIndex((item) => item.kind === 'event' && item.event.id === anchor.event.id)
    if (now > index) {
      element.scrollTop += (now - index) * rowHeight
      setFocusedIndex((focused) => focused + (now - index))
    }
  }, [items, rowHeight])

  const selectedIndex = selectedId === null ? -1 : events.findIndex((event) => event.id === selectedId)
  const deepLink = useDeepLinkedEvent(client, selectedId, selectedIndex < 0, reportError)
  const selected =
    selectedIndex >= 0 ? events[selectedIndex]! : deepLink.state.status === 'ready' ? deepLink.state.event : null
  // The dialog's close handler runs after the selection is cleared: remember what was open.
  const lastSelectedIndex = useRef(-1)
  if (selectedIndex >= 0) lastSelectedIndex.current = selectedIndex
  // Once loaded, the dialog stays mounted so it can close (and return focus) properly.
  const [dialogWanted, setDialogWanted] = useState(false)
  if (selected && !dialogWanted) setDialogWanted(true)
  // The dialog renders in a portal at the end of <body>: hand it the theme the log is in, that
  // of the nearest data-theme="light" | "dark" (other values are the host's, not ours).
  const rootRef = useRef<HTMLDivElement>(null)
  const theme = selected ? (rootRef.current?.closest(THEMED)?.getAttribute('data-theme') ?? undefined) : undefined

  const open = useCallback(
    (eventIndex: number) => setSelectedId(events[eventIndex]?.id ?? null),
    [events, setSelectedId],
  )
  const itemIndexOf = (eventIndex: number) =>
    items.findIndex((item) => item.kind === 'event' && item.eventIndex === eventIndex)
  const hasFilters = Object.keys(filters).length > 0
  const loadNext = useCallback(() => void store.loadNext(), [store])

  let body = stateView({
    state,
    empty: events.length === 0,
    hasFilters,
    rowHeight,
    messages,
    onRetry: () => void store.retry(),
    onSignIn: () => (onSessionExpired.current ? onSessionExpired.current() : void store.retry()),
    onClearFilters: () => setFilters({}),
  })
  if (body === null && state.status === 'ready') {
    body = (
      <EventTable
        items={items}
        events={events}
        density={density}
        {...(props.columns ? { columns: props.columns } : {})}
        {...(props.columnVisibility ? { columnVisibility: props.columnVisibility } : {})}
        onNearEnd={loadNext}
        onOpen={open}
        focusedIndex={focusedIndex}
        onFocusedIndexChange={setFocusedIndex}
        scrollRequest={scrollRequest}
        onScrollRequestHandled={() => setScrollRequest(null)}
        now={now}
        loadingMore={state.loadingMore}
        hasMore={state.hasMore}
        canLoadMore={state.hasMore && !state.loadingMore && state.pageError === null}
        scrollRef={scrollRef}
        onScroll={() => unseen > 0 && (scrollRef.current?.scrollTop ?? 0) < rowHeight && setUnseen(0)}
      />
    )
  }

  return (
    <div ref={rootRef} className={`al-root al-log al-log--${density}${props.className ? ` ${props.className}` : ''}`}>
      <FilterBar
        filters={filters}
        onChange={setFilters}
        knownActions={knownActions}
        now={now}
        clock={client.platform.now}
      >
        <label className="al-toggle">
          <input type="checkbox" checked={live} onChange={(event) => setLive(event.target.checked)} />
          <span className="al-toggle__dot" aria-hidden="true" />
          {messages.live.label}
        </label>
        {props.showExport === false ? null : <ExportButton filters={filters} />}
      </FilterBar>
      <div className="al-log__body">
        {body}
        {unseen > 0 ? (
          <button
            type="button"
            className="al-pill"
            onClick={() => {
              setUnseen(0)
              scrollRef.current?.scrollTo({ top: 0 })
            }}
          >
            {messages.live.newEvents(unseen)}
          </button>
        ) : null}
        {state.status === 'ready' && state.loadingMore ? <div className="al-progress" aria-hidden="true" /> : null}
        <Notice show={keys.status === 'failed'} text={messages.states.keysFailed} retry={retryKeys} />
        <Notice show={deepLink.state.status === 'failed'} text={messages.states.eventFailed} retry={deepLink.retry} />
        {/* Live tail retries by itself: a status, not an alert. */}
        <Notice show={tailFailure !== null} text={messages.live.failed} />
        <Notice
          show={state.status === 'ready' && state.pageError !== null}
          text={messages.states.pageFailed}
          retry={() => void store.retry()}
        />
      </div>
      {dialogWanted ? (
        <Suspense fallback={null}>
          <EventDialog
            event={selected}
            {...(theme ? { theme } : {})}
            onClose={() => setSelectedId(null)}
            onPrevious={selectedIndex > 0 ? () => setSelectedId(events[selectedIndex - 1]!.id) : undefined}
            onNext={
              selectedIndex >= 0 && selectedIndex < events.length - 1
                ? () => setSelectedId(events[selectedIndex + 1]!.id)
                : undefined
            }
            onCloseAutoFocus={(event) => {
              // Back to the row of the event that was open last (prev/next may have moved it).
              event.preventDefault()
              if (lastSelectedIndex.current >= 0) {
                const index = itemIndexOf(lastSelectedIndex.current)
                setFocusedIndex(index)
                setScrollRequest({ index, focus: true })
              }
            }}
          />
        </Suspense>
      ) : null}
    </div>
  )
}
