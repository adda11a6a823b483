/**
 * `loadAuditLogInitialData` against the real token proxy and the real reference ledger on
 * 127.0.0.1: what it hands the browser is what the browser's own calls would get, and the
 * browser's client takes it as its first page and token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuditClient, parseAuditJson } from '../../src/core/index.js'
import { adoptInitialPage, firstPageQuery } from '../../src/core/log/initial-page.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { loadAuditLogInitialData } from '../../src/server/index.js'
import { startLedger, type TestLedger } from '../support/ledger.js'
import { startProxy, type TestProxy } from '../support/proxy.js'

let ledger: TestLedger
let proxy: TestProxy
let orgId: string
const user = () => ({ 'x-test-user': `${orgId}|user_1|audit:read` })

beforeAll(async () => {
  ledger = await startLedger()
  orgId = ledger.ledger.createOrg('acme', 'Acme').id
  ledger.ledger.appendMany(orgId, [...generateEvents(120, { seed: 7 })])
  proxy = await startProxy({}, ledger)
})
afterAll(async () => {
  await proxy.close()
  await ledger.close()
})

const load = (options: Partial<Parameters<typeof loadAuditLogInitialData>[0]> = {}) =>
  loadAuditLogInitialData({ proxy: fetch, baseUrl: `${proxy.url}/api/audit`, headers: user(), ...options })

describe('the first page, fetched by the host’s server', () => {
  it('is the token endpoint’s fields and the events answer as text, nothing else', async () => {
    const data = await load()
    expect(Object.keys(data!).sort()).toEqual(['page', 'query', 'token'])
    expect(Object.keys(data!.token).sort()).toEqual(['expires_at', 'org_id', 'scopes', 'token'])
    expect(data!.token.org_id).toBe(orgId)
    expect(data!.query).toBe('limit=50')
    // What the browser would have been answered for the same query and token (the cursor is
    // sealed afresh on each answer, so the events are compared, not the bytes).
    const direct = await fetch(`${proxy.url}/api/audit/events?limit=50`, {
      headers: { authorization: `Bearer ${data!.token.token}` },
    })
    const events = (text: string) => (JSON.parse(text) as { events: unknown }).events
    expect(events(data!.page)).toEqual(events(await direct.text()))
    const page = parseAuditJson(data!.page) as { events: { seq: unknown }[] }
    expect(page.events).toHaveLength(50)
    // Survives the trip to the browser as JSON (a server component's props are serialised).
    expect(JSON.parse(JSON.stringify(data))).toEqual(data)
  })

  it('asks the query the log will ask: its filters and page size', async () => {
    const filters = { actions: ['invoice.paid'] }
    const data = await load({ filters, pageSize: 500 })
    expect(data!.query).toBe('actions=invoice.paid&limit=200')
    const page = parseAuditJson(data!.page) as { events: { action: string }[] }
    expect(page.events.length).toBeGreaterThan(0)
    expect(new Set(page.events.map((event) => event.action))).toEqual(new Set(['invoice.paid']))
  })

  it('is taken by the browser’s client, which pages on with its token and asks for none', async () => {
    const data = await load({ pageSize: 100 })
    let tokenRequests = 0
    const client = createAuditClient({
      baseUrl: `${proxy.url}/api/audit`,
      fetchToken: async () => {
        tokenRequests++
        throw new Error('no token should be fetched')
      },
    })
    const first = adoptInitialPage(client, data!, firstPageQuery({}, 100))
    expect(first!.events).toHaveLength(100)
    const next = await client.listEvents({ ...firstPageQuery({}, 100), cursor: first!.nextCursor })
    expect(next.events).toHaveLength(20)
    expect(Number(next.events[0]!.seq)).toBe(Number(first!.events.at(-1)!.seq) - 1)
    expect(tokenRequests).toBe(0)
  })

  it('is null when nobody is signed in (the proxy mints no token)', async () => {
    expect(await load({ headers: {} })).toBeNull()
  })

  it('is null when the proxy cannot be reached, for the browser to fetch and report itself', async () => {
    expect(await load({ baseUrl: 'http://127.0.0.1:9/api/audit' })).toBeNull()
  })

  it('calls a proxy in-process, by its path alone', async () => {
    const seen: string[] = []
    const data = await loadAuditLogInitialData({
      proxy: (request) => {
        const url = new URL(request.url)
        seen.push(`${request.method} ${url.pathname}${url.search}`)
        return fetch(`${proxy.url}${url.pathname}${url.search}`, {
          method: request.method,
          headers: { ...Object.fromEntries(request.headers), ...user() },
        })
      },
    })
    expect(seen).toEqual(['POST /api/audit/token', 'GET /api/audit/events?limit=50'])
    expect(data!.token.org_id).toBe(orgId)
  })
})
