/**
 * `createPortalTransport`: talk to Invoance's hosted portal API directly, without a proxy of
 * your own. Your backend creates a one-time portal session token; this exchanges it, once, for
 * a session JWT (`POST /v1/audit/portal/exchange`) and hands that to the client as its token.
 *
 * The exchange is single-use, so the same one-time token is never exchanged twice: concurrent
 * calls, and React StrictMode mounting a component twice, share one exchange. A 429 does not
 * consume the token, so it is retried after Retry-After.
 */
import { BoundedCache } from '../bounded-cache.js'
import { AuditError } from './audit-error.js'
import { platform, type Platform } from './platform.js'
import type { AuditToken, FetchToken } from './token-manager.js'

export interface PortalTransportOptions extends Partial<Platform> {
  /** The portal API's origin, e.g. `https://api.invoance.com`. */
  baseUrl: string
  /** Ask your backend for a fresh one-time portal session token. */
  getPortalToken: (signal?: AbortSignal) => Promise<string>
  /** How many 429s to wait out before giving up (default 3). */
  maxRateLimitRetries?: number
}

/** Options to spread into `createAuditClient`: `{ baseUrl, fetchToken }`. */
export interface PortalTransport {
  baseUrl: string
  fetchToken: FetchToken
}

/** Exchanges by one-time token, shared by every transport in the page (StrictMode mounts twice); only recent ones need sharing. */
const exchanges = new BoundedCache<string, Promise<AuditToken>>(16)

export function createPortalTransport(options: PortalTransportOptions): PortalTransport {
  const env = platform(options)
  const origin = options.baseUrl.replace(/\/+$/, '')
  const maxRetries = options.maxRateLimitRetries ?? 3

  /**
   * The exchange itself loads on the first token (portal-exchange.ts): nothing of it is needed
   * before a log asks for one. The error class comes in as an argument, so no shared chunk.
   */
  const exchange = (oneTime: string) =>
    import('./portal-exchange.js').then(({ portalExchange }) =>
      portalExchange({ env, origin, maxRetries, Errors: AuditError }, oneTime),
    )

  return {
    baseUrl: `${origin}/v1/audit/portal`,
    async fetchToken(signal) {
      const oneTime = await options.getPortalToken(signal)
      let pending = exchanges.get(oneTime)
      if (!pending) {
        // Not the caller's signal: the exchange is shared, and one caller leaving must not spend
        // the token for the others.
        pending = exchange(oneTime)
        exchanges.set(oneTime, pending)
        // A failed exchange may be retried with the same token only if it was not consumed.
        pending.catch(() => exchanges.delete(oneTime))
      }
      return pending
    },
  }
}
