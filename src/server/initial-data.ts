/**
 * `loadAuditLogInitialData`: for hosts that render on the server (a Next.js server component, a
 * loader). It asks the host's own token proxy, in-process, for what the browser would ask first
 * (a token, then the first page of events) so `<AuditLog initialData>` renders rows in the
 * server's HTML and at first paint, with no round trip before them.
 */
import type { AuditFilters } from '../protocol/filters.js'
import { eventsQuery } from '../core/log/client.js'
import { firstPageQuery, type AuditLogInitialData } from '../core/log/initial-page.js'

export interface LoadAuditLogInitialDataOptions {
  /**
   * The token proxy (`createAuditProxy`), called in-process with a Request as the browser would
   * send it; any `(Request) => Promise<Response>` that reaches it works, `fetch` included.
   */
  proxy: (request: Request) => Promise<Response>
  /**
   * Where the proxy is mounted: its `basePath` (default `/api/audit`), or a whole URL when
   * `proxy` is `fetch` to a proxy elsewhere.
   */
  baseUrl?: string
  /**
   * Headers of the page's own request for the proxy's `authorize` to read (the session cookie,
   * say); none by default, for an `authorize` that reads the session another way (Next.js's
   * `cookies()`). They go to the proxy only.
   */
  headers?: Record<string, string>
  /** The `<AuditLog>`'s filters: the page must answer the same query or the browser refuses it. */
  filters?: AuditFilters
  /** The `<AuditLog>`'s `pageSize` (default 50). */
  pageSize?: number
  signal?: AbortSignal
}

/**
 * Mint a token for the signed-in user and fetch the log's first page through `proxy`, as the
 * browser's client would: a serialisable `{ token, query, page }` for `<AuditLog initialData>`.
 * What reaches the browser is exactly what its own calls would get: the token endpoint's JSON
 * (`token`, `expires_at`, `org_id`, `scopes`) and the events answer as JSON text, never a
 * header of the proxy or of the audit API. `null` when the proxy mints no token (nobody signed
 * in) or either call fails: the browser then fetches the first page itself and shows any error
 * as it would without server rendering. Nothing here says Verified; the browser checks every
 * signature.
 */
export async function loadAuditLogInitialData(
  options: LoadAuditLogInitialDataOptions,
): Promise<AuditLogInitialData | null> {
  // A path is resolved against a placeholder origin: an in-process proxy routes by path alone.
  const base = new URL(options.baseUrl ?? '/api/audit', 'http://localhost').href.replace(/\/+$/, '')
  const call = (path: string, init: RequestInit) =>
    options.proxy(new Request(base + path, { ...init, ...(options.signal ? { signal: options.signal } : {}) }))
  try {
    const minted = await call('/token', { method: 'POST', headers: new Headers(options.headers) })
    if (!minted.ok) return null
    const token: unknown = await minted.json()
    if (!isToken(token)) return null
    const query = eventsQuery(firstPageQuery(options.filters, options.pageSize))
    const answer = await call(`/events?${query}`, {
      headers: { authorization: `Bearer ${token.token}`, accept: 'application/json' },
    })
    if (!answer.ok) return null
    // As text: the browser parses it losslessly, exactly as it parses a page it fetched.
    const page = await answer.text()
    return {
      token: {
        token: token.token,
        expires_at: token.expires_at,
        org_id: token.org_id,
        ...(Array.isArray(token.scopes) ? { scopes: token.scopes.filter((s) => typeof s === 'string') } : {}),
      },
      query,
      page,
    }
  } catch (error) {
    if (options.signal?.aborted) throw error
    return null
  }
}

/** The token endpoint's answer, decoded: only its own fields go on to the browser. */
function isToken(value: unknown): value is { token: string; expires_at: string; org_id: string; scopes?: unknown[] } {
  const token = value as Record<string, unknown> | null
  return (
    typeof token?.token === 'string' &&
    typeof token.expires_at === 'string' &&
    typeof token.org_id === 'string' &&
    (token.scopes === undefined || Array.isArray(token.scopes))
  )
}
