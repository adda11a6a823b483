/** createPortalTransport with sessions of each intent, against the reference ledger over 127.0.0.1. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuditClient, createPortalTransport } from '../../src/core/index.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { startLedger, type TestLedger } from '../support/ledger.js'

let t: TestLedger
let orgId: string
beforeAll(async () => {
  t = await startLedger()
  orgId = t.ledger.createOrg('acme', 'Acme').id
  t.ledger.appendMany(orgId, [...generateEvents(3)])
})
afterAll(() => t.close())

async function oneTimeToken(intent: string): Promise<string> {
  const response = await t.call('/v1/audit/portal_sessions', { method: 'POST', json: { org_id: orgId, intent } })
  return ((await response.json()) as { token: string }).token
}

describe('createPortalTransport and portal intents', () => {
  it('reads events with an audit_logs session', async () => {
    const token = await oneTimeToken('audit_logs')
    const client = createAuditClient(createPortalTransport({ baseUrl: t.url, getPortalToken: async () => token }))
    expect((await client.listEvents({})).events).toHaveLength(3)
  })

  it('refuses a log_streams session at the exchange, before any event request, naming the intent', async () => {
    const token = await oneTimeToken('log_streams')
    let eventRequests = 0
    const counting: typeof fetch = (input, init) => {
      if (String(input).includes('/portal/events')) eventRequests++
      return fetch(input, init)
    }
    const transport = createPortalTransport({ baseUrl: t.url, getPortalToken: async () => token, fetch: counting })
    await expect(transport.fetchToken()).rejects.toMatchObject({
      code: 'forbidden',
      retryable: false,
      message: expect.stringMatching(/"log_streams".*"audit_logs"/),
    })
    expect(eventRequests).toBe(0)
  })

  it('reports an exchange answer that is not JSON as an upstream error', async () => {
    const transport = createPortalTransport({
      baseUrl: t.url,
      getPortalToken: async () => 'aps_any',
      fetch: async () => new Response('<html>gateway</html>', { status: 200 }),
    })
    await expect(transport.fetchToken()).rejects.toMatchObject({ code: 'upstream' })
  })
})
