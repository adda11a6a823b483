/**
 * The token proxy in front of a real reference ledger, both on 127.0.0.1. The host's session
 * is simulated by an `x-test-user: org|subject|scope,scope` header that `authorize` reads.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createNodeServer } from '../../src/http/node-server.js'
import { createAuditProxy, type AuditProxyOptions } from '../../src/proxy/proxy.js'
import { startLedger, type TestLedger } from './ledger.js'

export const PROXY_SECRET = 'test-secret-that-is-at-least-32-bytes-long!'

export interface TestProxy {
  url: string
  ledger: TestLedger
  close(): Promise<void>
}

export async function serve(
  handler: (request: Request) => Promise<Response>,
): Promise<{ server: Server; url: string }> {
  const server = createNodeServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

export function stop(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

export async function startProxy(options: Partial<AuditProxyOptions> = {}, ledger?: TestLedger): Promise<TestProxy> {
  const backend = ledger ?? (await startLedger())
  const proxy = createAuditProxy({
    upstream: { baseUrl: backend.url, apiKey: 'alk_test_dev_key' },
    secret: PROXY_SECRET,
    authorize: (request) => {
      const user = request.headers.get('x-test-user')
      if (!user) return null
      const [orgId, subject, scopes] = user.split('|')
      return { orgId: orgId!, subject: subject!, scopes: (scopes ?? 'audit:read').split(',') }
    },
    ...options,
  })
  const { server, url } = await serve(proxy)
  return {
    url,
    ledger: backend,
    async close() {
      await stop(server)
      if (!ledger) await backend.close()
    },
  }
}

/** A token from the proxy at `url` for `user` (`org|subject|scope,scope`, as `x-test-user` reads it). */
export async function mintToken(url: string, user: string): Promise<string> {
  const minted = await fetch(`${url}/api/audit/token`, { method: 'POST', headers: { 'x-test-user': user } })
  if (minted.status !== 200) throw new Error(`minting failed: ${minted.status} ${await minted.text()}`)
  return ((await minted.json()) as { token: string }).token
}

/**
 * The client's `fetchToken` in tests: the proxy whose routes are at `baseUrl` (e.g.
 * `${proxy.url}/api/audit`) mints a token for `user` (`org|subject|scope,scope`).
 */
export function testTokens(baseUrl: string, user: string): () => Promise<{ token: string; expires_at: string }> {
  return async () => {
    const minted = await fetch(`${baseUrl}/token`, { method: 'POST', headers: { 'x-test-user': user } })
    return (await minted.json()) as { token: string; expires_at: string }
  }
}
