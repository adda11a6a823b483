/**
 * Validation of what callers send the ledger, with the field path in every message.
 */
import { canonicalize, LosslessNumber, normalizeTimestamp, type AuditJsonObject } from '../core/index.js'
import { oneOfAliases } from '../protocol/aliases.js'
import { badRequest } from '../protocol/errors.js'
import { ACTION_PATTERN } from '../protocol/filters.js'
import type { NewEvent } from './event-store.js'
import { portableObject } from './portable-json.js'

/** An ingest body, validated: the event, and the org it names (an `aorg_` id or an external id). */
export interface EventInput extends NewEvent {
  orgRef: string
}

/**
 * The org field of an ingest body under each name Invoance's clients use: `organization_id`
 * (Node 0.3.0, Go, Ruby, .NET, the docs' event schema), `org` (Python 0.2.0, the docs' quick
 * start) and `org_id` (this ledger's earlier name).
 */
export const INGEST_ORG_FIELDS = ['organization_id', 'org', 'org_id'] as const

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
  'version',
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
  const orgField = oneOfAliases(INGEST_ORG_FIELDS, (name) => body[name])
  if (orgField === null) throw badRequest('organization_id or org is required: your external id or the aorg_ id.')
  const orgRef = string(orgField.value, orgField.name, 128)!

  // The docs' event schema (/developers/audit/event-schema): "version 1 (reserved; if you send
  // a version it must equal 1)"; golden vector 10b_version_1 shows it is not signed, so it is
  // checked and dropped.
  const version = body.version
  if (version !== undefined && version !== null) {
    const text = typeof version === 'number' ? String(version) : version instanceof LosslessNumber ? version.text : ''
    if (!/^1(\.0+)?$/.test(text)) {
      throw badRequest('version must be 1 (the only event schema version), or left out.')
    }
  }

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

  // Numbers and keys are signed in the form Invoance's verifiers write back (portable-json.ts);
  // the idempotency hash stays over the body as sent.
  const actor = portableObject(party(body.actor, 'actor'), 'actor')
  let targets: AuditJsonObject[] = []
  if (body.targets !== undefined && body.targets !== null) {
    if (!Array.isArray(body.targets)) throw badRequest('targets must be an array of { type, id, name? }.')
    if (body.targets.length > 100) throw badRequest('targets may hold at most 100 entries.')
    targets = body.targets.map((t, i) => portableObject(party(t, `targets[${i}]`), `targets[${i}]`))
  }

  let context: AuditJsonObject | null = null
  if (body.context !== undefined && body.context !== null) {
    if (!isObject(body.context)) throw badRequest('context must be an object.')
    context = portableObject(body.context, 'context')
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
    metadata = portableObject(body.metadata, 'metadata')
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

  return { orgRef, action, occurredAt, actor, targets, context, metadata }
}
