/**
 * Canonical bytes of an audit event under Invoance's frozen `invoance.audit/1` spec: the exact
 * bytes whose SHA-256 is `payload_hash` and over which the Ed25519 signature is made.
 *
 * Rules: the signed object holds `org_id, event_id, seq, ingested_at, action, occurred_at,
 * actor, targets` (required, non-null), `context` and `metadata` when present and non-null, and
 * `schema_id: "invoance.audit/1"`. Timestamps are normalised to UTC millisecond `Z` form. Null
 * object members are dropped at every depth, array elements are kept as they are. Keys are
 * sorted by code point. Compact JSON, UTF-8, non-ASCII written literally.
 */
import { JsonWriteError, writeJson } from './json-writer.js'
import { LosslessNumber } from './lossless-json.js'
import { normalizeTimestamp } from './timestamp.js'
import type { VerificationReason } from '../types.js'

/** The `schema_id` member added to every signed object. */
export const SCHEMA_ID = 'invoance.audit/1'

/** Thrown by {@link canonicalBytes} when an event cannot be canonicalized. */
export class MalformedEventError extends Error {
  readonly reason: VerificationReason
  /** Dotted path of the offending field, such as `actor.name` or `targets[2].id`. */
  readonly path: string

  constructor(reason: VerificationReason, path: string, message: string) {
    super(message)
    this.name = 'MalformedEventError'
    this.reason = reason
    this.path = path
  }
}

/** Result of {@link canonicalize}: never throws, so the verifier can report instead. */
export type CanonicalResult =
  { ok: true; text: string; bytes: Uint8Array; ingestedAtMs: number } | { ok: false; error: MalformedEventError }

const encoder = new TextEncoder()

/**
 * The canonical signed bytes of `event` (an API event with `id`, or a signed object with
 * `event_id`).
 *
 * @throws {MalformedEventError} when a required field is missing or invalid.
 */
export function canonicalBytes(event: unknown): Uint8Array {
  const result = canonicalize(event)
  if (!result.ok) throw result.error
  return result.bytes
}

/** Like {@link canonicalBytes}, returning the canonical JSON text instead of its UTF-8 bytes. */
export function canonicalJson(event: unknown): string {
  const result = canonicalize(event)
  if (!result.ok) throw result.error
  return result.text
}

/** Canonicalize without throwing. */
export function canonicalize(event: unknown): CanonicalResult {
  try {
    const { signed, ingestedAtMs } = signedObject(event)
    const text = writeJson(signed, 'canonical')
    return { ok: true, text, bytes: encoder.encode(text), ingestedAtMs }
  } catch (error) {
    if (error instanceof MalformedEventError) return { ok: false, error }
    if (error instanceof JsonWriteError) {
      return { ok: false, error: new MalformedEventError(error.problem, error.path, error.message) }
    }
    throw error
  }
}

function malformed(reason: VerificationReason, path: string, message: string): never {
  throw new MalformedEventError(reason, path, message)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof LosslessNumber)
}

function required(event: Record<string, unknown>, field: string): unknown {
  const value = event[field]
  if (value === undefined || value === null) malformed('missing-field', field, `${field} is missing or null`)
  return value
}

function requiredString(event: Record<string, unknown>, field: string): string {
  const value = required(event, field)
  if (typeof value !== 'string') malformed('invalid-field', field, `${field} must be a string`)
  return value
}

function timestamp(event: Record<string, unknown>, field: string): { value: string; epochMs: number } {
  const raw = requiredString(event, field)
  const result = normalizeTimestamp(raw)
  if (!result.ok) malformed('invalid-timestamp', field, `${field} ${JSON.stringify(raw)} ${result.problem}`)
  return result
}

function signedObject(event: unknown): { signed: Record<string, unknown>; ingestedAtMs: number } {
  if (!isPlainObject(event)) malformed('not-an-object', '', 'the event is not a JSON object')

  // The API calls it `id`; the signed object calls it `event_id`. Both present and different
  // would make it ambiguous which one the signature covers.
  const hasEventId = event.event_id !== undefined && event.event_id !== null
  const hasId = event.id !== undefined && event.id !== null
  if (hasEventId && hasId && event.event_id !== event.id) {
    malformed('conflicting-event-id', 'event_id', 'id and event_id are both present and differ')
  }
  const eventId = requiredString(hasEventId ? event : { event_id: event.id }, 'event_id')

  const seq = required(event, 'seq')
  if (!isInteger(seq)) malformed('invalid-field', 'seq', 'seq must be a non-negative integer')

  const ingested = timestamp(event, 'ingested_at')
  const occurred = timestamp(event, 'occurred_at')

  const actor = required(event, 'actor')
  if (!isPlainObject(actor)) malformed('invalid-field', 'actor', 'actor must be an object')
  const targets = required(event, 'targets')
  if (!Array.isArray(targets)) malformed('invalid-field', 'targets', 'targets must be an array')

  const signed: Record<string, unknown> = {
    org_id: requiredString(event, 'org_id'),
    event_id: eventId,
    seq,
    ingested_at: ingested.value,
    action: requiredString(event, 'action'),
    occurred_at: occurred.value,
    actor,
    targets,
    schema_id: SCHEMA_ID,
  }
  if (event.context !== undefined && event.context !== null) signed.context = event.context
  if (event.metadata !== undefined && event.metadata !== null) signed.metadata = event.metadata
  return { signed, ingestedAtMs: ingested.epochMs }
}

function isInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0
  if (typeof value === 'bigint') return value >= 0n
  return value instanceof LosslessNumber && /^\d+$/.test(value.text)
}
