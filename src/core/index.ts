/**
 * `auditlens/core`: framework-free building blocks. No React, no DOM access at import time.
 */
export { parseAuditJson, LosslessNumber, AuditJsonSyntaxError } from './lossless-json.js'
export type { AuditJsonValue, ParseAuditJsonOptions } from './lossless-json.js'
export { stringifyAuditJson, compareCodePoints } from './json-writer.js'
export type { StringifyAuditJsonOptions } from './json-writer.js'

export { canonicalBytes, canonicalJson, canonicalize, MalformedEventError, SCHEMA_ID } from './canonical.js'
export type { CanonicalResult } from './canonical.js'

export { normalizeTimestamp } from './timestamp.js'

export { verifyEvent, verifyEvents } from './verify.js'
export type { VerifyOptions, VerifyEventsOptions } from './verify.js'

export { KeyRing, parseKeysDocument } from './key-ring.js'
export type { TrustedKey, TrustedKeyInput } from './key-ring.js'

export { resolveCrypto, createWebCryptoBackend, nobleBackend, isUsablePublicKey } from './crypto.js'
export type { CryptoBackend, CryptoChoice } from './crypto.js'

export type {
  AuditEvent,
  AuditActor,
  AuditTarget,
  AuditJsonObject,
  VerificationStatus,
  VerificationReason,
  VerificationResult,
} from './types.js'

export { splitLines, verifyNdjson } from './ndjson.js'
export type { NdjsonLine, NdjsonLineResult, SplitLinesOptions, VerifyNdjsonOptions } from './ndjson.js'

export { createAuditClient } from './client/client.js'
export { filtersToQuery } from '../protocol/filters.js'
export type { AuditFilters } from '../protocol/filters.js'
export type {
  AuditClient,
  AuditClientOptions,
  CallOptions,
  EventPage,
  ExportFormat,
  ExportInfo,
  RetryOptions,
} from './client/client.js'
export { AuditError } from './client/audit-error.js'
export type { AuditErrorCode } from './client/audit-error.js'
export type { AuditToken, FetchToken } from './client/token-manager.js'
export type { Platform } from './client/platform.js'
export { createEventStore, findGaps } from './client/event-store.js'
export type {
  EventStore,
  EventStoreOptions,
  EventStoreSnapshot,
  EventStoreState,
  SeqGap,
} from './client/event-store.js'
export { createLogModel } from './log/log-model.js'
export type {
  DeepLinkState,
  IntervalTimers,
  LiveTailState,
  LogModel,
  LogModelErrorSource,
  LogModelOptions,
  LogModelSnapshot,
  LogSelection,
} from './log/log-model.js'
export type { LogRow } from './log/log-rows.js'
export { createExportJob } from './client/export-job.js'
export type { ExportJob, ExportJobOptions, ExportJobState } from './client/export-job.js'
export { createPortalTransport } from './client/portal-transport.js'
export type { PortalTransport, PortalTransportOptions } from './client/portal-transport.js'
export { createVerifier } from './verifier.js'
export type { Verifier, VerifierOptions, VerifiableEvent } from './verifier.js'
