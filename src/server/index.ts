/**
 * `auditlens/server`: the token proxy (Web APIs only, so it runs in any fetch-based runtime),
 * the node:http adapter, the reference ledger and the CLI (Node). Imports core, never React.
 * The ledger loads better-sqlite3 (an optional peer dependency) on first use, so the adapter
 * and the proxy load without it.
 */
export { main as runCli } from './cli-main.js'
export type { CliIo } from './cli-io.js'

export { toNodeHandler } from './http/node-adapter.js'
export type { FetchHandler, NodeHandlerOptions } from './http/node-adapter.js'
export { createNodeServer, answerClientErrorsWithJson, SERVER_LIMITS } from './http/node-server.js'
export { HttpError } from '../protocol/errors.js'
export type { HttpErrorCode } from '../protocol/errors.js'

export { Ledger, DEFAULT_DB } from './ledger/ledger.js'
export { SqliteUnavailableError } from './ledger/database.js'
export type { LedgerOptions, Org } from './ledger/ledger.js'
export { createLedgerHandler } from './ledger/routes.js'
export { generateEvents, seedOrg } from './ledger/seed.js'
export { CSV_COLUMNS, csvCell } from './ledger/csv.js'
export { listen as listenLedger, seedDemo, DEMO_ORGS } from './ledger-commands.js'

export { createAuditProxy } from './proxy/proxy.js'
export type { AuditProxyHandler, AuditProxyOptions, ProxyGrant, AuditKeyInfo } from './proxy/proxy.js'
export type { UpstreamOptions } from './proxy/upstream.js'
export type { RateLimitOptions } from './proxy/rate-limit.js'
