'use client'
/**
 * `<AuditLog>`: the audit tab. A filter bar (with the Live toggle and Export on the right),
 * the virtualized grid of events with a badge per row, states that replace the body (loading,
 * empty, error, session expired), seq-gap rows, live tail, and the detail dialog.
 */
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import {
  canonicalBytes,
  createLogModel,
  resolveCrypto,
  verifyPruneMarker,
  type AuditFilters,
  type AuditLogInitialData,
  type LogModelSnapshot,
} from '../core/index.js'
import { adoptInitialPage, firstPageQuery } from '../core/log/initial-page.js'
import { useAuditLogContext } from './context.js'
import { usePruneMarker } from './use-prune-marker.js'
import { useCardLayout } from './event-card.js'
import type { AuditLogColumn, ColumnVisibility } from './event-columns.js'
import type { EventTableHandle } from './event-table.js'
import { ExportButton } from './export-button.js'
import { FilterBar } from './filter-bar.js'
import { useControllableState, useStore } from './hooks.js'
import { useNow } from './log-hooks.js'
import { LivePill, LogBody, LogDialog, LogNotices } from './log-parts.js'

export interface AuditLogProps {
  /** Controlled filters (keep them in your URL, say); pair with `onFiltersChange`. */
  filters?: AuditFilters
  /** Initial filters when uncontrolled. */
  defaultFilters?: AuditFilters
  /** Called with the new filters when the user changes them (controlled or not). */
  onFiltersChange?: (filters: AuditFilters) => void
  /** Controlled open event (deep links); `null` for none. An event that is not loaded is fetched. */
  selectedEventId?: string | null
  /** Initially open event when uncontrolled. */
  defaultSelectedEventId?: string | null
  /** Called when the user opens an event, moves to another or closes it (`null`). */
  onSelectedEventChange?: (eventId: string | null) => void
  /**
   * Controlled live tail: poll for new events, `true` every 5 s or `{ intervalMs }`. The Live
   * toggle calls `onLiveTailChange` and changes nothing else; leave this out (or use
   * `defaultLiveTail`) to let the toggle switch it by itself.
   */
  liveTail?: boolean | { intervalMs: number }
  /** Initial live tail when uncontrolled (default off), `true` or `{ intervalMs }`. */
  defaultLiveTail?: boolean | { intervalMs: number }
  /** Called with the new value when the user switches the Live toggle. */
  onLiveTailChange?: (liveTail: boolean) => void
  /** Events per page (default 50). */
  pageSize?: number
  /**
   * Pages kept in memory at most (default 20), those nearest the rows on screen. Farther pages
   * keep their rows (as "loading" placeholders, so the scroll height stays) and are fetched
   * again when scrolled back to, so memory stays bounded at any depth.
   */
  windowPages?: number
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
  /** Extra class names for the root element. */
  className?: string
  /**
   * The token and first page your server fetched with `loadAuditLogInitialData` from
   * `auditlens/server` (README "Rows at first paint"), so rows render in the server's HTML and
   * at first paint instead of after two round trips. Read when the log is made. The page is
   * decoded and checked like a fetched one; one for other filters, another page size or
   * another org is not shown (a console warning says why) and the first page is fetched. Badges
   * still verify every event in the browser.
   */
  initialData?: AuditLogInitialData | null
}

/** The integrity line: monitor, checkpoints and proofs load after the first rows (bundle budget). */
const IntegrityPanel = lazy(() => import('./integrity-panel.js'))

const EMPTY: AuditFilters = {}
/** Whether the first load settled: with rows, or with none or an error (a deleted log shows none). */
// heldCount, not events.length: `events` builds the sorted list of every held event, and this
// selector runs on every publish (each page, tail poll, re-fetch and drop).
const selectFirstLoadSettled = ({ heldCount, state }: LogModelSnapshot) =>
  heldCount > 0 || state.status === 'ready' || state.status === 'error'
const selectKnownActions = (snapshot: LogModelSnapshot) => snapshot.knownActions
const selectSessionExpired = (snapshot: LogModelSnapshot) => snapshot.state.status === 'session-expired'
const intervalOf = (liveTail: AuditLogProps['liveTail']) =>
  typeof liveTail === 'object' ? liveTail.intervalMs : undefined

/** A number per client object, so a new client (an org switch) gives a new key below. */
const clientIds = new WeakMap<object, number>()
let lastClientId = 0
const idOf = (client: object) => {
  if (!clientIds.has(client)) clientIds.set(client, ++lastClientId)
  return clientIds.get(client)!
}

/**
 * The audit tab. A new client from the provider (the host switched orgs) or a new `pageSize` or `windowPages`
 * starts afresh: a new event store, and no selection, deep link, live-tail count or action
 * suggestions carried over from the old one. Uncontrolled filters go back to `defaultFilters`.
 */
export function AuditLog(props: AuditLogProps) {
  const { client } = useAuditLogContext('AuditLog')
  return <AuditLogForClient key={`${idOf(client)}:${props.pageSize ?? ''}:${props.windowPages ?? ''}`} {...props} />
}

function AuditLogForClient(props: AuditLogProps) {
  const context = useAuditLogContext('AuditLog')
  const { client, messages, reportError, keyRing, verifier } = context
  const pruneMarker = usePruneMarker(client, keyRing)
  const density = props.density ?? 'comfortable'
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
  const [live, setLive] = useControllableState(
    props.liveTail === undefined ? undefined : Boolean(props.liveTail),
    Boolean(props.defaultLiveTail),
    props.onLiveTailChange,
  )
  const scrollRef = useRef<HTMLDivElement | null>(null)
  const tableRef = useRef<EventTableHandle | null>(null)
  const rootRef = useRef<HTMLDivElement>(null)
  // Rows that land while the reader is scrolled down count as unseen (the "new events" pill).
  const isAtHead = useCallback(() => (scrollRef.current?.scrollTop ?? 0) === 0, [])
  const options = {
    filters,
    selectedEventId: selectedId,
    liveTail: live,
    liveTailIntervalMs: intervalOf(props.liveTail) ?? intervalOf(props.defaultLiveTail) ?? 5000,
    isAtHead,
    onError: reportError,
    pruneMarker,
    ...(props.pageSize ? { pageSize: props.pageSize } : {}),
    ...(props.windowPages ? { windowPages: props.windowPages } : {}),
  }
  const [model] = useState(() => {
    const initialPage = props.initialData
      ? adoptInitialPage(client, props.initialData, firstPageQuery(filters, props.pageSize))
      : null
    const made = createLogModel(client, { ...options, initialPage })
    // Without a page from the server, the first page (and the token it needs) is requested
    // now, while this first render and its commit run, not in the effect after them; the
    // effect's start() takes that request. Only in a browser: a server render fetches nothing.
    // StrictMode's second call of this initializer shares the request (early-page.ts).
    if (typeof document !== 'undefined') made.prefetch()
    return made
  })
  // TanStack's way: every render hands the model its current options; only changes act.
  // Before paint, so the rows never show a selection or filters the props have moved past.
  useLayoutEffect(() => model.setOptions(options))
  // Loading, live tail and deep links run while mounted (React StrictMode remounts restart them).
  useEffect(() => model.start(), [model])

  const sessionExpired = useStore(model, selectSessionExpired)
  // The newest callback is told (a ref, not useEffectEvent: that needs React 19.2, and React 18
  // is supported), once per expiry.
  const onSessionExpired = useRef(props.onSessionExpired)
  onSessionExpired.current = props.onSessionExpired
  useEffect(() => {
    if (sessionExpired) onSessionExpired.current?.()
  }, [sessionExpired])

  const knownActions = useStore(model, selectKnownActions)
  const settled = useStore(model, selectFirstLoadSettled)
  // Once the first load settled, the panel stays: a filter that empties the table must not unmount an alarm.
  const [integrityWanted, setIntegrityWanted] = useState(false)
  if (settled && keyRing && verifier && !integrityWanted) setIntegrityWanted(true)
  const now = useNow(client.platform.now)
  // Below 640 px of its own width the log draws cards, which are taller rows.
  const cards = useCardLayout(rootRef)

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
      {integrityWanted && keyRing && verifier ? (
        <Suspense fallback={null}>
          <IntegrityPanel
            context={context}
            shared={{ resolveCrypto, canonicalBytes, verifyPruneMarker }}
            model={model}
            fromHead={Object.keys(filters).length === 0}
          />
        </Suspense>
      ) : null}
      <div className="al-log__body">
        <LogBody
          model={model}
          density={density}
          cards={cards}
          columns={props.columns}
          columnVisibility={props.columnVisibility}
          hasFilters={Object.keys(filters).length > 0}
          now={now}
          scrollRef={scrollRef}
          tableRef={tableRef}
          onOpen={setSelectedId}
          onSignIn={() => (props.onSessionExpired ? props.onSessionExpired() : void model.retry())}
          onClearFilters={() => setFilters({})}
        />
        <LivePill model={model} scrollRef={scrollRef} />
        <LogNotices model={model} />
      </div>
      <LogDialog model={model} rootRef={rootRef} tableRef={tableRef} onSelect={setSelectedId} />
    </div>
  )
}
