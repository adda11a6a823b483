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

/** An action name: 1 to 128 characters of a-z, 0-9 and _ . : - */
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
export const EXPORT_FILTER_NAMES: ReadonlySet<string> = new Set(FILTER_NAMES)

/** Filters of a list or export, after validation. Timestamps are normalised. */
export interface EventFilters {
  actions: string[]
  actorId: string | null
  targetId: string | null
  /** Inclusive lower bound on occurred_at. */
  from: string | null
  /** Exclusive upper bound on occurred_at. */
  to: string | null
}

function timestampParam(value: string | null, name: string): string | null {
  if (value === null || value === '') return null
  const result = normalizeTimestamp(value)
  if (!result.ok) throw badRequest(`${name} must be an RFC 3339 timestamp such as 2026-11-20T00:00:00Z.`)
  return result.value
}

/** Parse filters from query-style values, accepting both spellings Invoance's SDKs use. */
export function parseFilters(get: (name: string) => string | null): EventFilters {
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
  for (const action of actions) {
    if (!ACTION_PATTERN.test(action)) throw badRequest(`actions: "${action}" is not a valid action name.`)
  }
  if (actions.length > 50) throw badRequest('actions may list at most 50 actions.')
  const from = timestampParam(get('occurred_after') ?? get('range_start'), 'occurred_after (range_start)')
  const to = timestampParam(get('occurred_before') ?? get('range_end'), 'occurred_before (range_end)')
  if (from !== null && to !== null && from >= to) {
    throw badRequest('occurred_after must be earlier than occurred_before.')
  }
  const actorId = get('actor_id') || null
  const targetId = get('target_id') || null
  if (actorId !== null && actorId.length > 256) throw badRequest('actor_id is longer than 256 characters.')
  if (targetId !== null && targetId.length > 256) throw badRequest('target_id is longer than 256 characters.')
  return { actions: actions.sort(), actorId, targetId, from, to }
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
  return parseFilters((name) => {
    const v = value[name]
    if (v === undefined || v === null) return null
    if (name === 'actions' && Array.isArray(v)) {
      if (!v.every((a) => typeof a === 'string')) throw badRequest('filters.actions must be a list of action names.')
      if (v.length > 50) throw badRequest('filters.actions may list at most 50 actions.')
      return v.join(',')
    }
    if (typeof v !== 'string') throw badRequest(`filters.${name} must be a string.`)
    return v
  })
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

/** Filters as an export body's `filters`, in the names Invoance's export API takes. */
export function filtersToBody(filters: AuditFilters): Record<string, unknown> {
  return {
    ...(filters.actions && filters.actions.length > 0 ? { actions: [...filters.actions] } : {}),
    ...(filters.actorId ? { actor_id: filters.actorId } : {}),
    ...(filters.targetId ? { target_id: filters.targetId } : {}),
    ...(filters.from ? { range_start: filters.from } : {}),
    ...(filters.to ? { range_end: filters.to } : {}),
  }
}
