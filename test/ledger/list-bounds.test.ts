import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLedger, type TestLedger } from '../support/ledger.js'
import { sdkRequest, type Sdk } from '../support/sdk.js'

interface Page {
  events: { seq: number; occurred_at: string }[]
  next_cursor: string | null
}

let t: TestLedger
let orgId: string
/** occurred_at of seq 1..6, one second apart. */
const at = (seq: number) => new Date(Date.parse('2026-06-30T23:59:55.000Z') + (seq - 1) * 1000).toISOString()

beforeAll(async () => {
  t = await startLedger()
  orgId = t.ledger.createOrg('org_01J8F3KQ2R7VWX9YB4ND6MCZAH', 'Acme').id
  t.ledger.appendMany(
    orgId,
    [1, 2, 3, 4, 5, 6].map((seq) => ({
      action: seq % 2 ? 'user.signed_in' : 'invoice.paid',
      occurredAt: at(seq),
      actor: { type: 'user', id: 'u1' },
      targets: [],
      context: null,
      metadata: null,
    })),
  )
})
afterAll(() => t.close())

async function list(sdk: Sdk, query: string): Promise<{ status: number; body: Page & { message?: string } }> {
  const response = await t.call(`/v1/audit/events?${query}`, sdkRequest(sdk, 'GET'))
  return { status: response.status, body: (await response.json()) as Page & { message?: string } }
}

const seqs = (page: Page) => page.events.map((e) => e.seq)

describe('list bounds on occurred_at', () => {
  it('treats range_start and range_end (Node 0.3.0, Go, Ruby) as inclusive', async () => {
    const query = `organization_id=org_01J8F3KQ2R7VWX9YB4ND6MCZAH&range_start=${at(2)}&range_end=${at(4)}`
    const { status, body } = await list('node', query)
    expect(status).toBe(200)
    expect(seqs(body)).toEqual([4, 3, 2])
  })

  it('reads the docs’ whole-second end (range_end 23:59:59Z) as inclusive of that instant', async () => {
    const { body } = await list('go', `organization_id=${orgId}&range_end=2026-06-30T23:59:59Z`)
    expect(seqs(body)).toEqual([5, 4, 3, 2, 1])
  })

  it('keeps occurred_after (>=) and occurred_before (<), as Python 0.2.0 and the viewer send them', async () => {
    const { body } = await list('python', `org_id=${orgId}&occurred_after=${at(2)}&occurred_before=${at(4)}`)
    expect(seqs(body)).toEqual([3, 2])
  })

  it('allows range_start == range_end (one instant), and answers an empty or reversed window with an empty page', async () => {
    const same = await list('ruby', `organization_id=${orgId}&range_start=${at(3)}&range_end=${at(3)}`)
    expect(seqs(same.body)).toEqual([3])
    // What Invoance's viewer sends for From = To: a 400 would replace its whole view.
    const empty = await list('python', `org_id=${orgId}&occurred_after=${at(3)}&occurred_before=${at(3)}`)
    expect(empty).toMatchObject({ status: 200, body: { events: [], next_cursor: null } })
    const backwards = await list('node', `organization_id=${orgId}&range_start=${at(4)}&range_end=${at(3)}`)
    expect(backwards).toMatchObject({ status: 200, body: { events: [], next_cursor: null } })
  })

  it('still refuses a reversed window in an export, which code builds', async () => {
    const created = await t.call('/v1/audit/exports', {
      method: 'POST',
      json: { organization_id: orgId, format: 'ndjson', filters: { range_start: at(4), range_end: at(3) } },
    })
    expect(created.status).toBe(400)
    expect(((await created.json()) as { message: string }).message).toMatch(
      /range_start must be at or before range_end/,
    )
  })

  it.each([
    ['occurred_after', 'range_start'],
    ['occurred_before', 'range_end'],
  ])('refuses %s together with %s, even when equal', async (a, b) => {
    const { status, body } = await list('node', `organization_id=${orgId}&${a}=${at(2)}&${b}=${at(2)}`)
    expect(status).toBe(400)
    expect(body.message).toBe(`Send either ${a} or ${b}, not both; they name the same bound.`)
  })

  it('refuses a parameter repeated with different values, and accepts an exact repeat', async () => {
    const twice = await list('node', `organization_id=${orgId}&actions=user.signed_in&actions=invoice.paid`)
    expect(twice.status).toBe(400)
    expect(twice.body.message).toMatch(/^actions is repeated with different values/)
    const range = await list('node', `organization_id=${orgId}&range_end=${at(2)}&range_end=${at(3)}`)
    expect(range.status).toBe(400)
    const same = await list('node', `organization_id=${orgId}&actions=invoice.paid&actions=invoice.paid`)
    expect(seqs(same.body)).toEqual([6, 4, 2])
  })

  it('binds a cursor to the end’s kind: one from range_end is refused with occurred_before', async () => {
    const first = await list('node', `organization_id=${orgId}&range_end=${at(5)}&limit=2`)
    expect(seqs(first.body)).toEqual([5, 4])
    const cursor = encodeURIComponent(first.body.next_cursor!)
    const same = await list('node', `organization_id=${orgId}&range_end=${at(5)}&limit=2&cursor=${cursor}`)
    expect(seqs(same.body)).toEqual([3, 2])
    const other = await list('python', `org_id=${orgId}&occurred_before=${at(5)}&limit=2&cursor=${cursor}`)
    expect(other.status).toBe(400)
    expect(other.body.message).toMatch(/different org or filters/)
  })
})

describe('free text in actions (Invoance’s viewer sends its input box as it is)', () => {
  it('matches nothing with a 200 and an empty page on the API', async () => {
    const { status, body } = await list('node', `organization_id=${orgId}&actions=User%20Signed%20In`)
    expect(status).toBe(200)
    expect(body).toEqual({ events: [], next_cursor: null })
  })

  it('still matches the valid names of a mixed list', async () => {
    const { body } = await list(
      'node',
      `organization_id=${orgId}&actions=${encodeURIComponent('invoice.paid, Not An Action')}`,
    )
    expect(seqs(body)).toEqual([6, 4, 2])
  })

  it('answers the portal’s viewer query (actions=User Signed In) with an empty page, not a 400', async () => {
    const session = await t.call(
      '/v1/audit/portal_sessions',
      sdkRequest('node', 'POST', { organization_id: 'org_01J8F3KQ2R7VWX9YB4ND6MCZAH', intent: 'audit_logs' }),
    )
    const { token } = (await session.json()) as { token: string }
    const exchanged = await fetch(`${t.url}/v1/audit/portal/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    })
    const jwt = ((await exchanged.json()) as { token: string }).token
    const query = new URLSearchParams({ limit: '50', actions: 'User Signed In', occurred_after: at(1) })
    const response = await fetch(`${t.url}/v1/audit/portal/events?${query}`, {
      headers: { authorization: `Bearer ${jwt}` },
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ events: [], next_cursor: null })
  })

  it('keeps the other limits: more than 50 actions is still a 400', async () => {
    const many = Array.from({ length: 51 }, (_, i) => `a${i}`).join(',')
    const { status, body } = await list('node', `organization_id=${orgId}&actions=${many}`)
    expect(status).toBe(400)
    expect(body.message).toMatch(/at most 50 actions/)
  })
})
