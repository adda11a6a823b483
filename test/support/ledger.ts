/**
 * A real reference ledger for tests: SQLite in memory, served over real HTTP on 127.0.0.1.
 */
import type { Server } from 'node:http'
import { Ledger, type LedgerOptions } from '../../src/ledger/ledger.js'
import { listen } from '../../src/ledger/listen.js'

export const DEV_KEY = 'alk_test_dev_key'

export interface TestLedger {
  ledger: Ledger
  url: string
  /** Fetch `path` on the ledger, with the dev API key unless `headers.authorization` is given. */
  call(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>
  /** POST an event with a fresh idempotency key, expecting success; returns the stored event. */
  ingest(body: Record<string, unknown>): Promise<Record<string, unknown>>
  close(): Promise<void>
}

let keyCounter = 0

export async function startLedger(options: LedgerOptions = {}): Promise<TestLedger> {
  const ledger = new Ledger({ db: ':memory:', devApiKey: DEV_KEY, ...options })
  const { server, url } = await listen(ledger, '127.0.0.1', 0)
  const call = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers)
    if (!headers.has('authorization')) headers.set('authorization', `Bearer ${DEV_KEY}`)
    if (headers.get('authorization') === '') headers.delete('authorization')
    let body = init.body
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json')
      body = JSON.stringify(init.json)
    }
    return fetch(url + path, { ...init, headers, body })
  }
  return {
    ledger,
    url,
    call,
    async ingest(body) {
      const response = await call('/v1/audit/events', {
        method: 'POST',
        json: body,
        headers: { 'idempotency-key': `test-${++keyCounter}` },
      })
      if (response.status !== 201) throw new Error(`ingest failed: ${response.status} ${await response.text()}`)
      return (await response.json()) as Record<string, unknown>
    },
    async close() {
      await closeServer(server)
      await ledger.close()
    },
  }
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

/** A minimal valid ingest body. */
export function eventBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    org: 'acme',
    action: 'invoice.paid',
    occurred_at: '2026-11-20T10:00:00.000Z',
    actor: { type: 'user', id: 'user_1', name: 'Ada' },
    targets: [{ type: 'invoice', id: 'inv_1' }],
    metadata: { amount: 100 },
    ...overrides,
  }
}

/**
 * A portal viewer's bearer token, as Invoance's viewer gets one: the host creates a portal
 * session for `organization_id` and `intent`, and the viewer exchanges its one-time token.
 */
export async function portalJwt(t: TestLedger, organization_id: string, intent: string): Promise<string> {
  const created = await t.call('/v1/audit/portal_sessions', { method: 'POST', json: { organization_id, intent } })
  const { token } = (await created.json()) as { token: string }
  const exchanged = await fetch(`${t.url}/v1/audit/portal/exchange`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  })
  return ((await exchanged.json()) as { token: string }).token
}
