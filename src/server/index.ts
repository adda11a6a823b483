/**
 * `auditlens/server`: what a Node server imports. The token proxy (Web APIs only, so it also
 * runs in any fetch-based runtime), the node:http adapter and server, and the reference
 * ledger. Imports core, never React; the CLI and the demo's seeding are not part of it. The
 * ledger loads better-sqlite3 (an optional peer dependency) on first use, so the adapter and
 * the proxy load without it.
 */
export { toNodeHandler } from '../http/node-adapter.js'
export type { FetchHandler, NodeHandlerOptions } from '../http/node-adapter.js'
export { createNodeServer, answerClientErrorsWithJson, SERVER_LIMITS } from '../http/node-server.js'
export { HttpError } from '../protocol/errors.js'
export type { HttpErrorCode } from '../protocol/errors.js'

export { Ledger, DEFAULT_DB } from '../ledger/ledger.js'
export { SqliteUnavailableError } from '../ledger/database.js'
export type { LedgerOptions, Org } from '../ledger/ledger.js'
export type { StreamOptions } from '../ledger/streams/streams.js'
export { createLedgerHandler } from '../ledger/routes.js'

export { createAuditProxy } from '../proxy/proxy.js'
export type { AuditProxyHandler, AuditProxyOptions, ProxyGrant, AuditKeyInfo } from '../proxy/proxy.js'
export type { UpstreamOptions } from '../proxy/upstream.js'
export type { RateLimitOptions } from '../proxy/rate-limit.js'

export { loadAuditLogInitialData } from './initial-data.js'
export type { LoadAuditLogInitialDataOptions } from './initial-data.js'
export type { AuditLogInitialData } from '../core/log/initial-page.js'
