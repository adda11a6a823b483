'use client'
/**
 * The log's columns: the four built in (time, actor, action, verification) and how a host's
 * own columns join them, added at the end or replacing a built-in one with the same id.
 */
import type { ReactNode } from 'react'
import type { AuditEvent, Verifier } from '../core/index.js'
import { useAuditLogContext } from './context.js'
import { displayString, EventText, eventText } from './event-text.js'
import { formatEventTime } from './format.js'
import { useVerification } from './hooks.js'
import type { AuditLogMessages } from './messages.js'
import { badgeStatus, VerifyBadgeView } from './verify-badge.js'

/** Which columns show, by id (`{ actor: false }` hides the actor column); unlisted ids show. */
export type ColumnVisibility = Record<string, boolean>

/** A column a host adds (or a built-in one it replaces, by id). */
export interface AuditLogColumn {
  id: string
  header: ReactNode
  cell: (event: AuditEvent) => ReactNode
  /** CSS grid track, e.g. `minmax(8rem, 1fr)` or `120px` (default `minmax(8rem, 1fr)`). */
  width?: string
}

/**
 * A row's badge asks the verifier for its own event, so only rendered rows (plus overscan) are
 * verified; the requests of one render are queued together and checked newest first.
 */
function Badge({ event, verifier }: { event: AuditEvent; verifier: Verifier | null }) {
  const { keys } = useAuditLogContext('AuditLog')
  const result = useVerification(verifier, event)
  return <VerifyBadgeView status={badgeStatus(result, verifier, keys)} />
}

/** The exact UTC instant for a tooltip; the raw text when it is not a valid time (a malformed event). */
function exactInstant(value: unknown): string {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN
  return Number.isNaN(ms) ? eventText(value) : new Date(ms).toISOString()
}

/** A cell's main line and its muted second line, each cut with an ellipsis (hidden in compact density). */
function TwoLines({ main, sub, mono = false }: { main: ReactNode; sub: ReactNode; mono?: boolean }) {
  return (
    <div className="al-stack">
      <span className={mono ? 'al-mono al-truncate' : 'al-truncate'}>{main}</span>
      <span className="al-muted al-truncate">{sub}</span>
    </div>
  )
}

/** Event strings joined by a separator, each isolated from the others (see event-text.tsx). */
function joined(values: readonly unknown[], separator: string): ReactNode {
  return values.map((value, i) => (
    <span key={i}>
      {i > 0 ? separator : null}
      <EventText value={value} />
    </span>
  ))
}

/** The built-in columns, rendering every event string as isolated, inert text. */
export function builtInColumns(context: {
  messages: AuditLogMessages
  verifier: Verifier | null
  now: number | null
  locale: string | undefined
  timeZone: string | undefined
}): AuditLogColumn[] {
  const { messages, verifier, now, locale, timeZone } = context
  return [
    {
      id: 'time',
      header: messages.columns.time,
      width: 'minmax(7.5rem, 0.8fr)',
      cell: (event) => (
        <time dateTime={eventText(event.occurred_at)} title={displayString(exactInstant(event.occurred_at))}>
          <EventText value={formatEventTime(eventText(event.occurred_at), now, locale, timeZone)} />
        </time>
      ),
    },
    {
      id: 'actor',
      header: messages.columns.actor,
      width: 'minmax(10rem, 1.2fr)',
      cell: (event) => (
        <TwoLines
          main={<EventText value={eventText(event.actor?.name) || eventText(event.actor?.id)} />}
          sub={joined(
            [
              eventText(event.actor?.id),
              ...(event.context && typeof event.context.location === 'string' ? [event.context.location] : []),
            ],
            ' · ',
          )}
        />
      ),
    },
    {
      id: 'action',
      header: messages.columns.action,
      width: 'minmax(10rem, 1.4fr)',
      cell: (event) => (
        <TwoLines
          mono
          main={<EventText value={event.action} />}
          sub={joined(
            (event.targets ?? []).map((t) => eventText(t.name) || `${eventText(t.type)}:${eventText(t.id)}`),
            ', ',
          )}
        />
      ),
    },
    {
      id: 'verification',
      header: messages.columns.verification,
      width: '9.5rem',
      cell: (event) => <Badge event={event} verifier={verifier} />,
    },
  ]
}

/** The ids of the built-in columns, which a host's column of the same id replaces. */
export const BUILT_IN_COLUMN_IDS: readonly string[] = ['time', 'actor', 'action', 'verification']

/**
 * Below this width of the log itself (px) events are drawn as cards. styles.css's
 * `@container al-log (width < 640px)` lays them out; this number sets their height.
 */
export const CARD_BREAKPOINT = 640

/**
 * A row's height in px, the same for every row (the virtualizer, PageUp/PageDown and the
 * live-tail anchor all count in rows). A table row is 52 or 36 px; a card has two lines (action
 * and badge, actor and time), 64 or 52 px, and 24 px more per visible host column, each on a
 * line of its own (styles.css: 22 px lines, 2 px apart, centred).
 */
export function rowHeightOf(
  density: 'comfortable' | 'compact',
  cards: boolean,
  columns: readonly AuditLogColumn[] = [],
  visibility: ColumnVisibility = {},
): number {
  if (!cards) return density === 'compact' ? 36 : 52
  const extra = columns.filter((c) => !BUILT_IN_COLUMN_IDS.includes(c.id) && visibility[c.id] !== false).length
  return (density === 'compact' ? 52 : 64) + 24 * extra
}

/** A host's columns replace built-in ones by id; the rest are added after them. */
export function withHostColumns(builtIn: AuditLogColumn[], extra: readonly AuditLogColumn[] = []): AuditLogColumn[] {
  const replaced = builtIn.map((column) => extra.find((c) => c.id === column.id) ?? column)
  return [...replaced, ...extra.filter((c) => !builtIn.some((b) => b.id === c.id))]
}
