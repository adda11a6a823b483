/** createPortalTransport against the reference ledger's portal endpoints, over 127.0.0.1. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuditClient, createEventStore, createPortalTransport } from '../../src/core/index.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { startLedger, type TestLedger } from '../support/ledger.js'

let ledger: TestLedger
let orgId: string
beforeAll(async () => {
  ledger = await startLedger()
  orgId = ledger.ledger.createOrg('acme', 'Acme').id
  ledger.ledger.appendMany(orgId, [...generateEvents(30)])
})
afterAll(() => ledger.close())

/** What the host's backend does: create a one-time portal session token. */
async function oneTimeToken(): Promise<string> {
  const response = await ledger.call('/v1/audit/portal_sessions', {
    method: 'POST',
    json: { org_id: orgId, intent: 'audit_logs' },
  })
  return ((await response.json()) as { token: string }).token
}

describe('createPortalTransport', () => {
  it('exchanges exactly once when two clients start at the same time (StrictMode double mount)', async () => {
    const token = await oneTimeToken()
    let exchangeCalls = 0
    const countingFetch: typeof fetch = (input, init) => {
      if (String(input).endsWith('/portal/exchange')) exchangeCalls++
      return fetch(input, init)
    }
    const clients = [0, 1].map(() =>
      createAuditClient(
        createPortalTransport({ baseUrl: ledger.url, getPortalToken: async () => token, fetch: countingFetch }),
      ),
    )
    const pages = await Promise.all(clients.map((client) => client.listEvents({ limit: 100 })))
    expect(exchangeCalls).toBe(1)
    expect(pages.map((p) => p.events.length)).toEqual([30, 30])
    expect(pages[0]!.events.every((e) => e.org_id === orgId)).toBe(true)
  })

  it('feeds an event store like the proxy does', async () => {
    const token = await oneTimeToken()
    const store = createEventStore(
      createAuditClient(createPortalTransport({ baseUrl: ledger.url, getPortalToken: async () => token })),
    )
    await store.loadNext()
    expect(store.getSnapshot().events).toHaveLength(30)
  })

  it('reports a used token as session-expired', async () => {
    const token = await oneTimeToken()
    await fetch(`${ledger.url}/v1/audit/portal/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    })
    const client = createAuditClient(createPortalTransport({ baseUrl: ledger.url, getPortalToken: async () => token }))
    await expect(client.listEvents({})).rejects.toMatchObject({ code: 'session-expired' })
  })

  it('waits out a 429 (which does not consume the token) and then exchanges', async () => {
    const token = await oneTimeToken()
    const sleeps: number[] = []
    let first = true
    const limitedFetch: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/portal/exchange') && first) {
        first = false
        return new Response('{"error":"rate_limited","message":"slow down"}', {
          status: 429,
          headers: { 'retry-after': '3' },
        })
      }
      return fetch(input, init)
    }
    const transport = createPortalTransport({
      baseUrl: ledger.url,
      getPortalToken: async () => token,
      fetch: limitedFetch,
      sleep: async (ms) => void sleeps.push(ms),
    })
    const minted = await transport.fetchToken()
    expect(sleeps).toEqual([3000])
    expect(minted.token.split('.')).toHaveLength(3)
    expect(Date.parse(minted.expires_at)).toBeGreaterThan(Date.now())
  })
})

describe('given a portal that answers an org’s session with another org’s events', () => {
  it('the client refuses them as an upstream error, as it does behind the proxy', async () => {
    const globex = ledger.ledger.createOrg('globex', 'Globex').id
    ledger.ledger.appendMany(globex, [...generateEvents(5, { seed: 2 })])
    const globexPage = await (await ledger.call(`/v1/audit/events?org_id=${globex}&limit=5`)).text()
    // Misrouted, or compromised: every page is globex's, whatever the token says.
    const misrouting: typeof fetch = async (input, init) =>
      new URL(String(input)).pathname === '/v1/audit/portal/events'
        ? new Response(globexPage, { headers: { 'content-type': 'application/json' } })
        : fetch(input, init)
    const token = await oneTimeToken()
    const transport = createPortalTransport({
      baseUrl: ledger.url,
      getPortalToken: async () => token,
      fetch: misrouting,
    })
    const client = createAuditClient({ ...transport, fetch: misrouting })
    await expect(client.listEvents({ limit: 5 })).rejects.toMatchObject({ code: 'upstream' })
    expect((await client.token()).org_id).toBe(orgId)
  })
})
