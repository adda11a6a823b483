/**
 * The proxy's prune-marker route (an auditlens extension): the newest signed marker of the
 * token's org, so the browser can label a retention-pruned head of the log instead of calling
 * it missing. The browser still verifies it against its pinned keys; the proxy only decodes
 * it strictly and rebuilds it field by field, so nothing else of the upstream answer passes.
 */
import { LosslessNumber } from '../core/index.js'
import { decodePruneMarker, type PruneMarker } from '../core/verify/prune-marker.js'
import { HttpError } from '../protocol/errors.js'
import { json } from '../http/http-error.js'
import type { ProxyCrypto, ProxyScope, TokenClaims } from './proxy-crypto.js'
import { parseUpstreamJson, type Upstream } from './upstream.js'

export interface PruneMarkerRouteContext {
  upstream: Upstream
  bearer: (request: Request, keys: ProxyCrypto, scope: ProxyScope) => Promise<TokenClaims>
}

/**
 * `GET {basePath}/prune_markers`: `{markers: [newest]}` or `{markers: []}`. An upstream without
 * the endpoint (Invoance's API, a 404) has no markers; a marker that does not decode, or names
 * another org, is dropped, which leaves the head of the log reported as a gap: the safe side.
 */
export function pruneMarkerRoute({ upstream, bearer }: PruneMarkerRouteContext) {
  return async (request: Request, keys: ProxyCrypto): Promise<Response> => {
    const claims = await bearer(request, keys, 'audit:read')
    let text: string
    try {
      const path = `/v1/audit/orgs/${encodeURIComponent(claims.org)}/prune_markers`
      text = (await upstream.call(path, { signal: request.signal })).text
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return json({ markers: [] })
      throw error
    }
    const body = parseUpstreamJson(text)
    const isObject =
      typeof body === 'object' && body !== null && !Array.isArray(body) && !(body instanceof LosslessNumber)
    const list = isObject ? body.markers : undefined
    const newest = Array.isArray(list) ? list.at(-1) : undefined
    const decoded = newest === undefined ? null : decodePruneMarker(newest)
    const markers: PruneMarker[] = decoded?.ok && decoded.marker.org_id === claims.org ? [decoded.marker] : []
    return json({ markers })
  }
}
