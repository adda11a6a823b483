/**
 * The browser client's whole chain over real HTTP on 127.0.0.1: client -> token proxy ->
 * reference ledger (SQLite). Clocks are injected so a token can expire mid-session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAuditClient,
  createEventStore,
  createExportJob,
  KeyRing,
  parseAuditJson,
  verifyEvents,
  type AuditClient,
} from '../../src/core/index.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { eventBody, startLedger, type TestLedger } from '../support/ledger.js'
import { startProxy, type TestProxy } from '../support/proxy.js'
import { splitExport } from '../support/ndjson.js'

let proxyNow = Date.now()
let clientNow = proxyNow
let ledger: TestLedger
let proxy: TestProxy
let orgId: string

beforeAll(async () => {
  ledger = await startLedger()
  orgId = ledger.ledger.createOrg('acme', 'Acme').id
  ledger.ledger.appendMany(orgId, [...generateEvents(230, { seed: 4 })])
  proxy = await startProxy({ now: () => proxyNow, tokenTtlSeconds: 60 }, ledger)
})
afterAll(async () => {
  await proxy.close()
  await ledger.close()
})

function browserClient(scopes = 'audit:read,audit:export'): { client: AuditClient; tokenRequests: () => number } {
  let tokenRequests = 0
  const baseUrl = `${proxy.url}/api/audit`
  const client = createAuditClient({
    baseUrl,
    now: () => clientNow,
    // The host's page would send its session cookie; the test proxy reads this header instead.
    fetchToken: async () => {
      tokenRequests++
      const response = await fetch(`${baseUrl}/token`, {
        method: 'POST',
        headers: { 'x-test-user': `${orgId}|user_1|${scopes}` },
      })
      return (await response.json()) as { token: string; expires_at: string }
    },
  })
  return { client, tokenRequests: () => tokenRequests }
}

describe('client, store and export job against the proxy and ledger', () => {
  it('walks every page into the store, each event once, all verifying against the proxy’s keys', async () => {
    const { client } = browserClient()
    const store = createEventStore(client, { pageSize: 100 })
    while (
      store.getSnapshot().state.status !== 'ready' ||
      (store.getSnapshot().state as { hasMore: boolean }).hasMore
    ) {
      await store.loadNext()
    }
    const { events, gaps } = store.getSnapshot()
    expect(events.map((e) => Number(e.seq))).toEqual(Array.from({ length: 230 }, (_, i) => 230 - i))
    expect(gaps).toEqual([])
    const results = await verifyEvents(events, { trustedKeys: new KeyRing(await client.getKeys()) })
    expect(results.every((r) => r.status === 'verified')).toBe(true)
  })

  it('keeps working when the token expires mid-session: proactively, or after a 401', async () => {
    const { client, tokenRequests } = browserClient()
    const store = createEventStore(client, { pageSize: 50 })
    await store.loadNext()
    // Both clocks move past the token's lifetime: the client refreshes before calling.
    proxyNow += 61_000
    clientNow += 61_000
    await store.loadNext()
    expect(tokenRequests()).toBe(2)
    // Only the server's clock moves: the token is refused, refreshed once, and the call retried.
    proxyNow += 61_000
    await store.loadNext()
    expect(tokenRequests()).toBe(3)
    expect(store.getSnapshot().state).toMatchObject({ status: 'ready', pageError: null })
    expect(store.getSnapshot().events).toHaveLength(150)
    clientNow = proxyNow
  })

  it('live tail picks up events ingested after the first page', async () => {
    const { client } = browserClient()
    const store = createEventStore(client, { pageSize: 20 })
    await store.loadNext()
    for (let i = 0; i < 3; i++) await ledger.ingest(eventBody({ org: 'acme', action: 'live.event' }))
    expect(await store.refreshHead()).toBe(3)
    expect(await store.refreshHead()).toBe(0)
    expect(
      store
        .getSnapshot()
        .events.slice(0, 3)
        .map((e) => e.action),
    ).toEqual(['live.event', 'live.event', 'live.event'])
  })

  it('exports NDJSON through the job machine and downloads a file that verifies', async () => {
    const { client } = browserClient()
    const job = createExportJob(client, {
      format: 'ndjson',
      filters: { actions: ['user.signed_in', 'document.viewed'] },
      minPollMs: 20,
    })
    await job.start()
    const state = job.getSnapshot()
    expect(state).toMatchObject({ status: 'ready', rowCount: expect.any(Number) })
    // A relative link, as the proxy hands out: the browser resolves it against the page, here the proxy.
    const text = await (await fetch(new URL(await job.downloadUrl(), proxy.url))).text()
    const { lines } = splitExport(text)
    expect(lines).toHaveLength((state as { rowCount: number }).rowCount)
    const results = await verifyEvents(
      lines.map((l) => parseAuditJson(l)),
      { trustedKeys: new KeyRing(await client.getKeys()) },
    )
    expect(results.every((r) => r.status === 'verified')).toBe(true)
    expect(new Set(lines.map((l) => (JSON.parse(l) as { action: string }).action))).toEqual(
      new Set(['user.signed_in', 'document.viewed']),
    )
  })

  it('without the export scope, the token says so and the export fails as forbidden', async () => {
    const { client } = browserClient('audit:read')
    expect((await client.token()).scopes).toEqual(['audit:read'])
    const job = createExportJob(client, { format: 'csv' })
    await job.start()
    expect(job.getSnapshot()).toMatchObject({ status: 'failed', error: { code: 'forbidden', status: 403 } })
  })
})
