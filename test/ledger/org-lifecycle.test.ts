import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventBody, startLedger, type TestLedger } from '../support/ledger.js'
import { sdkRequest, type Sdk } from '../support/sdk.js'

interface OrgJson {
  id: string
  organization_id: string
  external_id: string
  name: string | null
  retention_days: number | null
  created_at: string
  archived_at: string | null
}

let t: TestLedger
let now = Date.parse('2026-07-14T09:00:00.000Z')

beforeAll(async () => {
  t = await startLedger({ now: () => now })
})
afterAll(() => t.close())

async function create(sdk: Sdk, body: Record<string, unknown>): Promise<Response> {
  return t.call('/v1/audit/orgs', sdkRequest(sdk, 'POST', body))
}

async function answer<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T
  expect({ status: response.status, body }).toMatchObject({ status })
  return body
}

const bodiless = (sdk: Sdk, path: string) => t.call(path, sdkRequest(sdk, 'POST'))

describe('POST /v1/audit/orgs', () => {
  it('takes organization_id (Node 0.3.0, Go, Ruby) or external_id (Python 0.2.0, docs) and answers the full org', async () => {
    const node = await answer<OrgJson>(await create('node', { organization_id: 'org_x', name: 'X Corp' }), 201)
    expect(node).toEqual({
      id: expect.stringMatching(/^aorg_[0-9A-Z]{26}$/),
      organization_id: 'org_x',
      external_id: 'org_x',
      name: 'X Corp',
      retention_days: null,
      created_at: '2026-07-14T09:00:00.000Z',
      archived_at: null,
    })
    const python = await answer<OrgJson>(
      await create('python', { external_id: 'acme-prod', name: 'Acme Production' }),
      201,
    )
    expect(python).toMatchObject({ organization_id: 'acme-prod', external_id: 'acme-prod' })
  })

  it('refuses unknown fields, disagreeing aliases and external ids that look like org ids', async () => {
    const unknown = await answer<{ message: string }>(await create('go', { organization_id: 'o1', plan: 'pro' }), 400)
    expect(unknown.message).toMatch(/^plan is not a field/)
    const both = await answer<{ message: string }>(
      await create('node', { organization_id: 'o2', external_id: 'o3' }),
      400,
    )
    expect(both.message).toMatch(/organization_id and external_id/)
    const prefixed = await answer<{ message: string }>(await create('ruby', { organization_id: 'aorg_mine' }), 400)
    expect(prefixed.message).toMatch(/starts with "aorg_"/)
    expect(t.ledger.orgByExternalId('aorg_mine')).toBeUndefined()
    await answer(await create('node', { organization_id: 'o2', external_id: 'o2' }), 201)
  })
})

describe('org lifecycle (Go and Ruby 0.2.0)', () => {
  it('renames with PATCH {name}, clears with {name: null}, by aorg_ id or external id', async () => {
    const org = await answer<OrgJson>(await create('go', { organization_id: 'renamed', name: 'Old' }), 201)
    const renamed = await t.call(`/v1/audit/orgs/${org.id}`, sdkRequest('go', 'PATCH', { name: 'New' }))
    expect(await answer<OrgJson>(renamed, 200)).toEqual({ ...org, name: 'New' })
    const cleared = await t.call('/v1/audit/orgs/renamed', sdkRequest('ruby', 'PATCH', { name: null }))
    expect(await answer<OrgJson>(cleared, 200)).toEqual({ ...org, name: null })
    expect(t.ledger.orgById(org.id)?.name).toBeNull()
    await answer(await t.call('/v1/audit/orgs/renamed', sdkRequest('go', 'PATCH', {})), 400)
    const other = await answer<{ message: string }>(
      await t.call('/v1/audit/orgs/renamed', sdkRequest('go', 'PATCH', { name: 'N', external_id: 'x' })),
      400,
    )
    expect(other.message).toMatch(/^external_id is not a field you can change/)
    await answer(await t.call('/v1/audit/orgs/nobody', sdkRequest('go', 'PATCH', { name: 'N' })), 404)
  })

  it('archives and unarchives with bodiless POSTs (Go and Ruby send a JSON content type, Python none), idempotently', async () => {
    const org = await answer<OrgJson>(await create('ruby', { organization_id: 'archivable' }), 201)
    now += 60_000
    const archived = await answer<OrgJson>(await bodiless('go', `/v1/audit/orgs/${org.id}/archive`), 200)
    expect(archived).toEqual({ ...org, archived_at: '2026-07-14T09:01:00.000Z' })
    now += 60_000
    const again = await answer<OrgJson>(await bodiless('python', '/v1/audit/orgs/archivable/archive'), 200)
    expect(again.archived_at).toBe('2026-07-14T09:01:00.000Z')

    const listed = async (query: string) =>
      ((await (await t.call(`/v1/audit/orgs${query}`, sdkRequest('ruby', 'GET'))).json()) as { orgs: OrgJson[] }).orgs
    expect((await listed('')).map((o) => o.id)).not.toContain(org.id)
    expect(await listed('?include_archived=true')).toContainEqual(again)
    expect((await listed('?include_archived=false')).map((o) => o.id)).not.toContain(org.id)
    await answer(await t.call('/v1/audit/orgs?include_archived=yes'), 400)
    await answer(await t.call('/v1/audit/orgs?archived=true'), 400)

    const restored = await answer<OrgJson>(await bodiless('ruby', '/v1/audit/orgs/archivable/unarchive'), 200)
    expect(restored).toEqual(org)
    expect(await answer<OrgJson>(await bodiless('node', `/v1/audit/orgs/${org.id}/unarchive`), 200)).toEqual(org)
    expect((await listed('')).map((o) => o.id)).toContain(org.id)
  })

  it('answers 409 org_archived to ingest, exports and portal sessions of an archived org, and still lists its events', async () => {
    await t.ingest(eventBody({ org: 'frozen' }))
    await answer(await bodiless('go', '/v1/audit/orgs/frozen/archive'), 200)
    const ingest = await t.call(
      '/v1/audit/events',
      sdkRequest('node', 'POST', eventBody({ org: undefined, organization_id: 'frozen' })),
    )
    expect(await answer(ingest, 409)).toMatchObject({ error: 'org_archived' })
    const exported = await t.call(
      '/v1/audit/exports',
      sdkRequest('go', 'POST', { organization_id: 'frozen', format: 'csv' }),
    )
    expect(await answer(exported, 409)).toMatchObject({ error: 'org_archived' })
    const portal = await t.call(
      '/v1/audit/portal_sessions',
      sdkRequest('node', 'POST', { organization_id: 'frozen', intent: 'audit_logs' }),
    )
    expect(await answer(portal, 409)).toMatchObject({ error: 'org_archived' })
    const page = await answer<{ events: unknown[] }>(await t.call('/v1/audit/events?organization_id=frozen'), 200)
    expect(page.events).toHaveLength(1)
  })

  it('deletes an org that never ingested ({deleted: true, id}) and refuses one that did (409 org_not_deletable)', async () => {
    const empty = await answer<OrgJson>(await create('go', { organization_id: 'short-lived' }), 201)
    const deleted = await t.call('/v1/audit/orgs/short-lived', sdkRequest('go', 'DELETE'))
    expect(await answer(deleted, 200)).toEqual({ deleted: true, id: empty.id })
    expect(t.ledger.orgById(empty.id)).toBeUndefined()
    await answer(await t.call(`/v1/audit/orgs/${empty.id}`, sdkRequest('ruby', 'DELETE')), 404)

    const used = await t.ingest(eventBody({ org: 'has-history' }))
    const refused = await t.call(`/v1/audit/orgs/${String(used.org_id)}`, sdkRequest('ruby', 'DELETE'))
    expect(await answer(refused, 409)).toMatchObject({ error: 'org_not_deletable' })
    expect(t.ledger.orgById(String(used.org_id))).toBeDefined()
  })

  it('needs the audit:write scope for every change', async () => {
    const reader = t.ledger.apiKeys.create(['audit:read'])
    const as = (init: RequestInit) => ({
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${reader.secret}` },
    })
    await create('go', { organization_id: 'guarded' })
    const calls = [
      t.call('/v1/audit/orgs', as(sdkRequest('go', 'POST', { organization_id: 'nope' }))),
      t.call('/v1/audit/orgs/guarded', as(sdkRequest('go', 'PATCH', { name: 'x' }))),
      t.call('/v1/audit/orgs/guarded/archive', as(sdkRequest('go', 'POST'))),
      t.call('/v1/audit/orgs/guarded/unarchive', as(sdkRequest('go', 'POST'))),
      t.call('/v1/audit/orgs/guarded', as(sdkRequest('go', 'DELETE'))),
    ]
    expect((await Promise.all(calls)).map((r) => r.status)).toEqual([403, 403, 403, 403, 403])
  })
})
