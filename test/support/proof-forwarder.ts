/**
 * The token proxy in front of a real ledger, plus the three proof paths the proxy does not
 * relay on this branch yet (issue 14): `{base}/checkpoint`, `{base}/consistency` and
 * `{base}/events/:id/inclusion` are forwarded to the ledger's `/v1/audit/orgs/:org/...` routes
 * for one fixed org, with the dev key. The upstream ledger can be swapped while serving, which
 * is how tests rewrite, truncate or delete a log between two visits. CORS is open so a page
 * on another port (Vitest's browser runner) can call it.
 */
import type { Server } from 'node:http'
import { createAuditProxy } from '../../src/proxy/proxy.js'
import { DEV_KEY, type TestLedger } from './ledger.js'
import { createAuditClient, type AuditClient } from '../../src/core/index.js'
import { PROXY_SECRET, serve, stop, testTokens } from './proxy.js'

export interface ForwardingProxy {
  /** The client's `baseUrl`. */
  baseUrl: string
  /** Serve from another ledger from now on (its org `orgId` must exist, or 404s follow). */
  swap(ledger: TestLedger): void
  /** Answer consistency proof requests with a 502, as a proxy whose upstream is down would, or stop. */
  failConsistency(failing: boolean): void
  /** Answer inclusion proof requests with a 502 the same way, or stop. */
  failInclusion(failing: boolean): void
  close(): Promise<void>
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type, x-test-user, idempotency-key',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
}

/** Forward `orgId`'s proof routes and everything else through a real proxy to `ledger`. */
export async function startForwardingProxy(ledger: TestLedger, orgId: string): Promise<ForwardingProxy> {
  let upstream = ledger
  let consistencyFails = false
  let inclusionFails = false
  const proxies = new Map<TestLedger, (request: Request) => Promise<Response>>()
  const proxyFor = (target: TestLedger) => {
    let proxy = proxies.get(target)
    if (!proxy) {
      proxy = createAuditProxy({
        upstream: { baseUrl: target.url, apiKey: DEV_KEY },
        secret: PROXY_SECRET,
        authorize: (request) => {
          const user = request.headers.get('x-test-user')
          if (!user) return null
          const [org, subject, scopes] = user.split('|')
          return { orgId: org!, subject: subject!, scopes: (scopes ?? 'audit:read').split(',') }
        },
      })
      proxies.set(target, proxy)
    }
    return proxy
  }
  const forward = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const path = url.pathname.replace(/^\/api\/audit/, '')
    const inclusion = /^\/events\/([^/]+)\/inclusion$/.exec(path)
    const target =
      path === '/checkpoint' || path === '/consistency'
        ? `/v1/audit/orgs/${encodeURIComponent(orgId)}${path}${url.search}`
        : inclusion
          ? `/v1/audit/events/${inclusion[1]}/inclusion${url.search}`
          : null
    if (!target) return proxyFor(upstream)(request)
    if (consistencyFails && path === '/consistency')
      return Response.json({ error: 'bad_gateway', message: 'The audit service did not answer.' }, { status: 502 })
    if (inclusionFails && inclusion)
      return Response.json({ error: 'bad_gateway', message: 'The audit service did not answer.' }, { status: 502 })
    const answer = await upstream.call(target)
    return new Response(await answer.text(), { status: answer.status, headers: { 'content-type': 'application/json' } })
  }
  const { server, url }: { server: Server; url: string } = await serve(async (request) => {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS })
    const response = await forward(request)
    const headers = new Headers(response.headers)
    for (const [name, value] of Object.entries(CORS)) headers.set(name, value)
    return new Response(response.body, { status: response.status, headers })
  })
  return {
    baseUrl: `${url}/api/audit`,
    swap: (next) => void (upstream = next),
    failConsistency: (failing) => void (consistencyFails = failing),
    failInclusion: (failing) => void (inclusionFails = failing),
    close: () => stop(server),
  }
}

/**
 * A browser's client for `orgId` through the forwarding proxy, on the clock `now` reads.
 * Without proofs it stands for a service that publishes no checkpoints (Invoance's hosted API
 * today): `getCheckpoint` says none.
 */
export function proofClient(proxy: ForwardingProxy, orgId: string, now: () => number, withProofs = true): AuditClient {
  const client = createAuditClient({
    baseUrl: proxy.baseUrl,
    retry: { attempts: 1 },
    now,
    fetchToken: testTokens(proxy.baseUrl, `${orgId}|user_1|audit:read`),
  })
  return withProofs ? client : { ...client, getCheckpoint: async () => null }
}
