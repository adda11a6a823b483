import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateEvents } from '../../src/ledger/seed.js'
import { startLedger, type TestLedger } from '../support/ledger.js'

let t: TestLedger
beforeAll(async () => {
  t = await startLedger()
})
afterAll(() => t.close())

describe('orgs', () => {
  it('are created with an external id and listed', async () => {
    const created = await t.call('/v1/audit/orgs', { method: 'POST', json: { external_id: 'hooli', name: 'Hooli' } })
    expect(created.status).toBe(201)
    const org = (await created.json()) as { id: string }
    expect(org).toEqual({
      id: expect.stringMatching(/^aorg_[0-9A-Z]{26}$/),
      organization_id: 'hooli',
      external_id: 'hooli',
      name: 'Hooli',
      retention_days: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      archived_at: null,
    })
    const list = (await (await t.call('/v1/audit/orgs')).json()) as { orgs: unknown[] }
    expect(list.orgs).toContainEqual(org)
  })

  it('answer the same org asked for again (200), refuse it under another name (409), and a missing id (400)', async () => {
    const first = await t.call('/v1/audit/orgs', { method: 'POST', json: { external_id: 'dup', name: 'Dup' } })
    expect(first.status).toBe(201)
    // Invoance's Go and Ruby examples create their org on every run.
    const again = await t.call('/v1/audit/orgs', { method: 'POST', json: { organization_id: 'dup', name: 'Dup' } })
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual(await first.json())
    const renamed = await t.call('/v1/audit/orgs', { method: 'POST', json: { external_id: 'dup', name: 'Other' } })
    expect(renamed.status).toBe(409)
    const missing = await t.call('/v1/audit/orgs', { method: 'POST', json: { name: 'No id' } })
    expect(missing.status).toBe(400)
    expect(((await missing.json()) as { message: string }).message).toMatch(/external_id/)
  })
})

describe('GET /v1/audit/orgs/:id/integrity', () => {
  it('reports no gaps for an intact org', async () => {
    const org = t.ledger.createOrg('intact', null)
    t.ledger.appendMany(org.id, [...generateEvents(60)])
    const report = await (await t.call(`/v1/audit/orgs/${org.id}/integrity`)).json()
    expect(report).toEqual({ org_id: org.id, max_seq: 60, count: 60, gaps: [], pruned: null, prune_marker: null })
  })

  it('finds every missing seq range after rows were removed behind the ledger’s back', async () => {
    const org = t.ledger.createOrg('damaged', null)
    t.ledger.appendMany(org.id, [...generateEvents(100)])
    // Database surgery, as an attacker with file access would do it: drop the guard, delete.
    t.ledger.db.exec('DROP TRIGGER events_no_delete')
    t.ledger.db
      .prepare('DELETE FROM events WHERE org_id = ? AND (seq IN (1, 2, 41, 42) OR seq BETWEEN 70 AND 75)')
      .run(org.id)
    const report = await (await t.call(`/v1/audit/orgs/${org.id}/integrity`)).json()
    expect(report).toEqual({
      org_id: org.id,
      max_seq: 100,
      count: 90,
      pruned: null,
      prune_marker: null,
      gaps: [
        [1, 2],
        [41, 42],
        [70, 75],
      ],
    })
  })

  it('answers 404 for an unknown org', async () => {
    expect((await t.call('/v1/audit/orgs/aorg_missing/integrity')).status).toBe(404)
  })
})

describe('the events table is append-only', () => {
  it('refuses UPDATE and DELETE at the database level', () => {
    const org = t.ledger.createOrg('guarded', null)
    t.ledger.appendMany(org.id, [...generateEvents(3)])
    expect(() => t.ledger.db.prepare("UPDATE events SET action = 'x' WHERE org_id = ?").run(org.id)).toThrowError(
      /append-only: UPDATE is refused/,
    )
    expect(() => t.ledger.db.prepare('DELETE FROM event_targets WHERE org_id = ?').run(org.id)).toThrowError(
      /append-only: DELETE is refused/,
    )
  })
})
