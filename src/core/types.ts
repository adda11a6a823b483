import type { AuditJsonValue, LosslessNumber } from './json/lossless-json.js'

/** A JSON object as {@link parseAuditJson} returns it. */
export type AuditJsonObject = { [key: string]: AuditJsonValue }

/** Who performed an action. Extra members are allowed and are signed like the rest. */
export interface AuditActor {
  type: string
  id: string
  name?: string | null
  [member: string]: AuditJsonValue | undefined
}

/** What an action was performed on. */
export interface AuditTarget {
  type: string
  id: string
  name?: string | null
  [member: string]: AuditJsonValue | undefined
}

/**
 * An audit event as the Invoance Audit Logs API (and the reference ledger) returns it.
 * Verification functions accept `unknown` instead, because data from the network is only an
 * `AuditEvent` once it has been checked.
 */
export interface AuditEvent {
  /** The event id (`event_id` in the signed bytes). */
  id: string
  org_id: string
  /** Per-org sequence number, gap-free from 1. */
  seq: number | LosslessNumber
  occurred_at: string
  ingested_at: string
  action: string
  actor: AuditActor
  targets: AuditTarget[]
  context?: AuditJsonObject | null
  metadata?: AuditJsonObject | null
  /** Lowercase hex SHA-256 of the canonical bytes. */
  payload_hash?: string
  /** Hex Ed25519 signature over the canonical bytes (128 hex characters). */
  signature?: string
  /** Hex Ed25519 public key the server says it signed with (64 hex characters). Not signed itself. */
  signing_public_key?: string
  key_id?: string
}

/**
 * What verification found, from best to worst:
 * - `verified`: signed by a pinned key and the content is exactly what was signed.
 * - `unpinned`: the signature matches the key carried inside the event, but no keys are pinned,
 *   so an event re-signed by someone else would look the same.
 * - `untrusted`: keys are pinned and the signature is valid only under a key that is not one of
 *   them (or is outside its validity window).
 * - `tampered`: the content no longer matches its hash or its signature.
 * - `malformed`: the event lacks something needed to check it at all.
 */
export type VerificationStatus = 'verified' | 'unpinned' | 'untrusted' | 'tampered' | 'malformed'

/** A stable, machine-readable reason behind a {@link VerificationStatus}. */
export type VerificationReason =
  | 'signature-valid'
  | 'no-pinned-keys'
  | 'key-not-pinned'
  | 'key-outside-validity-window'
  | 'payload-hash-mismatch'
  | 'signature-invalid'
  | 'not-an-object'
  | 'missing-field'
  | 'invalid-field'
  | 'invalid-timestamp'
  | 'invalid-string'
  | 'invalid-number'
  | 'conflicting-event-id'
  | 'invalid-signature'
  | 'invalid-public-key'
  | 'invalid-payload-hash'
  | 'no-key'
  | 'not-json'

/** The outcome of verifying one event. */
export interface VerificationResult {
  status: VerificationStatus
  reason: VerificationReason
  /** One English sentence saying what was found, naming the field for malformed events. */
  message: string
  /** Lowercase hex SHA-256 of the recomputed canonical bytes; `null` when they could not be built. */
  payloadHash: string | null
  /**
   * The id of the pinned key the signature was valid under, when that pinned key was given an
   * id. Never taken from the event's own (unsigned) `key_id`, which anyone could have edited.
   */
  keyId?: string
}
