/**
 * CORS for the portal API (`/v1/audit/portal/*`), which Invoance's viewer calls from the
 * embedding page's origin, and for nothing else: the API-key endpoints are for servers and
 * keep answering `OPTIONS` with 405 and no CORS headers.
 *
 * The portal is bearer-only: no cookie or other ambient credential is ever sent, and
 * `Access-Control-Allow-Credentials` is never set, so a page on an allowed origin can do no more
 * than it could with the token it already holds (Fetch standard, "CORS protocol and
 * credentials"). That is why `*` is a safe default here.
 */
import { json } from '../http/http-error.js'

type Handler = (request: Request) => Promise<Response>

const PORTAL_PREFIX = '/v1/audit/portal/'

/** The methods the portal routes use (the streams routes add DELETE), as Invoance's viewer needs them (wire note §2.7). */
const ALLOW_METHODS = 'GET, POST, DELETE, OPTIONS'
/** `Authorization` is never CORS-safelisted; `Content-Type: application/json` is not either. */
const ALLOW_HEADERS = 'Authorization, Content-Type'
/** How long a browser may reuse a preflight (seconds); Chromium caps this at 7200. */
const MAX_AGE = '600'

/**
 * Wrap the ledger's handler so portal answers, errors included (401, 403, 404, 429), carry
 * `Access-Control-Allow-Origin` and expose `Retry-After` (not a CORS-safelisted response header,
 * and the viewer's exchange reads it on 429), and portal preflights get a 204.
 * `origins`: `*`, or exact origins to echo back; empty leaves the handler as it is.
 */
export function withPortalCors(handler: Handler, origins: readonly string[]): Handler {
  if (origins.length === 0) return handler
  const anyOrigin = origins.includes('*')
  const allowed = new Set(origins)
  const allowOrigin = (request: Request): string | null => {
    if (anyOrigin) return '*'
    const origin = request.headers.get('origin')
    return origin !== null && allowed.has(origin) ? origin : null
  }
  // With a list, the answer depends on Origin, so caches must key on it (Fetch standard, "CORS protocol and HTTP caches").
  const vary: Record<string, string> = anyOrigin ? {} : { vary: 'Origin' }

  return async (request) => {
    if (!new URL(request.url).pathname.startsWith(PORTAL_PREFIX)) return handler(request)
    const origin = allowOrigin(request)
    if (request.method === 'OPTIONS') {
      if (origin === null) {
        return json(
          {
            error: 'forbidden',
            message: 'This origin may not call the portal API; add it with --cors-origin (portal.corsOrigins).',
          },
          403,
          vary,
        )
      }
      return new Response(null, {
        status: 204,
        headers: {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': ALLOW_METHODS,
          'access-control-allow-headers': ALLOW_HEADERS,
          'access-control-max-age': MAX_AGE,
          ...vary,
        },
      })
    }
    const response = await handler(request)
    const headers = new Headers(response.headers)
    for (const [name, value] of Object.entries(vary)) headers.append(name, value)
    if (origin !== null) {
      headers.set('access-control-allow-origin', origin)
      headers.set('access-control-expose-headers', 'Retry-After')
    }
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
  }
}
