/**
 * A pruned org through the whole chain on 127.0.0.1: ledger (real prune pass on a stepped
 * clock) -> token proxy -> browser client -> log model. The head the ledger pruned reads as
 * pruned only with the marker verified against the keys the proxy publishes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAuditClient,
  createLogModel,
  KeyRing,
  verifyPruneMarker,
  type AuditClient,
} from '../../src/core/index.js'
import { loadWindow } from '../../src/core/log/block-list.js'
import { eventBody, startLedger, type TestLedger } from '../support/ledger.js'
import { serve, startProxy, stop, type TestProxy, testTokens } from '../support/proxy.js'

// Applying a verified marker is on-demand code (page-window.ts) that a page requests with its
// first rows and has long before a reader reaches the log's end; loaded up front here, where
// loadAll reaches the end within the same few milliseconds (until it is here the head shows
// as a gap, the safe direction, which on-demand.test.ts covers).
await import('../../src/core/log/page-window.js')

const DAY = 86_400_000
let now = Date.now() - 10 * DAY
let ledger: TestLedger
let proxy: TestProxy
let orgId: string
let otherId: string

beforeAll(async () => {
  ledger = await startLedger({ now: () => now, retentionIntervalMs: null })
  orgId = ledger.ledger.createOrg('pruned-co', null).id
  otherId = ledger.ledger.createOrg('intact-co', null).id
  for (let i = 0; i < 3; i++) await ledger.ingest(eventBody({ org: 'pruned-co' }))
  await ledger.ingest(eventBody({ org: 'intact-co' }))
  now = Date.now() - DAY
  for (let i = 0; i < 2; i++) await ledger.ingest(eventBody({ org: 'pruned-co' }))
  ledger.ledger.retention.setDays(orgId, 3)
  now = Date.now()
  await ledger.ledger.retention.runPass()
  proxy = await startProxy({}, ledger)
  // The log model applies a marker with the window's code, which it imports after the first
  // page and applies on a later publish: loaded here, so the snapshot loadAll returns has it
  // (as in million-rows.browser.test.tsx; on-demand.test.ts covers the import itself).
  await loadWindow()
})
afterAll(async () => {
  await proxy.close()
  await ledger.close()
})

function clientFor(org: string, baseUrl = `${proxy.url}/api/audit`): AuditClient {
  return createAuditClient({
    baseUrl,
    fetchToken: testTokens(`${proxy.url}/api/audit`, `${org}|user_1|audit:read`),
  })
}

async function loadAll(client: AuditClient, pruneMarker: Awaited<ReturnType<typeof verifyPruneMarker>> | null) {
  const model = createLogModel(client, { pruneMarker })
  model.start()
  while (model.getSnapshot().state.status !== 'ready' || model.getSnapshot().rows.at(-1)?.kind === 'loader')
    await model.loadNext()
  return model.getSnapshot()
}

describe('prune markers through the proxy', () => {
  it('serve the token org’s newest marker, which verifies against the proxy’s keys and labels the pruned head', async () => {
    const client = clientFor(orgId)
    const raw = await client.getPruneMarker()
    expect(raw).toMatchObject({ org_id: orgId, pruned_through_seq: 3, retention_days: 3 })
    const check = await verifyPruneMarker(raw, { trustedKeys: new KeyRing(await client.getKeys()) })
    expect(check.status).toBe('verified')

    const withMarker = await loadAll(client, check)
    expect([...withMarker.rows].map((r) => (r.kind === 'event' ? r.event.seq : r.kind))).toEqual([5, 4, 'pruned'])
    expect(withMarker.gaps).toEqual([])
    const without = await loadAll(client, null)
    expect(without.gaps).toEqual([{ from: 1, to: 3, afterEventId: expect.any(String) }])
  })

  it('answer no marker for an org that was never pruned', async () => {
    expect(await clientFor(otherId).getPruneMarker()).toBeNull()
  })

  it('answer no marker when the upstream has no such endpoint (Invoance), and drop one for another org', async () => {
    const foreign = ledger.ledger.retention.toJson(ledger.ledger.retention.latest(orgId)!)
    const answers: Record<string, Response | (() => Response)> = {}
    const fake = await serve(async (request) => {
      const path = new URL(request.url).pathname
      if (path.endsWith('/prune_markers')) {
        const answer = answers.markers
        return typeof answer === 'function' ? answer() : answer!
      }
      return new Response('{"error":"not_found","message":"x"}', { status: 404 })
    })
    const upstreamProxy = await startProxy({ upstream: { baseUrl: fake.url, apiKey: 'k' } })
    try {
      const client = clientFor(otherId, `${upstreamProxy.url}/api/audit`)
      answers.markers = () => new Response('{"error":"not_found","message":"Nothing here."}', { status: 404 })
      expect(await client.getPruneMarker()).toBeNull()
      answers.markers = () => Response.json({ markers: [foreign] })
      expect(await client.getPruneMarker()).toBeNull()
      answers.markers = () => Response.json({ markers: [{ ...foreign, org_id: otherId, extra: '<script>' }] })
      expect(await client.getPruneMarker()).not.toHaveProperty('extra')
    } finally {
      await upstreamProxy.close()
      await stop(fake.server)
    }
  })
})
