/**
 * `createAuditProxy`: the piece a host mounts in its own backend so the browser never holds an
 * API key. It mints short-lived, org-scoped tokens for the signed-in user and forwards reads
 * and exports to the audit API with the org taken from the token, never from the request.
 *
 * The handler is `(Request) => Promise<Response>` and uses only Web APIs, so it mounts in
 * Next.js route handlers, Hono, Bun, Deno and Workers; `toNodeHandler` adapts it to node:http.
 */
import { parseAuditJson, stringifyAuditJson, type AuditJsonValue } from '../../core/index.js'
import { badRequest, errorResponse, HttpError, json, notFound } from '../http/http-error.js'
import { LIST_QUERY_PARAMS, parseFilters } from '../ledger/validation.js'
import { PROXY_SCOPES, ProxyCrypto, type ProxyScope, type TokenClaims } from './proxy-crypto.js'
import { RateLimiter, type RateLimitOptions } from './rate-limit.js'
import { exportRoutes } from './export-routes.js'
import { decodeKeyList, parseUpstreamJson, Upstream, type UpstreamOptions } from './upstream.js'

/** What the host's `authorize` says about the signed-in user, or `null` when there is none. */
export interface ProxyGrant {
  /** The audit API's org id (`aorg_…`) this user may see. */
  orgId: string
  /** The user's id in the host app, recorded in the token as `sub`. */
  subject: string
  /** `audit:read` to browse and verify; `audit:export` to export too. Others are ignored. */
  scopes: readonly string[]
}

export interface AuditKeyInfo {
  key_id: string
  algorithm: 'Ed25519'
  public_key: string
  not_before: string | null
  not_after: string | null
}

export interface AuditProxyOptions {
  upstream: UpstreamOptions
  /** The host's own session check (its cookie, say). Return `null` when nobody is signed in. */
  authorize: (request: Request) => ProxyGrant | null | Promise<ProxyGrant | null>
  /** Signs tokens, seals export handles and download links: at least 32 bytes of secret. */
  secret: string | Uint8Array
  /** Where the proxy is mounted (default `/api/audit`). */
  basePath?: string
  /** Browser token lifetime in seconds (default 300, at most 900). */
  tokenTtlSeconds?: number
  /**
   * Keys the browser pins. If omitted, the upstream's `GET /v1/audit/keys` is fetched and
   * cached: convenient, but then a compromised upstream could hand out its own key. Pinning
   * keys here (from config, out of band) is the stronger choice.
   */
  trustedKeys?: readonly AuditKeyInfo[]
  /** How long fetched keys are cached (default 300 s). */
  keysCacheSeconds?: number
  /**
   * `stream` (default) pipes export files through the proxy, served as an attachment of the
   * export's own type with `nosniff` and a sandboxing CSP, whatever the upstream's file says.
   * `redirect` sends the browser to the upstream's presigned URL (on the upstream's origin
   * only): the browser then holds that URL, a credential for the file until it expires, and
   * gets the file with the upstream's own headers, so the upstream must serve it safely.
   */
  downloads?: 'redirect' | 'stream'
  /** Requests per signed-in user, token minting included (default burst 60, 20/s); `false` turns it off. */
  rateLimit?: RateLimitOptions | false
  /** Origins allowed to mint tokens besides the request's own (for hosts behind a rewriting proxy). */
  allowedOrigins?: readonly string[]
  /** The current time in epoch ms (default `Date.now`). */
  now?: () => number
}

const LIST_PARAMS = LIST_QUERY_PARAMS

function checkOptions(options: AuditProxyOptions): { secret: Uint8Array; ttl: number; basePath: string } {
  const secret = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret
  if (!secret || secret.byteLength < 32) {
    throw new TypeError(
      'secret must be at least 32 bytes; generate one with `openssl rand -base64 48` and keep it in your secrets store',
    )
  }
  const ttl = options.tokenTtlSeconds ?? 300
  if (!Number.isInteger(ttl) || ttl < 30 || ttl > 900)
    throw new TypeError('tokenTtlSeconds must be an integer from 30 to 900')
  if (typeof options.authorize !== 'function')
    throw new TypeError('authorize(request) is required: it is how the proxy knows who is signed in')
  const basePath = (options.basePath ?? '/api/audit').replace(/\/+$/, '')
  if (!basePath.startsWith('/')) throw new TypeError('basePath must start with /')
  return { secret, ttl, basePath }
}

/** Create the proxy's fetch handler. Throws at once for invalid options. */
export function createAuditProxy(options: AuditProxyOptions): (request: Request) => Promise<Response> {
  const { secret, ttl, basePath } = checkOptions(options)
  const now = options.now ?? Date.now
  const upstream = new Upstream(options.upstream)
  const limiter = options.rateLimit === false ? null : new RateLimiter(options.rateLimit ?? {}, now)
  const cryptoReady = ProxyCrypto.create(secret)
  let keysCache: { at: number; body: string } | null = null

  /**
   * One bucket per signed-in user (org and subject), shared by all their tokens and by
   * minting new ones, so fresh tokens do not bring fresh budgets.
   */
  function limit(org: string, subject: string): void {
    const wait = limiter?.take(`${org}\u0000${subject}`) ?? 0
    if (wait > 0)
      throw new HttpError(429, 'rate_limited', 'Too many requests; slow down.', { 'retry-after': String(wait) })
  }

  async function bearer(request: Request, keys: ProxyCrypto, scope: ProxyScope): Promise<TokenClaims> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')
    const claims = match ? await keys.verifyToken(match[1]!, now()) : null
    if (!claims) {
      throw new HttpError(
        401,
        'unauthorized',
        'The audit token is missing, expired or invalid; request a new one from /token.',
        {
          'www-authenticate': 'Bearer realm="auditlens"',
        },
      )
    }
    if (!claims.scopes.includes(scope)) throw new HttpError(403, 'forbidden', `Your session does not include ${scope}.`)
    limit(claims.org, claims.sub)
    return claims
  }

  async function mint(request: Request, keys: ProxyCrypto): Promise<Response> {
    const origin = request.headers.get('origin')
    const site = request.headers.get('sec-fetch-site')
    // Compared by host: behind a TLS-terminating load balancer the request arrives as http
    // while the page's Origin says https.
    const own = new URL(request.url).host
    const allowed = origin === null || hostOf(origin) === own || (options.allowedOrigins ?? []).includes(origin)
    if (!allowed || (site !== null && site !== 'same-origin')) {
      throw new HttpError(403, 'forbidden', 'Tokens are only issued to pages of this site.')
    }
    const grant = await options.authorize(request)
    if (!grant) throw new HttpError(401, 'unauthorized', 'Sign in to see the audit log.')
    limit(grant.orgId, grant.subject)
    const scopes = PROXY_SCOPES.filter((s) => grant.scopes.includes(s))
    if (!scopes.includes('audit:read'))
      throw new HttpError(403, 'forbidden', 'Your account may not view the audit log.')
    const { token, exp } = await keys.mintToken({ org: grant.orgId, sub: grant.subject, scopes }, now(), ttl)
    return json({ token, expires_at: new Date(exp * 1000).toISOString(), org_id: grant.orgId, scopes })
  }

  async function listEvents(request: Request, url: URL, keys: ProxyCrypto): Promise<Response> {
    const claims = await bearer(request, keys, 'audit:read')
    const query = new URLSearchParams()
    for (const [name, value] of url.searchParams) {
      if (name === 'org_id' || name === 'organization_id') {
        throw badRequest('The org comes from your session; remove org_id from the query.')
      }
      if (!LIST_PARAMS.has(name))
        throw badRequest(`${name} is not a query parameter here; use ${[...LIST_PARAMS].join(', ')}.`)
      if (name !== 'cursor') query.set(name, value)
    }
    parseFilters((name) => url.searchParams.get(name)) // validate here; the upstream need not
    const limit = url.searchParams.get('limit')
    if (limit !== null && (!/^\d+$/.test(limit) || +limit < 1 || +limit > 200))
      throw badRequest('limit must be an integer from 1 to 200.')
    const cursor = url.searchParams.get('cursor')
    if (cursor) {
      // Cursors are sealed to the org: one from another session is refused, whatever the upstream does.
      const inner = await keys.unseal('cursor', cursor, claims.org)
      if (inner === null) throw badRequest('cursor is not valid for this session; start again without one.')
      query.set('cursor', inner)
    }
    query.set('org_id', claims.org)
    const upstreamPage = await upstream.call(`/v1/audit/events?${query}`, { signal: request.signal })
    const page = parseUpstreamJson(upstreamPage.text) as { events?: unknown; next_cursor?: unknown }
    if (!Array.isArray(page.events) || !(page.next_cursor === null || typeof page.next_cursor === 'string')) {
      throw new HttpError(502, 'bad_gateway', 'The audit API answered with an unexpected page.')
    }
    for (const event of page.events as Record<string, AuditJsonValue>[]) {
      if (event?.org_id !== claims.org)
        throw new HttpError(502, 'bad_gateway', 'The audit API answered with events of another org.')
    }
    const next = page.next_cursor === null ? null : await keys.seal('cursor', page.next_cursor, claims.org)
    return json(stringifyAuditJson({ events: page.events, next_cursor: next }))
  }

  async function oneEvent(request: Request, id: string, keys: ProxyCrypto): Promise<Response> {
    const claims = await bearer(request, keys, 'audit:read')
    const missing = () => notFound(`No event has id "${id}".`)
    let text: string
    try {
      text = (await upstream.call(`/v1/audit/events/${encodeURIComponent(id)}`, { signal: request.signal })).text
    } catch (error) {
      throw error instanceof HttpError && error.status === 404 ? missing() : error
    }
    const event = parseUpstreamJson(text) as Record<string, AuditJsonValue>
    // Another org's event is "not found", exactly as an unknown id is: no hint that it exists.
    if (event?.org_id !== claims.org) throw missing()
    return json(text)
  }

  const exports = exportRoutes({ upstream, now, basePath, downloads: options.downloads ?? 'stream', bearer })

  async function trustedKeys(request: Request, keys: ProxyCrypto): Promise<Response> {
    await bearer(request, keys, 'audit:read')
    if (options.trustedKeys) return json({ keys: options.trustedKeys })
    const maxAge = (options.keysCacheSeconds ?? 300) * 1000
    // A negative age means the clock stepped back since the keys were fetched: refetch rather
    // than keep them for as long as the step.
    const age = keysCache ? now() - keysCache.at : -1
    if (!keysCache || age < 0 || age > maxAge) {
      const fetched = parseUpstreamJson((await upstream.call('/v1/audit/keys', { signal: request.signal })).text)
      keysCache = { at: now(), body: JSON.stringify({ keys: decodeKeyList(fetched) }) }
    }
    return json(keysCache.body)
  }

  return async (request) => {
    try {
      const keys = await cryptoReady
      const url = new URL(request.url)
      if (!url.pathname.startsWith(basePath + '/')) throw notFound(`There is no route ${url.pathname}.`)
      const path = url.pathname.slice(basePath.length)
      const method = request.method
      const route = (m: string, pattern: RegExp) => (method === m ? pattern.exec(path) : null)
      let match: RegExpExecArray | null
      if (route('POST', /^\/token$/)) return await mint(request, keys)
      if (route('GET', /^\/events$/)) return await listEvents(request, url, keys)
      if ((match = route('GET', /^\/events\/([^/]+)$/))) return await oneEvent(request, decodeSegment(match[1]!), keys)
      if (route('POST', /^\/exports$/)) return await exports.create(request, url, keys)
      if ((match = route('GET', /^\/exports\/([^/]+)$/))) return await exports.poll(request, match[1]!, url, keys)
      if ((match = route('GET', /^\/exports\/([^/]+)\/download$/)))
        return await exports.download(request, match[1]!, url, keys)
      if (route('GET', /^\/keys$/)) return await trustedKeys(request, keys)
      throw notFound(`There is no route ${method} ${url.pathname}.`)
    } catch (error) {
      return errorResponse(error)
    }
  }
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host
  } catch {
    return null
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw badRequest('The URL path is not validly percent-encoded.')
  }
}
