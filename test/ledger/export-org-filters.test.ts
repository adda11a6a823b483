import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLedger, type TestLedger } from '../support/ledger.js'
import { sdkRequest, type Sdk } from '../support/sdk.js'
import { splitExport } from '../support/ndjson.js'

interface Job {
  id: string
  export_id: string
  org_id: string
  status: string
  row_count: number
  download_url: string | null
}

let t: TestLedger
let orgId: string
/** occurred_at of seq 1..6, one second apart, ending on the docs' range_end 2026-06-30T23:59:59Z. */
const at = (seq: number) => new Date(Date.parse('2026-06-30T23:59:54.000Z') + (seq - 1) * 1000).toISOString()

beforeAll(async () => {
  t = await startLedger()
  // The docs' export example names this external id (/developers/audit/exporting-events).
  orgId = t.ledger.createOrg('org_01J8F3KQ2R7VWX9YB4ND6MCZAH', 'Acme').id
  t.ledger.appendMany(
    orgId,
    [1, 2, 3, 4, 5, 6, 7].map((seq) => ({
      action: seq % 2 ? 'user.signed_in' : 'invoice.approved',
      occurredAt: at(seq),
      actor: { type: 'user', id: 'u1' },
      targets: [],
      context: null,
      metadata: null,
    })),
  )
})
afterAll(() => t.close())

async function post(sdk: Sdk, body: unknown): Promise<{ status: number; body: Job & { message?: string } }> {
  const response = await t.call('/v1/audit/exports', sdkRequest(sdk, 'POST', body))
  return { status: response.status, body: (await response.json()) as Job & { message?: string } }
}

/** Create an export, wait for it, and return the seqs of its NDJSON lines. */
async function exportedSeqs(sdk: Sdk, body: unknown): Promise<{ job: Job; seqs: number[] }> {
  const created = await post(sdk, { format: 'ndjson', ...(body as object) })
  expect(created.status).toBe(202)
  await t.ledger.exports.idle()
  const job = (await (await t.call(`/v1/audit/exports/${created.body.id}`, sdkRequest(sdk, 'GET'))).json()) as Job
  expect(job.status).toBe('ready')
  const text = await (await fetch(job.download_url!)).text()
  const seqs = splitExport(text).lines.map((line) => (JSON.parse(line) as { seq: number }).seq)
  return { job, seqs }
}

describe('POST /v1/audit/exports with the SDKs’ bodies', () => {
  it('takes the docs’ example: organization_id an external id, an inclusive range_start/range_end window', async () => {
    const created = await post('node', {
      organization_id: 'org_01J8F3KQ2R7VWX9YB4ND6MCZAH',
      format: 'csv',
      filters: { actions: 'invoice.approved', range_start: at(3), range_end: '2026-06-30T23:59:59Z' },
    })
    expect(created.status).toBe(202)
    expect(created.body.org_id).toBe(orgId)
    await t.ledger.exports.idle()
    const job = (await (await t.call(`/v1/audit/exports/${created.body.id}`)).json()) as Job
    // invoice.approved is every even seq; the window holds seq 3 to 6, 23:59:59Z (seq 6) included.
    expect(job).toMatchObject({ status: 'ready', row_count: 2 })
    const csv = await (await fetch(job.download_url!)).text()
    expect(csv.trimEnd().split('\n')).toHaveLength(3)
  })

  it('answers export_id (Go README) equal to id (Node, Python, docs), on create and on poll', async () => {
    const created = await post('go', { organization_id: orgId, format: 'ndjson' })
    expect(created.status).toBe(202)
    expect(created.body.export_id).toBe(created.body.id)
    await t.ledger.exports.idle()
    const polled = (await (await t.call(`/v1/audit/exports/${created.body.id}`)).json()) as Job
    expect(polled.export_id).toBe(created.body.id)
  })

  it('applies range_end inclusively and occurred_before exclusively', async () => {
    const inclusive = await exportedSeqs('node', { organization_id: orgId, filters: { range_end: at(6) } })
    expect(inclusive.seqs).toEqual([6, 5, 4, 3, 2, 1])
    const exclusive = await exportedSeqs('python', { org_id: orgId, filters: { occurred_before: at(6) } })
    expect(exclusive.seqs).toEqual([5, 4, 3, 2, 1])
    const instant = await exportedSeqs('ruby', {
      organization_id: orgId,
      filters: { range_start: at(2), range_end: at(2) },
    })
    expect(instant.seqs).toEqual([2])
  })

  it('takes filters.action (Go README) as one action, and refuses it next to filters.actions', async () => {
    const { seqs } = await exportedSeqs('go', {
      organization_id: 'org_01J8F3KQ2R7VWX9YB4ND6MCZAH',
      filters: { action: 'invoice.approved' },
    })
    expect(seqs).toEqual([6, 4, 2])
    const both = await post('go', {
      organization_id: orgId,
      format: 'csv',
      filters: { action: 'invoice.approved', actions: ['invoice.approved'] },
    })
    expect(both.status).toBe(400)
    expect(both.body.message).toBe('Send either filters.action or filters.actions, not both.')
    const list = await post('go', { organization_id: orgId, format: 'csv', filters: { action: 'a.b,c.d' } })
    expect(list.status).toBe(400)
    expect(list.body.message).toMatch(/^filters.action is one action name/)
  })

  it('refuses both bound names, disagreeing org aliases and unknown orgs', async () => {
    const bounds = await post('node', {
      organization_id: orgId,
      format: 'csv',
      filters: { range_end: at(2), occurred_before: at(2) },
    })
    expect(bounds.status).toBe(400)
    expect(bounds.body.message).toMatch(/occurred_before or range_end, not both/)
    const orgs = await post('python', { org_id: orgId, organization_id: 'someone-else', format: 'csv' })
    expect(orgs.status).toBe(400)
    expect(orgs.body.message).toMatch(/organization_id and org_id/)
    expect((await post('node', { organization_id: 'org_unknown', format: 'csv' })).status).toBe(404)
  })
})
