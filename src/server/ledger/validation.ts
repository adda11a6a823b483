/**
 * Validation of what callers send the ledger, with the field path in every message.
 */
import {
  canonicalize,
  LosslessNumber,
  normalizeTimestamp,
  type AuditJsonObject,
  type AuditJsonValue,
} from '../../core/index.js'
import { badRequest } from '../http/http-error.js'

export interface EventInput {
  org: string | null
  orgId: string | null
  action: string
  occurredAt: string | null
  actor: AuditJsonObject
  targets: AuditJsonObject[]
  context: AuditJsonObject | null
  metadata: AuditJsonObject | null
}

export const ACTION_PATTERN = /^[a-z0-9_.:-]{1,128}$/
const EVENT_FIELDS = new Set([
  'org',
  'org_id',
  'organization_id',
  'action',
  'occurred_at',
  'actor',
  'targets',
  'context',
  'metadata',
])

const isObject = (value: unknown): value is AuditJsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof LosslessNumber)

function string(value: unknown, path: string, max: number, { required = true } = {}): string | null {
  if (value === undefined || value === null) {
    if (required) throw badRequest(`${path} is required.`)
    return null
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw badRequest(`${path} must be a string of 1 to ${max} characters.`)
  }
  return value
}

function party(value: unknown, path: string): AuditJsonObject {
  if (!isObject(value)) throw badRequest(`${path} must be an object with type and id.`)
  string(value.type, `${path}.type`, 64)
  string(value.id, `${path}.id`, 256)
  string(value.name, `${path}.name`, 256, { required: false })
  return value
}

/** Validate a `POST /v1/audit/events` body. */
export function parseEventInput(body: AuditJsonObject): EventInput {
  for (const key of Object.keys(body)) {
    if (!EVENT_FIELDS.has(key)) throw badRequest(`${key} is not a field of an event; remove it or put it in metadata.`)
  }
  const org = string(body.org, 'org', 128, { required: false })
  const orgId = string(body.org_id ?? body.organization_id, body.org_id ? 'org_id' : 'organization_id', 64, {
    required: false,
  })
  if (org === null && orgId === null) throw badRequest('org (the organisation’s external id) is required.')
  if (org !== null && orgId !== null) throw badRequest('Send either org or org_id, not both.')

  const action = body.action
  if (typeof action !== 'string' || !ACTION_PATTERN.test(action)) {
    throw badRequest('action must be 1 to 128 characters of a-z, 0-9 and _ . : - (for example "invoice.paid").')
  }

  let occurredAt: string | null = null
  if (body.occurred_at !== undefined && body.occurred_at !== null) {
    const result = typeof body.occurred_at === 'string' ? normalizeTimestamp(body.occurred_at) : null
    if (!result?.ok) throw badRequest('occurred_at must be an RFC 3339 timestamp such as 2026-11-20T10:15:30.123Z.')
    occurredAt = result.value
  }

  const actor = party(body.actor, 'actor')
  let targets: AuditJsonObject[] = []
  if (body.targets !== undefined && body.targets !== null) {
    if (!Array.isArray(body.targets)) throw badRequest('targets must be an array of { type, id, name? }.')
    if (body.targets.length > 100) throw badRequest('targets may hold at most 100 entries.')
    targets = body.targets.map((t, i) => party(t, `targets[${i}]`))
  }

  let context: AuditJsonObject | null = null
  if (body.context !== undefined && body.context !== null) {
    if (!isObject(body.context)) throw badRequest('context must be an object.')
    context = body.context
  }

  let metadata: AuditJsonObject | null = null
  if (body.metadata !== undefined && body.metadata !== null) {
    if (!isObject(body.metadata)) throw badRequest('metadata must be an object.')
    const keys = Object.keys(body.metadata)
    if (keys.length > 50) throw badRequest(`metadata has ${keys.length} keys; at most 50 are allowed.`)
    for (const key of keys) {
      if (key.length > 40) throw badRequest(`metadata.${key.slice(0, 40)}… is a key longer than 40 characters.`)
      const value = body.metadata[key]
      if (typeof value === 'string' && value.length > 500) {
        throw badRequest(`metadata.${key} is longer than 500 characters.`)
      }
    }
    metadata = body.metadata
  }

  // Anything the signer could not encode (a lone surrogate, say) is refused here, with its path,
  // rather than stored as an event nobody can ever verify.
  const probe = canonicalize({
    id: 'probe',
    org_id: 'probe',
    seq: 1,
    occurred_at: '2000-01-01T00:00:00Z',
    ingested_at: '2000-01-01T00:00:00Z',
    action,
    actor,
    targets,
    context,
    metadata,
  })
  if (!probe.ok) throw badRequest(`${probe.error.path}: ${probe.error.message}.`)

  return { org, orgId, action, occurredAt, actor, targets, context, metadata }
}

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
