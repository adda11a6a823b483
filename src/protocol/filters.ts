/**
 * Event filters on the wire: their names in both spellings Invoance's SDKs use, the strict
 * parsing of a list's query and of an export's `filters` body, and the UI's filters written
 * as either. One module for the ledger, the proxy and the browser client, so the three accept
 * and send exactly the same filters.
 */
import { LosslessNumber, type AuditJsonValue } from '../core/json/lossless-json.js'
import { normalizeTimestamp } from '../core/json/timestamp.js'
import type { AuditJsonObject } from '../core/types.js'
import { badRequest } from './errors.js'

/**
 * An action name: 1 to 128 characters of a-z, 0-9 and _ . : - (what ingest stores). A list
 * filter may still name anything else: it matches no event (see {@link parseFilters}).
 */
export const ACTION_PATTERN = /^[a-z0-9_.:-]{1,128}$/

const isObject = (value: unknown): value is AuditJsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof LosslessNumber)

/** The event filters, in both spellings Invoance's SDKs use. */
const FILTER_NAMES = [
  'actions',
  'actor_id',
  'target_id',
  'occurred_after',
  'occurred_before',
  'range_start',
  'range_end',
] as const

/**
 * Query parameters of an event list (the org aside), in both spellings Invoance's SDKs use.
 * Shared by the ledger and the proxy, so the two accept exactly the same queries.
 */
export const LIST_QUERY_PARAMS: ReadonlySet<string> = new Set([...FILTER_NAMES, 'limit', 'cursor'])

/** Filter names of an export body: the list's filters, without paging. */
export const EXPORT_FILTER_NAMES: ReadonlySet<string> = new Set([...FILTER_NAMES, 'action'])

/** Filters of a list or export, after validation. Timestamps are normalised. */
export interface EventFilters {
  actions: string[]
  actorId: string | null
  targetId: string | null
  /** Inclusive lower bound on occurred_at (`occurred_after` or `range_start`). */
  from: string | null
  /** Upper bound on occurred_at: inclusive from `range_end`, exclusive from `occurred_before`. */
  to: string | null
  /**
   * Whether `to` is inclusive. Part of the query a cursor is bound to; absent (exclusive) in
   * export jobs stored before range_end became inclusive.
   */
  toInclusive?: boolean
}

function timestampParam(value: string | null, name: string): string | null {
  if (value === null || value === '') return null
  const result = normalizeTimestamp(value)
  if (!result.ok) throw badRequest(`${name} must be an RFC 3339 timestamp such as 2026-11-20T00:00:00Z.`)
  return result.value
}

/**
 * One bound of the occurred_at window, under the name it came in. Both names of one bound are a
 * 400, even when equal, because the two end names mean different things.
 */
function bound(get: (name: string) => string | null, names: readonly [string, string]) {
  const [a, b] = names.map((name) => ({ name, value: timestampParam(get(name), name) }))
  if (a!.value !== null && b!.value !== null) {
    throw badRequest(`Send either ${a!.name} or ${b!.name}, not both; they name the same bound.`)
  }
  return a!.value !== null ? a! : b!
}

/**
 * Parse filters from query-style values, accepting both spellings Invoance's SDKs use.
 *
 * The window: `range_start` / `range_end` are inclusive bounds on occurred_at ("Inclusive
 * RFC3339 bounds on occurred_at", invoance-node `src/models/audit.ts`, invoance-go `audit.go`),
 * so `range_start == range_end` is one instant; `occurred_after` (>=) and `occurred_before` (<)
 * keep this ledger's earlier meaning, the one Python 0.2.0 and Invoance's viewer send.
 *
 * `actions` is a comma list. Invoance's viewer sends the text of an input box as it is
 * (`actions=User Signed In`), so in a list query a name no event can carry matches nothing (an
 * empty page) rather than a 400 that blanks the viewer's table, and so does an empty or reversed
 * date window (its date inputs send From = To as `occurred_after` = `occurred_before`, and any
 * 400 replaces its whole view, filter bar included). `strict` (export bodies, which code builds,
 * and the proxy) refuses both instead, naming the field.
 */
export function parseFilters(
  get: (name: string) => string | null,
  { strict = false }: { strict?: boolean } = {},
): EventFilters {
  const actionsText = get('actions')
  const actions =
    actionsText === null || actionsText === ''
      ? []
      : [
          ...new Set(
            actionsText
              .split(',')
              .map((a) => a.trim())
              .filter(Boolean),
          ),
        ]
  if (actions.length > 50) throw badRequest('actions may list at most 50 actions.')
  for (const action of strict ? actions : []) {
    if (!ACTION_PATTERN.test(action)) throw badRequest(`actions: "${action}" is not a valid action name.`)
  }
  const start = bound(get, ['occurred_after', 'range_start'])
  const end = bound(get, ['occurred_before', 'range_end'])
  const toInclusive = end.name === 'range_end'
  const from = start.value
  const to = end.value
  if (strict && from !== null && to !== null && (toInclusive ? from > to : from >= to)) {
    throw badRequest(`${start.name} must be ${toInclusive ? 'at or before' : 'earlier than'} ${end.name}.`)
  }
  const actorId = get('actor_id') || null
  const targetId = get('target_id') || null
  if (actorId !== null && actorId.length > 256) throw badRequest('actor_id is longer than 256 characters.')
  if (targetId !== null && targetId.length > 256) throw badRequest('target_id is longer than 256 characters.')
  return { actions: actions.sort(), actorId, targetId, from, to, toInclusive }
}

/**
 * Validate the `filters` object of an export body, as strictly as a list's query: known names
 * only, each a string (`actions` a string or a list of strings), `null` for "not set". Shared
 * by the ledger and the proxy, so a filter the proxy accepts is one the ledger applies as sent,
 * never one that turns into "no filter" on the way (a number such as 1e400 becomes `null` in
 * JSON.stringify and would export the whole org).
 */
export function parseExportFilters(value: AuditJsonValue | undefined): EventFilters {
  if (value === undefined || value === null) return parseFilters(() => null)
  if (!isObject(value)) throw badRequest('filters must be an object of filter names to strings.')
  for (const key of Object.keys(value)) {
    if (!EXPORT_FILTER_NAMES.has(key)) {
      throw badRequest(`filters.${key} is not a filter; use ${[...EXPORT_FILTER_NAMES].join(', ')}.`)
    }
  }
  // Invoance's Go README sends `filters: {"action": "invoice.approved"}`: one action.
  const action = value.action
  if (action !== undefined && action !== null) {
    if (value.actions !== undefined && value.actions !== null) {
      throw badRequest('Send either filters.action or filters.actions, not both.')
    }
    if (typeof action !== 'string' || action.includes(',')) {
      throw badRequest('filters.action is one action name; use filters.actions for a list.')
    }
  }
  return parseFilters(
    (name) => {
      const v = name === 'actions' ? (value.actions ?? value.action) : value[name]
      if (v === undefined || v === null) return null
      if (name === 'actions' && Array.isArray(v)) {
        if (!v.every((a) => typeof a === 'string')) throw badRequest('filters.actions must be a list of action names.')
        if (v.length > 50) throw badRequest('filters.actions may list at most 50 actions.')
        return v.join(',')
      }
      if (typeof v !== 'string') throw badRequest(`filters.${name} must be a string.`)
      return v
    },
    { strict: true },
  )
}

/** Filters of the event list, as the UI holds them. Timestamps are RFC 3339. */
export interface AuditFilters {
  actions?: readonly string[]
  actorId?: string
  targetId?: string
  /** Inclusive lower bound on occurred_at. */
  from?: string
  /** Exclusive upper bound on occurred_at. */
  to?: string
}

/** Query parameters for filters, in the proxy's (and Invoance's) names. */
export function filtersToQuery(filters: AuditFilters): URLSearchParams {
  const query = new URLSearchParams()
  if (filters.actions && filters.actions.length > 0) query.set('actions', filters.actions.join(','))
  if (filters.actorId) query.set('actor_id', filters.actorId)
  if (filters.targetId) query.set('target_id', filters.targetId)
  if (filters.from) query.set('occurred_after', filters.from)
  if (filters.to) query.set('occurred_before', filters.to)
  return query
}

/**
 * The UI's exclusive `to` as an inclusive `range_end`: one millisecond earlier, the precision
 * occurred_at is stored at, so an event exactly at `to` stays out of the export as it stays out
 * of the list. Text that is not a timestamp goes as it is, for the server to refuse.
 */
function inclusiveEnd(to: string): string {
  const parsed = normalizeTimestamp(to)
  return parsed.ok ? new Date(parsed.epochMs - 1).toISOString() : to
}

/** Filters as an export body's `filters`, in the names Invoance's export API takes. */
export function filtersToBody(filters: AuditFilters): Record<string, unknown> {
  return {
    ...(filters.actions && filters.actions.length > 0 ? { actions: [...filters.actions] } : {}),
    ...(filters.actorId ? { actor_id: filters.actorId } : {}),
    ...(filters.targetId ? { target_id: filters.targetId } : {}),
    ...(filters.from ? { range_start: filters.from } : {}),
    ...(filters.to ? { range_end: inclusiveEnd(filters.to) } : {}),
  }
}
