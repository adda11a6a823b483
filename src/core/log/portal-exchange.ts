/**
 * The portal's one-time token exchange (`POST /v1/audit/portal/exchange`) for
 * `createPortalTransport` (portal-transport.ts), loaded on the first token. The error class
 * comes in as an argument rather than an import, so no shared chunk splits off.
 */
import type { AuditError } from './audit-error.js'
import type { Platform } from './platform.js'
import type { AuditToken } from './token-manager.js'

/** Longest Retry-After worth waiting for before giving up. */
const MAX_RETRY_AFTER_MS = 30_000

export interface ExchangeParts {
  env: Platform
  /** The portal API's origin, without a trailing slash. */
  origin: string
  /** How many 429s to wait out before giving up. */
  maxRetries: number
  Errors: typeof AuditError
}

/** Exchange `oneTime` for a session token, waiting out 429s (they do not consume the token). */
export async function portalExchange(
  { env, origin, maxRetries, Errors }: ExchangeParts,
  oneTime: string,
): Promise<AuditToken> {
  for (let attempt = 0; ; attempt++) {
    let response: Response
    try {
      response = await env.fetch(`${origin}/v1/audit/portal/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ token: oneTime }),
      })
    } catch (error) {
      throw new Errors('network', 'Could not reach the audit portal.', { cause: error })
    }
    const text = await response.text()
    if (response.status === 429 && attempt < maxRetries) {
      const seconds = Number(response.headers.get('retry-after') ?? '1')
      const wait = (Number.isFinite(seconds) ? seconds : 1) * 1000
      if (wait > MAX_RETRY_AFTER_MS) throw Errors.fromResponse(429, text, wait)
      await env.sleep(wait)
      continue
    }
    if (response.status === 401 || response.status === 410) {
      throw new Errors('session-expired', 'This audit log link has been used or has expired; open it again.', {
        status: response.status,
        retryable: false,
      })
    }
    if (!response.ok) throw Errors.fromResponse(response.status, text)
    const body = objectOf(text)
    if (typeof body.token !== 'string') throw new Errors('upstream', 'The portal exchange returned no token.')
    const claims = claimsOf(body.token)
    // Invoance's viewer routes on this claim too (invoance-audit-viewer `jwtIntent`): a
    // stream-settings session cannot read events, so say so now rather than 403 on every page.
    if (claims.intent !== undefined && claims.intent !== 'audit_logs') {
      throw new Errors(
        'forbidden',
        `This portal session is for "${String(claims.intent)}"; the audit log needs one created with intent "audit_logs".`,
        { status: 403, retryable: false },
      )
    }
    return {
      token: body.token,
      expires_at: typeof body.expires_at === 'string' ? body.expires_at : expiryOf(claims, Errors),
      // With no proxy behind it, the client's one-org check is the only one: it needs the org.
      ...(typeof claims.org === 'string' ? { org_id: claims.org } : {}),
    }
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
function expiryOf({ exp }: Record<string, unknown>, Errors: typeof AuditError): string {
  if (typeof exp === 'number') return new Date(exp * 1000).toISOString()
  throw new Errors('upstream', 'The portal token carries no expiry.')
}
