import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KeyRing, parseAuditJson, parseKeysDocument, verifyEvent } from '../../src/core/index.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { startLedger, type TestLedger } from '../support/ledger.js'

let now = Date.parse('2026-11-20T12:00:00Z')
let t: TestLedger
let acme: string
let globex: string

beforeAll(async () => {
  t = await startLedger({ now: () => now })
  acme = t.ledger.createOrg('acme', 'Acme').id
  globex = t.ledger.createOrg('globex', 'Globex').id
  t.ledger.appendMany(acme, [...generateEvents(30, { seed: 1 })])
  t.ledger.appendMany(globex, [...generateEvents(10, { seed: 2 })])
})
afterAll(() => t.close())

const session = async (body: Record<string, unknown>) =>
  t.call('/v1/audit/portal_sessions', { method: 'POST', json: body })
const exchange = (token: string) =>
  fetch(`${t.url}/v1/audit/portal/exchange`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  })

describe('portal sessions', () => {
  it('exchange a one-time token once for an org-scoped token that reads only that org', async () => {
    const created = await session({ org_id: acme, intent: 'audit_logs' })
    expect(created.status).toBe(201)
    const { token, expires_at } = (await created.json()) as { token: string; expires_at: string }
    expect(Date.parse(expires_at) - now).toBe(7200 * 1000)

    const first = await exchange(token)
    expect(first.status).toBe(200)
    const { token: jwt } = (await first.json()) as { token: string }
    expect(jwt.split('.')).toHaveLength(3)

    const again = await exchange(token)
    expect(again.status).toBe(401)
    expect(await again.json()).toEqual({ error: 'unauthorized', message: expect.stringMatching(/already exchanged/) })

    const bearer = { authorization: `Bearer ${jwt}` }
    const page = (await (await fetch(`${t.url}/v1/audit/portal/events?limit=100`, { headers: bearer })).json()) as {
      events: { org_id: string }[]
    }
    expect(page.events).toHaveLength(30)
    expect(new Set(page.events.map((e) => e.org_id))).toEqual(new Set([acme]))
    const org = await (await fetch(`${t.url}/v1/audit/portal/org`, { headers: bearer })).json()
    expect(org).toEqual({ id: acme, external_id: 'acme', name: 'Acme', retention_days: null })

    const crossOrg = await fetch(`${t.url}/v1/audit/portal/events?org_id=${globex}`, { headers: bearer })
    expect(crossOrg.status).toBe(400)
  })

  it('last their full duration from the exchange, however late it comes', async () => {
    const created = await session({ org_id: acme, intent: 'audit_logs', session_duration_seconds: 900 })
    const { token } = (await created.json()) as { token: string }
    now += 600_000
    const { expires_at } = (await (await exchange(token)).json()) as { expires_at: string }
    expect(Date.parse(expires_at) - now).toBe(900_000)
  })

  it('clamp the session duration to 60..86400 seconds', async () => {
    for (const [asked, granted] of [
      [5, 60],
      [10 ** 9, 86_400],
      [900, 900],
    ]) {
      const { expires_at } = (await (
        await session({ org_id: acme, intent: 'audit_logs', session_duration_seconds: asked })
      ).json()) as {
        expires_at: string
      }
      expect(Date.parse(expires_at) - now).toBe(granted! * 1000)
    }
  })

  it('refuse an expired token, and a token that has expired after the exchange', async () => {
    const { token } = (await (
      await session({ org_id: acme, intent: 'audit_logs', session_duration_seconds: 60 })
    ).json()) as {
      token: string
    }
    const { token: jwt } = (await (await exchange(token)).json()) as { token: string }
    const late = await session({ org_id: acme, intent: 'audit_logs', session_duration_seconds: 60 })
    const { token: unused } = (await late.json()) as { token: string }
    now += 61_000
    expect((await exchange(unused)).status).toBe(401)
    const read = await fetch(`${t.url}/v1/audit/portal/events`, { headers: { authorization: `Bearer ${jwt}` } })
    expect(read.status).toBe(401)
  })

  it('refuse a forged or missing portal token, and a bad session request', async () => {
    expect((await fetch(`${t.url}/v1/audit/portal/org`, { headers: { authorization: 'Bearer a.b.c' } })).status).toBe(
      401,
    )
    expect((await fetch(`${t.url}/v1/audit/portal/org`)).status).toBe(401)
    expect((await exchange('aps_made_up')).status).toBe(401)
    expect((await session({ org_id: acme, intent: 'billing' })).status).toBe(400)
    expect((await session({ org_id: 'aorg_missing', intent: 'audit_logs' })).status).toBe(404)
  })
})

describe('signing keys', () => {
  it('GET /v1/audit/events/:id/verify checks an event against the ledger’s own keys', async () => {
    const [event] = (
      (await (await t.call(`/v1/audit/events?org_id=${acme}&limit=1`)).json()) as { events: { id: string }[] }
    ).events
    const check = await (await t.call(`/v1/audit/events/${event!.id}/verify`)).json()
    expect(check).toMatchObject({ valid: true, status: 'verified', key_id: expect.stringMatching(/^akey_/) })
  })

  it('rotate: old events verify under the old key’s window, new events under the new key', async () => {
    const before = t.ledger.keys.list()
    const rotated = t.ledger.keys.rotate(new Date(now))
    t.ledger.appendMany(acme, [...generateEvents(3, { seed: 9 })])
    const keys = (await (await fetch(`${t.url}/v1/audit/keys`)).json()) as {
      keys: { key_id: string; not_after: string | null }[]
    }
    expect(keys.keys).toHaveLength(before.length + 1)
    expect(keys.keys.find((k) => k.key_id === before.at(-1)!.key_id)!.not_after).toBe(rotated.not_before)
    const ring = new KeyRing(parseKeysDocument(keys))
    const page = await (await t.call(`/v1/audit/events?org_id=${acme}&limit=200`)).text()
    const events = (parseAuditJson(page) as { events: Record<string, unknown>[] }).events
    const results = await Promise.all(events.map((e) => verifyEvent(e, { trustedKeys: ring })))
    expect(results.every((r) => r.status === 'verified')).toBe(true)
    expect(new Set(results.map((r) => r.keyId))).toEqual(new Set([before.at(-1)!.key_id, rotated.key_id]))
    expect(events.slice(0, 3).every((e) => e.key_id === rotated.key_id)).toBe(true)
  })
})

describe('rotation when the clock has gone back', () => {
  it('still closes the old window after the last event the old key signed', async () => {
    const late = await startLedger({ now: () => Date.parse('2026-11-20T12:00:00Z') })
    try {
      const org = late.ledger.createOrg('acme', null).id
      late.ledger.appendMany(org, [...generateEvents(2)])
      const rotated = late.ledger.keys.rotate(new Date('2020-01-01T00:00:00Z'))
      late.ledger.appendMany(org, [...generateEvents(2)])
      const ring = new KeyRing(parseKeysDocument(await (await fetch(`${late.url}/v1/audit/keys`)).json()))
      const page = (
        parseAuditJson(await (await late.call(`/v1/audit/events?org_id=${org}`)).text()) as {
          events: Record<string, unknown>[]
        }
      ).events
      const statuses = await Promise.all(page.map(async (e) => (await verifyEvent(e, { trustedKeys: ring })).status))
      expect(statuses).toEqual(['verified', 'verified', 'verified', 'verified'])
      expect(Date.parse(rotated.not_before)).toBeGreaterThan(Date.parse('2026-11-20T12:00:00Z'))
    } finally {
      await late.close()
    }
  })
})
