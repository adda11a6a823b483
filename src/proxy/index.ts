/**
 * `auditlens/server/proxy`: the token proxy alone. Web APIs only (fetch, Web Crypto, jose), so
 * it loads in edge runtimes (Next.js `runtime = 'edge'`, Cloudflare Workers, Deno, Bun) where
 * `auditlens/server`, which also carries the SQLite ledger and the CLI, cannot.
 */
export { createAuditProxy } from './proxy.js'
export type { AuditProxyHandler, AuditProxyOptions, ProxyGrant, AuditKeyInfo } from './proxy.js'
export type { UpstreamOptions } from './upstream.js'
export type { RateLimitOptions } from './rate-limit.js'
export { HttpError } from '../protocol/errors.js'
export type { HttpErrorCode } from '../protocol/errors.js'
