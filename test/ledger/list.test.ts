import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateEvents } from '../../src/ledger/seed.js'
import { eventBody, startLedger, type TestLedger } from '../support/ledger.js'

interface Event {
  id: string
  seq: number
  action: string
  occurred_at: string
  actor: { id: string }
  targets: { id: string }[]
}
interface Page {
  events: Event[]
  next_cursor: string | null
}

let t: TestLedger
let orgId: string
let otherOrgId: string
let all: Event[]

async function getPage(query: Record<string, string>): Promise<Response> {
  return t.call(`/v1/audit/events?${new URLSearchParams(query)}`)
}

/** Walk every page of a query and return the events in order. */
async function walk(query: Record<string, string>, limit = 7): Promise<Event[]> {
  const events: Event[] = []
  let cursor: string | null = null
  do {
    const response = await getPage({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) })
    expect(response.status).toBe(200)
    const page = (await response.json()) as Page
    expect(page.events.length).toBeLessThanOrEqual(limit)
    events.push(...page.events)
    cursor = page.next_cursor
  } while (cursor)
  return events
}

beforeAll(async () => {
  t = await startLedger()
  orgId = t.ledger.createOrg('acme', 'Acme').id
  otherOrgId = t.ledger.createOrg('globex', 'Globex').id
  t.ledger.appendMany(orgId, [...generateEvents(300, { seed: 7, now: Date.parse('2026-11-01T00:00:00Z'), days: 30 })])
  t.ledger.appendMany(otherOrgId, [...generateEvents(50, { seed: 8 })])
  all = await walk({ org_id: orgId }, 200)
})
afterAll(() => t.close())

describe('GET /v1/audit/events', () => {
  it('returns every event of the org exactly once, newest seq first', async () => {
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, i) => 300 - i))
    const walked = await walk({ org_id: orgId }, 7)
    expect(walked.map((e) => e.id)).toEqual(all.map((e) => e.id))
  })

  it('pages 50 events by default and never mixes orgs', async () => {
    const page = (await (await getPage({ organization_id: otherOrgId })).json()) as Page
    expect(page.events).toHaveLength(50)
    expect(page.next_cursor).toBeNull()
    expect(new Set(page.events.map((e) => (e as unknown as { org_id: string }).org_id))).toEqual(new Set([otherOrgId]))
  })

  it('returns each event exactly once while other requests keep ingesting', async () => {
    const org = t.ledger.createOrg('concurrent', null)
    t.ledger.appendMany(org.id, [...generateEvents(120, { seed: 3 })])
    const seen: Event[] = []
    let cursor: string | null = null
    let added = 0
    do {
      // Ingest between every page read: new events get higher seqs, above the cursor.
      await t.ingest(eventBody({ org: 'concurrent', action: 'during.walk' }))
      added++
      const response = await getPage({ org_id: org.id, limit: '10', ...(cursor ? { cursor } : {}) })
      const page = (await response.json()) as Page
      seen.push(...page.events)
      cursor = page.next_cursor
    } while (cursor)
    const seqs = seen.map((e) => e.seq)
    expect(new Set(seqs).size).toBe(seqs.length)
    // Everything that existed when the walk began (120 seeded + the first ingest) is there.
    expect(seqs.filter((s) => s <= 121).sort((a, b) => a - b)).toEqual(Array.from({ length: 121 }, (_, i) => i + 1))
    expect(added).toBeGreaterThan(10)
  })

  describe('filters, alone and combined, match a reference filter over all events', () => {
    const some = () => {
      const actions = [...new Set(all.map((e) => e.action))].sort()
      const actor = all.find((e) => e.actor.id)!.actor.id
      const target = all.find((e) => e.targets.length > 0)!.targets[0]!.id
      const mid = all[150]!.occurred_at
      const late = all[40]!.occurred_at
      return { actions, actor, target, mid, late }
    }

    const cases: [
      string,
      (s: ReturnType<typeof some>) => Record<string, string>,
      (e: Event, s: ReturnType<typeof some>) => boolean,
    ][] = [
      ['one action', (s) => ({ actions: s.actions[0]! }), (e, s) => e.action === s.actions[0]],
      [
        'three actions',
        (s) => ({ actions: s.actions.slice(0, 3).join(',') }),
        (e, s) => s.actions.slice(0, 3).includes(e.action),
      ],
      ['actor_id', (s) => ({ actor_id: s.actor }), (e, s) => e.actor.id === s.actor],
      ['target_id', (s) => ({ target_id: s.target }), (e, s) => e.targets.some((x) => x.id === s.target)],
      ['occurred_after', (s) => ({ occurred_after: s.mid }), (e, s) => e.occurred_at >= s.mid],
      [
        'range_start and range_end',
        (s) => ({ range_start: s.mid, range_end: s.late }),
        (e, s) => e.occurred_at >= s.mid && e.occurred_at <= s.late,
      ],
      [
        'actions and a date range',
        (s) => ({ actions: s.actions.slice(0, 5).join(','), occurred_before: s.late }),
        (e, s) => s.actions.slice(0, 5).includes(e.action) && e.occurred_at < s.late,
      ],
      [
        'actor and actions',
        (s) => ({ actor_id: s.actor, actions: s.actions.join(',') }),
        (e, s) => e.actor.id === s.actor,
      ],
      [
        'everything at once',
        (s) => ({
          actions: s.actions.join(','),
          actor_id: s.actor,
          target_id: s.target,
          occurred_after: '2000-01-01T00:00:00Z',
        }),
        (e, s) => e.actor.id === s.actor && e.targets.some((x) => x.id === s.target),
      ],
    ]

    it.each(cases)('%s', async (_label, query, predicate) => {
      const s = some()
      const expected = all.filter((e) => predicate(e, s)).map((e) => e.id)
      const walked = (await walk({ org_id: orgId, ...query(s) }, 9)).map((e) => e.id)
      expect(walked).toEqual(expected)
      expect(walked.length).toBeGreaterThan(0)
    })

    it('returns an empty page, not an error, when nothing matches', async () => {
      const page = (await (await getPage({ org_id: orgId, actions: 'nothing.matches' })).json()) as Page
      expect(page).toEqual({ events: [], next_cursor: null })
    })
  })

  describe('cursors', () => {
    async function firstCursor(query: Record<string, string> = {}): Promise<string> {
      const page = (await (await getPage({ org_id: orgId, limit: '5', ...query })).json()) as Page
      return page.next_cursor!
    }

    it('refuse a cursor used with other filters', async () => {
      const cursor = await firstCursor()
      const response = await getPage({ org_id: orgId, limit: '5', cursor, actions: 'user.signed_in' })
      expect(response.status).toBe(400)
      expect(await response.json()).toEqual({
        error: 'invalid_request',
        message: expect.stringMatching(/different org or filters/),
      })
    })

    it('refuse a cursor used with another org', async () => {
      const response = await getPage({ org_id: otherOrgId, cursor: await firstCursor() })
      expect(response.status).toBe(400)
    })

    it('accept the same cursor with another page size', async () => {
      const response = await getPage({ org_id: orgId, limit: '3', cursor: await firstCursor() })
      const page = (await response.json()) as Page
      expect(page.events.map((e) => e.seq)).toEqual([295, 294, 293])
    })

    it.each([
      [
        'an edited payload',
        (c: string) => Buffer.from(JSON.stringify({ s: 10, q: 'x' })).toString('base64url') + c.slice(c.indexOf('.')),
      ],
      ['an edited signature', (c: string) => c.slice(0, -2) + (c.endsWith('AA') ? 'BB' : 'AA')],
      ['garbage', () => 'not-a-cursor'],
      ['an extra segment', (c: string) => `${c}.x`],
    ])('refuse %s with 400, never a wrong page', async (_label, edit) => {
      const response = await getPage({ org_id: orgId, cursor: edit(await firstCursor()) })
      expect(response.status).toBe(400)
      expect(((await response.json()) as { message: string }).message).toMatch(/cursor/)
    })
  })

  describe('validation', () => {
    it.each([
      [{}, 400, /org_id .*required/],
      [{ org_id: 'aorg_nope' }, 404, /No org has id/],
      [{ limit: '0' }, 400, /limit must be an integer from 1 to 200/],
      [{ limit: '201' }, 400, /limit/],
      [{ limit: '5.5' }, 400, /limit/],
      [{ occurred_after: 'last week' }, 400, /RFC 3339/],
      [{ actor: 'user_1' }, 400, /actor is not a query parameter/],
    ])('%j is %i', async (query, status, message) => {
      const full: Record<string, string> =
        'org_id' in query || Object.keys(query).length === 0 ? query : { org_id: orgId, ...query }
      const response = await getPage(full)
      expect(response.status).toBe(status)
      expect(((await response.json()) as { message: string }).message).toMatch(message)
    })
  })

  it('GET /v1/audit/events/:id returns one event, and 404 JSON for an unknown id', async () => {
    const one = await t.call(`/v1/audit/events/${all[3]!.id}`)
    expect(((await one.json()) as Event).seq).toBe(all[3]!.seq)
    const missing = await t.call('/v1/audit/events/aevt_missing')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ error: 'not_found', message: 'No event has id "aevt_missing".' })
  })
})

describe('query plans', () => {
  it('read every filter through an index in keyset order, never sorting', () => {
    const plan = (query: Record<string, unknown>) => {
      const filters = { actions: [], actorId: null, targetId: null, from: null, to: null, ...query }
      const { sql, params } = t.ledger.events.pageQuery(orgId, filters, 10, 1000)
      const rows = t.ledger.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]
      return rows.map((r) => r.detail).join(' | ')
    }
    expect(plan({ actions: ['plan.one'] })).toMatch(/USING INDEX events_by_action/)
    expect(plan({ actions: ['plan.a', 'plan.b'] })).toMatch(/USING INDEX events_by_action/)
    expect(plan({ actorId: 'plan-actor' })).toMatch(/USING INDEX events_by_actor/)
    expect(plan({ targetId: 'plan-target' })).toMatch(/SEARCH t USING PRIMARY KEY/)
    expect(plan({ from: '2001-01-01T00:00:00.000Z', to: '2099-01-01T00:00:00.000Z' })).toMatch(
      /SEARCH e USING PRIMARY KEY/,
    )
    for (const query of [
      { actions: ['plan.c'] },
      { actorId: 'plan-actor-2' },
      { targetId: 'plan-target-2' },
      { from: '2002-01-01T00:00:00.000Z' },
    ]) {
      expect(plan(query)).not.toMatch(/TEMP B-TREE FOR ORDER BY/)
    }
  })
})
