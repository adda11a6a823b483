/**
 * `auditlens/core`: framework-free building blocks. No React, no DOM access at import time.
 */
export { parseAuditJson, LosslessNumber, AuditJsonSyntaxError } from './json/lossless-json.js'
export type { AuditJsonValue, ParseAuditJsonOptions } from './json/lossless-json.js'
export { stringifyAuditJson } from './json/json-writer.js'
export type { StringifyAuditJsonOptions } from './json/json-writer.js'

export { canonicalBytes, canonicalJson, canonicalize, MalformedEventError, SCHEMA_ID } from './json/canonical.js'
export type { CanonicalResult } from './json/canonical.js'

export { normalizeTimestamp } from './json/timestamp.js'

export { verifyEvent, verifyEvents } from './verify/verify.js'
export type { VerifyOptions, VerifyEventsOptions } from './verify/verify.js'

export { KeyRing, parseKeysDocument } from './verify/key-ring.js'
export type { TrustedKey, TrustedKeyInput } from './verify/key-ring.js'

export { resolveCrypto, createWebCryptoBackend, nobleBackend } from './verify/crypto.js'
export type { CryptoBackend, CryptoChoice } from './verify/crypto.js'

export type {
  AuditEvent,
  AuditActor,
  AuditTarget,
  AuditJsonObject,
  VerificationStatus,
  VerificationReason,
  VerificationResult,
} from './types.js'

export { verifyNdjson } from './verify/ndjson.js'
export { verifyPruneMarker } from './verify/prune-marker-check.js'
export type { PruneMarkerCheck } from './verify/prune-marker-check.js'
export type { PruneMarker } from './verify/prune-marker.js'
export type { NdjsonLine, NdjsonLineResult, VerifyNdjsonOptions } from './verify/ndjson.js'

export { createAuditClient } from './log/client.js'
export type { AuditLogInitialData } from './log/initial-page.js'
export type { AuditFilters } from '../protocol/filters.js'
export type {
  AuditClient,
  AuditClientOptions,
  CallOptions,
  EventPage,
  EventsQuery,
  ExportFormat,
  ExportInfo,
  RetryOptions,
} from './log/client.js'
export type { ProofCalls } from './log/proof-calls.js'
export type { CheckpointAnswer, InclusionAnswer } from '../protocol/proofs.js'
export { AuditError } from './log/audit-error.js'
export type { AuditErrorCode } from './log/audit-error.js'
export type { AuditToken, FetchToken } from './log/token-manager.js'
export type { Platform } from './log/platform.js'
export { createEventStore } from './log/event-store.js'
export type { EventStore, EventStoreOptions, EventStoreSnapshot, EventStoreState, SeqGap } from './log/event-store.js'
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
export type { LogRow, LogRows } from './log/log-rows.js'
export type { PageBlock } from './log/page-blocks.js'
export type { PrunedRange } from './log/pruned-range.js'
export { createExportJob } from './log/export-job.js'
export type { ExportJob, ExportJobOptions, ExportJobState } from './log/export-job.js'
export { createPortalTransport } from './log/portal-transport.js'
export type { PortalTransport, PortalTransportOptions } from './log/portal-transport.js'
export { createVerifier } from './verify/verifier.js'
export type { Verifier, VerifierOptions, VerifiableEvent, LeafResult } from './verify/verifier.js'
