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

/** Longest Retry-After worth waiting for before giving up. */
const MAX_RETRY_AFTER_MS = 30_000

/** Exchanges by one-time token, shared by every transport in the page (StrictMode mounts twice); only recent ones need sharing. */
const exchanges = new BoundedCache<string, Promise<AuditToken>>(16)

export function createPortalTransport(options: PortalTransportOptions): PortalTransport {
  const env = platform(options)
  const origin = options.baseUrl.replace(/\/+$/, '')
  const maxRetries = options.maxRateLimitRetries ?? 3

  async function exchange(oneTime: string): Promise<AuditToken> {
    for (let attempt = 0; ; attempt++) {
      let response: Response
      try {
        response = await env.fetch(`${origin}/v1/audit/portal/exchange`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ token: oneTime }),
        })
      } catch (error) {
        throw new AuditError('network', 'Could not reach the audit portal.', { cause: error })
      }
      const text = await response.text()
      if (response.status === 429 && attempt < maxRetries) {
        const seconds = Number(response.headers.get('retry-after') ?? '1')
        const wait = (Number.isFinite(seconds) ? seconds : 1) * 1000
        if (wait > MAX_RETRY_AFTER_MS) throw AuditError.fromResponse(429, text, wait)
        await env.sleep(wait)
        continue
      }
      if (response.status === 401 || response.status === 410) {
        throw new AuditError('session-expired', 'This audit log link has been used or has expired; open it again.', {
          status: response.status,
          retryable: false,
        })
      }
      if (!response.ok) throw AuditError.fromResponse(response.status, text)
      const body = objectOf(text)
      if (typeof body.token !== 'string') throw new AuditError('upstream', 'The portal exchange returned no token.')
      const claims = claimsOf(body.token)
      // Invoance's viewer routes on this claim too (invoance-audit-viewer `jwtIntent`): a
      // stream-settings session cannot read events, so say so now rather than 403 on every page.
      if (claims.intent !== undefined && claims.intent !== 'audit_logs') {
        throw new AuditError(
          'forbidden',
          `This portal session is for "${String(claims.intent)}"; the audit log needs one created with intent "audit_logs".`,
          { status: 403, retryable: false },
        )
      }
      return {
        token: body.token,
        expires_at: typeof body.expires_at === 'string' ? body.expires_at : expiryOf(claims),
        // With no proxy behind it, the client's one-org check is the only one: it needs the org.
        ...(typeof claims.org === 'string' ? { org_id: claims.org } : {}),
      }
    }
  }

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

/** The JSON object in `text`, or `{}` for anything else; callers check each field's type. */
function objectOf(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {}
  } catch {
    return {}
  }
}

/** The claims of a JWT, read (not verified: the portal checks its own tokens), or none. */
function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1]
  if (payload === undefined) return {}
  try {
    return objectOf(atob(payload.replaceAll('-', '+').replaceAll('_', '/')))
  } catch {
    return {}
  }
}

/** The `exp` claim as RFC 3339, for portals that return the token alone. */
function expiryOf({ exp }: Record<string, unknown>): string {
  if (typeof exp === 'number') return new Date(exp * 1000).toISOString()
  throw new AuditError('upstream', 'The portal token carries no expiry.')
}
