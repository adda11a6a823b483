/**
 * `createAuditProxy`: the piece a host mounts in its own backend so the browser never holds an
 * API key. It mints short-lived, org-scoped tokens for the signed-in user and forwards reads
 * and exports to the audit API with the org taken from the token, never from the request.
 *
 * The handler is `(Request) => Promise<Response>` and uses only Web APIs, so it mounts in
 * Next.js route handlers, Hono, Bun, Deno and Workers; `toNodeHandler` adapts it to node:http.
 */
import { stringifyAuditJson, type AuditJsonValue } from '../core/index.js'
import { badRequest, HttpError, notFound } from '../protocol/errors.js'
import { bearerToken } from '../http/bearer.js'
import { errorResponse, json } from '../http/http-error.js'
import { Router, type RouteHandler } from '../http/router.js'
import { LIST_QUERY_PARAMS, parseFilters } from '../protocol/filters.js'
import { checkOptions, ProxyConfigError, type AuditProxyOptions } from './options.js'
import { checkTokenOrigin } from './origin-check.js'
import { PROXY_SCOPES, ProxyCrypto, type ProxyScope, type TokenClaims } from './proxy-crypto.js'
import { RateLimiter } from './rate-limit.js'
import { exportRoutes } from './export-routes.js'
import { pruneMarkerRoute } from './prune-marker-route.js'
import { proofRoutes } from './proof-routes.js'
import { decodeKeyList, parseUpstreamJson, Upstream } from './upstream.js'
import { isCatchAll } from './catch-all.js'

export type { AuditKeyInfo, AuditProxyOptions, ProxyGrant } from './options.js'

/** The proxy's fetch handler, as a route handler or `toNodeHandler` takes it. */
export type AuditProxyHandler = (request: Request) => Promise<Response>

/**
 * Create the proxy's fetch handler.
 *
 * Given options, it checks them at once and throws a `TypeError` for a bad one. Given a
 * function, nothing is read until the first request: `createAuditProxy(() => ({ secret:
 * process.env.AUDITLENS_SECRET!, … }))` lets a build (Next.js prerendering route modules, say)
 * run without the runtime secrets. The function is called on each request until its options
 * check out (a rejected call is not cached); a bad option is then a 500 `{error, message}`
 * that names the option, never its value.
 */
export function createAuditProxy(
  options: AuditProxyOptions | (() => AuditProxyOptions | Promise<AuditProxyOptions>),
): AuditProxyHandler {
  if (typeof options !== 'function') return buildHandler(options)
  let ready: Promise<AuditProxyHandler> | null = null
  return async (request) => {
    ready ??= Promise.resolve()
      .then(options)
      .then(buildHandler)
      .catch((error: unknown) => {
        ready = null
        throw error
      })
    let handler: AuditProxyHandler
    try {
      handler = await ready
    } catch (error) {
      if (!(error instanceof ProxyConfigError)) return errorResponse(error)
      console.error(error)
      return errorResponse(new HttpError(500, 'internal_error', `The audit proxy is not configured: ${error.message}.`))
    }
    return handler(request)
  }
}

function buildHandler(options: AuditProxyOptions): AuditProxyHandler {
  const settings = checkOptions(options)
  const { secret, ttl, basePath } = settings
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
    const token = bearerToken(request)
    const claims = token !== null ? await keys.verifyToken(token, now()) : null
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
    checkTokenOrigin(request, settings, options.trustForwardedHeaders === true)
    const grant = await options.authorize(request)
    if (!grant) throw new HttpError(401, 'unauthorized', 'Sign in to see the audit log.')
    limit(grant.orgId, grant.subject)
    const scopes = PROXY_SCOPES.filter((s) => grant.scopes.includes(s))
    if (!scopes.includes('audit:read'))
      throw new HttpError(403, 'forbidden', 'Your account may not view the audit log.')
    const { token, exp } = await keys.mintToken({ org: grant.orgId, sub: grant.subject, scopes }, now(), ttl)
    return json({ token, expires_at: new Date(exp * 1000).toISOString(), org_id: grant.orgId, scopes })
  }

  async function listEvents(request: Request, url: URL, path: string, keys: ProxyCrypto): Promise<Response> {
    const claims = await bearer(request, keys, 'audit:read')
    const query = new URLSearchParams()
    for (const [name, value] of url.searchParams) {
      if (name === 'org_id' || name === 'organization_id') {
        throw badRequest('The org comes from your session; remove org_id from the query.')
      }
      if (LIST_QUERY_PARAMS.has(name)) {
        // Validated once and sent once: with two values the check could read one and the
        // upstream another (`actions=invoice.paid&actions=` reached it as no filter at all).
        if (url.searchParams.getAll(name).length > 1)
          throw badRequest(`${name} is given more than once; give it once (actions takes a comma-separated list).`)
        if (name !== 'cursor') query.set(name, value)
        continue
      }
      if (isCatchAll(url, path, name, settings.catchAllParam)) continue
      throw badRequest(
        `${name} is not a query parameter here; use ${[...LIST_QUERY_PARAMS].join(', ')}.` +
          (isCatchAll(url, path, name, name)
            ? ` If your framework adds the route's catch-all segment as ?${name}=, pass catchAllParam: '${name}' to the proxy.`
            : ''),
      )
    }
    // Validate here; the upstream need not. Strict actions: what Invoance answers to an action
    // name no event can carry is not documented, so the proxy refuses it rather than guess.
    parseFilters((name) => url.searchParams.get(name), { strict: true })
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

  const exports = exportRoutes({
    upstream,
    now,
    // Relative to the mount unless a public origin is configured: a path always resolves
    // against the origin the browser really used, whatever `request.url` says.
    linkBase: `${settings.publicOrigin ?? ''}${basePath}`,
    downloads: options.downloads ?? 'stream',
    bearer,
  })

  const pruneMarkers = pruneMarkerRoute({ upstream, bearer })
  const proofs = proofRoutes({ upstream, bearer, basePath, catchAllParam: settings.catchAllParam })

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

  // Every route needs the derived keys; a failure to derive them is the route's 500.
  const withKeys =
    (route: (request: Request, params: string[], url: URL, keys: ProxyCrypto) => Promise<Response>): RouteHandler =>
    async (request, params, url) =>
      route(request, params, url, await cryptoReady)
  return new Router()
    .on(
      'POST',
      `${basePath}/token`,
      withKeys((request, _, __, keys) => mint(request, keys)),
    )
    .on(
      'GET',
      `${basePath}/events`,
      withKeys((request, _, url, keys) => listEvents(request, url, url.pathname.slice(basePath.length), keys)),
    )
    .on(
      'GET',
      `${basePath}/events/:id`,
      withKeys((request, [id], _, keys) => oneEvent(request, id!, keys)),
    )
    .on(
      'POST',
      `${basePath}/exports`,
      withKeys((request, _, __, keys) => exports.create(request, keys)),
    )
    .on(
      'GET',
      `${basePath}/exports/:handle`,
      withKeys((request, [handle], _, keys) => exports.poll(request, handle!, keys)),
    )
    .on(
      'GET',
      `${basePath}/exports/:handle/download`,
      withKeys((request, [handle], url, keys) => exports.download(request, handle!, url, keys)),
    )
    .on(
      'GET',
      `${basePath}/keys`,
      withKeys((request, _, __, keys) => trustedKeys(request, keys)),
    )
    .on(
      'GET',
      `${basePath}/prune_markers`,
      withKeys((request, _, __, keys) => pruneMarkers(request, keys)),
    )
    .on(
      'GET',
      `${basePath}/checkpoint`,
      withKeys((request, _, url, keys) => proofs.checkpoint(request, url, keys)),
    )
    .on(
      'GET',
      `${basePath}/consistency`,
      withKeys((request, _, url, keys) => proofs.consistency(request, url, keys)),
    )
    .on(
      'GET',
      `${basePath}/events/:id/inclusion`,
      withKeys((request, [id], url, keys) => proofs.inclusion(request, id!, url, keys)),
    ).handle
}
