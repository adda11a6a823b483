import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLedger, type TestLedger } from '../support/ledger.js'
import { sdkRequest } from '../support/sdk.js'

interface Event {
  id: string
  event_id: string
  org_id: string
  seq: number
}

let t: TestLedger
let counter = 0

beforeAll(async () => {
  t = await startLedger()
})
afterAll(() => t.close())

/** An ingest body as Node 0.3.0, Go and Ruby send it (`organization_id`), or Python 0.2.0 (`org`). */
function ingestBody(org: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    ...org,
    action: 'user.signed_in',
    occurred_at: '2026-06-26T10:00:00.000Z',
    actor: { type: 'user', id: `user_${++counter}` },
    targets: [],
    ...extra,
  }
}

const post = (sdk: 'node' | 'python' | 'go' | 'ruby', body: unknown) =>
  t.call('/v1/audit/events', sdkRequest(sdk, 'POST', body))

async function errorOf(response: Response): Promise<{ status: number; error: string; message: string }> {
  const body = (await response.json()) as { error: string; message: string }
  return { status: response.status, ...body }
}

describe('one org resolution: the aorg_ id, else the caller’s external id', () => {
  it('ingests by external id (Node, Go, Ruby: organization_id; Python: org) and by aorg_ id into one org', async () => {
    // The docs' event schema example id: an external id the ledger has never seen.
    const external = 'org_01J8F3KQ2R7VWX9YB4ND6MCZAH'
    const first = await post('node', ingestBody({ organization_id: external }))
    expect(first.status).toBe(201)
    const created = (await first.json()) as Event
    expect(created.org_id).toMatch(/^aorg_/)
    expect(t.ledger.orgByExternalId(external)?.id).toBe(created.org_id)

    const byPython = (await (await post('python', ingestBody({ org: external }))).json()) as Event
    const byGoWithId = (await (await post('go', ingestBody({ organization_id: created.org_id }))).json()) as Event
    const byRuby = (await (await post('ruby', ingestBody({ org_id: external }))).json()) as Event
    expect([byPython, byGoWithId, byRuby].map((e) => [e.org_id, e.seq])).toEqual([
      [created.org_id, 2],
      [created.org_id, 3],
      [created.org_id, 4],
    ])
  })

  it('answers the ingested event with event_id, which the docs’ examples read, equal to id', async () => {
    const response = await post('python', ingestBody({ org: 'acme-prod' }))
    expect(response.status).toBe(201)
    const event = (await response.json()) as Event
    expect(event.event_id).toBe(event.id)
    const fetched = await t.call(`/v1/audit/events/${event.event_id}`, sdkRequest('node', 'GET'))
    expect(((await fetched.json()) as Event).id).toBe(event.id)
  })

  it('refuses an unknown aorg_ id on ingest with a 404, creating nothing', async () => {
    const before = t.ledger.listOrgs(true).length
    const response = await post('node', ingestBody({ organization_id: 'aorg_01J8F3KQ2R7VWX9YB4ND6MCZAH' }))
    expect(await errorOf(response)).toMatchObject({ status: 404, error: 'not_found' })
    expect(t.ledger.listOrgs(true)).toHaveLength(before)
  })

  it('refuses two org aliases with different values, naming both, and accepts equal ones', async () => {
    const conflict = await errorOf(await post('node', ingestBody({ organization_id: 'acme', org: 'globex' })))
    expect(conflict.status).toBe(400)
    expect(conflict.message).toMatch(/organization_id and org /)
    const same = await post('node', ingestBody({ organization_id: 'acme', org: 'acme' }))
    expect(same.status).toBe(201)
  })

  it('lists by external id or aorg_ id under organization_id (Node, Go, Ruby) or org_id (Python)', async () => {
    const org = t.ledger.createOrg('listed-ext', null)
    for (let i = 0; i < 3; i++) await post('go', ingestBody({ organization_id: 'listed-ext' }))
    const queries = ['organization_id=listed-ext', `organization_id=${org.id}`, `org_id=${org.id}`, 'org_id=listed-ext']
    for (const query of queries) {
      const response = await t.call(`/v1/audit/events?${query}`, sdkRequest('node', 'GET'))
      expect(response.status).toBe(200)
      const page = (await response.json()) as { events: Event[] }
      expect(page.events.map((e) => e.org_id)).toEqual([org.id, org.id, org.id])
    }
    const conflict = await t.call(`/v1/audit/events?organization_id=listed-ext&org_id=other`)
    expect(await errorOf(conflict)).toMatchObject({
      status: 400,
      message: expect.stringMatching(/organization_id and org_id/),
    })
    const repeated = await t.call(`/v1/audit/events?organization_id=listed-ext&organization_id=other`)
    expect(await errorOf(repeated)).toMatchObject({
      status: 400,
      message: expect.stringMatching(/organization_id is repeated/),
    })
    expect((await t.call('/v1/audit/events?organization_id=never-seen')).status).toBe(404)
  })

  it('resolves {id} path segments too: integrity by external id (Go README: Orgs.Integrity(ctx, "org_acme"))', async () => {
    const org = t.ledger.createOrg('org_acme', 'Acme')
    await post('go', ingestBody({ organization_id: 'org_acme' }))
    const report = await t.call('/v1/audit/orgs/org_acme/integrity', sdkRequest('go', 'GET'))
    expect(await report.json()).toEqual({
      org_id: org.id,
      max_seq: 1,
      count: 1,
      gaps: [],
      pruned: null,
      prune_marker: null,
    })
  })

  it('creates portal sessions for an org named by external id (Node organization_id, Python org_id)', async () => {
    t.ledger.createOrg('portal-ext', null)
    const node = await t.call(
      '/v1/audit/portal_sessions',
      sdkRequest('node', 'POST', { organization_id: 'portal-ext', intent: 'audit_logs' }),
    )
    expect(node.status).toBe(201)
    const python = await t.call(
      '/v1/audit/portal_sessions',
      sdkRequest('python', 'POST', { org_id: 'portal-ext', intent: 'audit_logs', session_duration_seconds: 600 }),
    )
    expect(python.status).toBe(201)
  })

  it('is one function the other ledger parts call: ledger.resolveOrg', () => {
    const org = t.ledger.createOrg('resolved', null)
    expect(t.ledger.resolveOrg('resolved').id).toBe(org.id)
    expect(t.ledger.resolveOrg(org.id).external_id).toBe('resolved')
    expect(() => t.ledger.resolveOrg('aorg_unknown')).toThrow(/No org has id or organization_id/)
  })
})

describe('ingest version', () => {
  it('accepts version 1 (the docs’ event schema), neither signing nor storing it', async () => {
    const response = await post('node', ingestBody({ organization_id: 'versioned' }, { version: 1 }))
    expect(response.status).toBe(201)
    const event = (await response.json()) as Event & Record<string, unknown>
    expect(event).not.toHaveProperty('version')
    const check = (await (await t.call(`/v1/audit/events/${event.id}/verify`)).json()) as { valid: boolean }
    expect(check.valid).toBe(true)
  })

  it.each([2, 0, '1', true, 1.5])('refuses version %j with a 400 naming version', async (version) => {
    const response = await post('node', ingestBody({ organization_id: 'versioned' }, { version }))
    expect(await errorOf(response)).toMatchObject({ status: 400, message: expect.stringMatching(/^version must be 1/) })
  })
})
