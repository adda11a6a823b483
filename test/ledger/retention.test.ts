import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseKeysDocument, verifyPruneMarker } from '../../src/core/index.js'
import type { RetentionTimers } from '../../src/ledger/retention.js'
import { eventBody, startLedger, type TestLedger } from '../support/ledger.js'

const DAY = 86_400_000
const T0 = Date.parse('2026-11-01T00:00:00.000Z')
let now = T0
let tick: (() => void) | null = null
const timers: RetentionTimers = {
  setInterval: (callback) => ((tick = callback), 'handle'),
  clearInterval: () => void (tick = null),
}

let t: TestLedger
beforeAll(async () => {
  t = await startLedger({ now: () => now, timers, retentionIntervalMs: 60_000 })
})
afterAll(() => t.close())

/** Fire the retention timer once, as the ledger's interval would, and wait for the pass. */
async function firePass(): Promise<void> {
  expect(tick).not.toBeNull()
  tick!()
  await t.ledger.retention.runPass()
}

const setRetention = (orgId: string, body: unknown, headers: Record<string, string> = {}) =>
  t.call(`/v1/audit/orgs/${orgId}/retention`, { method: 'PUT', json: body, headers })

async function seqsOf(orgId: string): Promise<number[]> {
  const page = (await (await t.call(`/v1/audit/events?org_id=${orgId}&limit=200`)).json()) as {
    events: { seq: number }[]
  }
  return page.events.map((e) => e.seq).reverse()
}

async function pinnedKeys() {
  return parseKeysDocument(await (await t.call('/v1/audit/keys')).json())
}

describe('PUT /v1/audit/orgs/:id/retention', () => {
  it('sets and clears an org’s retention with the {days} body every Invoance SDK sends', async () => {
    const org = t.ledger.createOrg('ret-set', 'Ret')
    // Go's client sends Content-Type and an Idempotency-Key on PUT (invoance-go http.go).
    const set = await setRetention(org.id, { days: 365 }, { 'idempotency-key': 'idem_x', 'user-agent': 'invoance-go' })
    expect(set.status).toBe(200)
    expect(await set.json()).toEqual({
      id: org.id,
      organization_id: 'ret-set',
      external_id: 'ret-set',
      name: 'Ret',
      retention_days: 365,
      created_at: expect.stringMatching(/^\d{4}-/),
      archived_at: null,
    })
    const listed = (await (await t.call('/v1/audit/orgs')).json()) as { orgs: { id: string }[] }
    expect(listed.orgs.find((o) => o.id === org.id)).toMatchObject({ retention_days: 365 })
    const cleared = await setRetention(org.id, { days: null })
    expect(await cleared.json()).toMatchObject({ retention_days: null })
  })

  it('keeps events forever by default', async () => {
    const org = t.ledger.createOrg('ret-default', null)
    const listed = (await (await t.call('/v1/audit/orgs')).json()) as { orgs: { id: string }[] }
    expect(listed.orgs.find((o) => o.id === org.id)).toMatchObject({ retention_days: null })
  })

  it.each([
    [{}, /days is required/],
    [{ days: 0 }, /days must be an integer from 1 to 36500/],
    [{ days: 36501 }, /days must be an integer/],
    [{ days: 1.5 }, /days must be an integer/],
    [{ days: '30' }, /days must be an integer/],
    [{ days: 30, org_id: 'x' }, /org_id is not a field/],
  ])('refuses %j with a 400 naming the field', async (body, message) => {
    const org = t.ledger.createOrg(`ret-bad-${Math.random()}`, null)
    const response = await setRetention(org.id, body)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'invalid_request', message: expect.stringMatching(message) })
    expect(t.ledger.retention.daysOf(org.id)).toBeNull()
  })

  it('refuses 365.0 (not written as an integer), answers 404 for an unknown org and 401 without a key', async () => {
    const org = t.ledger.createOrg('ret-float', null)
    const float = await t.call(`/v1/audit/orgs/${org.id}/retention`, {
      method: 'PUT',
      body: '{"days":365.0}',
      headers: { 'content-type': 'application/json' },
    })
    expect(float.status).toBe(400)
    expect((await setRetention('aorg_missing', { days: 3 })).status).toBe(404)
    expect((await setRetention(org.id, { days: 3 }, { authorization: '' })).status).toBe(401)
  })
})

describe('the retention pass', () => {
  it('removes exactly the expired prefix with its target rows, and signs a marker that verifies', async () => {
    now = T0
    const org = t.ledger.createOrg('ret-pass', null)
    for (let i = 0; i < 3; i++) await t.ingest(eventBody({ org: 'ret-pass', targets: [{ type: 't', id: `old${i}` }] }))
    now = T0 + DAY
    for (let i = 0; i < 2; i++) await t.ingest(eventBody({ org: 'ret-pass', targets: [{ type: 't', id: `new${i}` }] }))
    await setRetention(org.id, { days: 2 })

    now = T0 + 2 * DAY - 1 // nothing is older than two days yet
    await firePass()
    expect(await seqsOf(org.id)).toEqual([1, 2, 3, 4, 5])

    now = T0 + 2 * DAY + 1
    await firePass()
    expect(await seqsOf(org.id)).toEqual([4, 5])
    const targets = t.ledger.db.prepare('SELECT seq FROM event_targets WHERE org_id = ? ORDER BY seq').all(org.id)
    expect(targets).toEqual([{ seq: 4 }, { seq: 5 }])
    expect(t.ledger.db.prepare('SELECT COUNT(*) AS n FROM prune_permits').get()).toEqual({ n: 0 })

    const { markers } = (await (await t.call(`/v1/audit/orgs/${org.id}/prune_markers`)).json()) as {
      markers: Record<string, unknown>[]
    }
    expect(markers).toEqual([
      {
        schema: 'auditlens.prune/1',
        org_id: org.id,
        pruned_through_seq: 3,
        pruned_at: new Date(now).toISOString(),
        retention_days: 2,
        cutoff: new Date(now - 2 * DAY).toISOString(),
        key_id: expect.stringMatching(/^akey_/),
        signing_public_key: expect.stringMatching(/^[0-9a-f]{64}$/),
        signature: expect.stringMatching(/^[0-9a-f]{128}$/),
      },
    ])
    const trustedKeys = await pinnedKeys()
    expect(await verifyPruneMarker(markers[0], { trustedKeys })).toMatchObject({ status: 'verified' })
    const altered = { ...markers[0], pruned_through_seq: 4 }
    expect(await verifyPruneMarker(altered, { trustedKeys })).toMatchObject({ status: 'tampered' })

    // A second pass with nothing newly expired writes no marker.
    await firePass()
    expect(t.ledger.retention.markers(org.id)).toHaveLength(1)

    // Everything expires: seq continues after the marker, never back at 1.
    now = T0 + 3 * DAY + 1
    await firePass()
    expect(await seqsOf(org.id)).toEqual([])
    expect(t.ledger.retention.markers(org.id).map((m) => m.pruned_through_seq)).toEqual([3, 5])
    expect((await t.ingest(eventBody({ org: 'ret-pass' }))).seq).toBe(6)
  })

  it('never leaves a hole: an event ingested while the clock ran back stays until the prefix reaches it', async () => {
    now = T0
    const org = t.ledger.createOrg('ret-prefix', null)
    await t.ingest(eventBody({ org: 'ret-prefix' })) // seq 1, T0
    now = T0 + 5 * DAY
    await t.ingest(eventBody({ org: 'ret-prefix' })) // seq 2, within retention below
    now = T0 + DAY
    await t.ingest(eventBody({ org: 'ret-prefix' })) // seq 3, clock went back: expired, but after a kept seq
    await setRetention(org.id, { days: 2 })
    now = T0 + 5 * DAY
    await firePass()
    expect(await seqsOf(org.id)).toEqual([2, 3])
    expect(t.ledger.retention.prunedThrough(org.id)).toBe(1)
  })

  it('leaves orgs without a retention alone, and stops with the ledger', async () => {
    now = T0
    const org = t.ledger.createOrg('ret-none', null)
    await t.ingest(eventBody({ org: 'ret-none' }))
    now = T0 + 10_000 * DAY
    await firePass()
    expect(await seqsOf(org.id)).toEqual([1])
    const other = await startLedger({ timers, retentionIntervalMs: 1000 })
    await other.close()
    expect(tick).toBeNull()
    // Restore the shared ledger's timer for later tests.
    t.ledger.retention.start(60_000, timers)
  })

  it('drops the idempotency keys of pruned events, so a late replay is stored afresh instead of failing', async () => {
    now = T0
    const org = t.ledger.createOrg('ret-idem', null)
    const send = () =>
      t.call('/v1/audit/events', {
        method: 'POST',
        json: eventBody({ org: 'ret-idem' }),
        headers: { 'idempotency-key': 'ret-idem-key' },
      })
    expect((await send()).status).toBe(201)
    await setRetention(org.id, { days: 1 })
    now = T0 + 2 * DAY
    await firePass()
    const replay = await send()
    expect(replay.status).toBe(201)
    expect(((await replay.json()) as { seq: number }).seq).toBe(2)
  })
})

describe('integrity after a prune', () => {
  it('reports the pruned range with its marker and counts no gap there, but still finds real gaps', async () => {
    now = T0
    const org = t.ledger.createOrg('ret-integrity', null)
    for (let i = 0; i < 3; i++) await t.ingest(eventBody({ org: 'ret-integrity' }))
    now = T0 + 3 * DAY
    for (let i = 0; i < 3; i++) await t.ingest(eventBody({ org: 'ret-integrity' }))
    await setRetention(org.id, { days: 1 })
    await firePass()
    const report = (await (await t.call(`/v1/audit/orgs/${org.id}/integrity`)).json()) as Record<string, unknown>
    expect(report).toMatchObject({ org_id: org.id, max_seq: 6, count: 3, gaps: [], pruned: [1, 3] })
    expect(await verifyPruneMarker(report.prune_marker, { trustedKeys: await pinnedKeys() })).toMatchObject({
      status: 'verified',
      marker: { pruned_through_seq: 3 },
    })

    // Seq 5 removed behind the ledger's back is a gap; the pruned head is not.
    t.ledger.db.exec('DROP TRIGGER events_no_delete')
    t.ledger.db.prepare('DELETE FROM events WHERE org_id = ? AND seq = 5').run(org.id)
    const damaged = (await (await t.call(`/v1/audit/orgs/${org.id}/integrity`)).json()) as Record<string, unknown>
    expect(damaged).toMatchObject({ max_seq: 6, count: 2, gaps: [[5, 5]], pruned: [1, 3] })
  })

  it('serves the markers to the portal, for the portal token’s org', async () => {
    now = T0 + 30 * DAY
    const org = t.ledger.createOrg('ret-portal', null)
    await t.ingest(eventBody({ org: 'ret-portal' }))
    await setRetention(org.id, { days: 1 })
    now += 2 * DAY
    await firePass()
    const session = (await (
      await t.call('/v1/audit/portal_sessions', { method: 'POST', json: { org_id: org.id, intent: 'audit_logs' } })
    ).json()) as { token: string }
    const exchanged = (await (
      await fetch(`${t.url}/v1/audit/portal/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: session.token }),
      })
    ).json()) as { token: string }
    const response = await fetch(`${t.url}/v1/audit/portal/prune_markers`, {
      headers: { authorization: `Bearer ${exchanged.token}` },
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ pruned_through_seq: 1, markers: [{ org_id: org.id }] })
  })
})

describe('who may change retention', () => {
  it('refuses a key that only writes events (it could erase the history it writes to), and a read key a log_streams session', async () => {
    const writer = t.ledger.apiKeys.create(['audit:write', 'audit:read'])
    const org = t.ledger.createOrg('ret-scope', null)
    const asWriter = await t.call(`/v1/audit/orgs/${org.id}/retention`, {
      method: 'PUT',
      json: { days: 1 },
      headers: { authorization: `Bearer ${writer.secret}` },
    })
    expect(asWriter.status).toBe(403)
    expect(t.ledger.retention.daysOf(org.id)).toBeNull()
    const admin = t.ledger.apiKeys.create(['audit:admin'])
    const asAdmin = await t.call(`/v1/audit/orgs/${org.id}/retention`, {
      method: 'PUT',
      json: { days: 400 },
      headers: { authorization: `Bearer ${admin.secret}` },
    })
    expect(asAdmin.status).toBe(200)

    const reader = t.ledger.apiKeys.create(['audit:read'])
    const session = await t.call('/v1/audit/portal_sessions', {
      method: 'POST',
      json: { organization_id: org.id, intent: 'log_streams' },
      headers: { authorization: `Bearer ${reader.secret}` },
    })
    expect(session.status).toBe(403)
    expect(await session.json()).toMatchObject({ error: 'forbidden', message: expect.stringMatching(/audit:write/) })
  })
})
