import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAuditJson, verifyEvent } from '../../src/core/index.js'
import { eventBody, startLedger, type TestLedger } from '../support/ledger.js'

let t: TestLedger
beforeAll(async () => {
  t = await startLedger()
})
afterAll(() => t.close())

const post = (body: unknown, key: string | null = crypto.randomUUID(), headers: Record<string, string> = {}) =>
  t.call('/v1/audit/events', {
    method: 'POST',
    json: body,
    headers: { ...(key === null ? {} : { 'idempotency-key': key }), ...headers },
  })

async function pinnedKeys() {
  const { keys } = (await (await fetch(`${t.url}/v1/audit/keys`)).json()) as {
    keys: { key_id: string; public_key: string; not_before: string; not_after: string | null }[]
  }
  return keys.map((k) => ({ publicKey: k.public_key, keyId: k.key_id, notBefore: k.not_before, notAfter: k.not_after }))
}

describe('POST /v1/audit/events', () => {
  it('stores a signed event that verifies against the published keys', async () => {
    const response = await post(eventBody({ context: { location: '203.0.113.5' } }))
    expect(response.status).toBe(201)
    const event = parseAuditJson(await response.text()) as Record<string, unknown>
    expect(Object.keys(event)).toEqual([
      'id',
      'org_id',
      'seq',
      'occurred_at',
      'ingested_at',
      'action',
      'actor',
      'targets',
      'context',
      'metadata',
      'payload_hash',
      'signature',
      'signing_public_key',
      'key_id',
    ])
    expect(event).toMatchObject({
      action: 'invoice.paid',
      metadata: { amount: 100 },
      context: { location: '203.0.113.5' },
    })
    expect(await verifyEvent(event, { trustedKeys: await pinnedKeys() })).toMatchObject({ status: 'verified' })
  })

  it('creates the org on first use and numbers its events from 1 without gaps', async () => {
    const first = (await (await post(eventBody({ org: 'fresh-org' }))).json()) as { org_id: string; seq: number }
    const second = (await (await post(eventBody({ org: 'fresh-org' }))).json()) as { org_id: string; seq: number }
    expect([first.seq, second.seq]).toEqual([1, 2])
    expect(second.org_id).toBe(first.org_id)
    const orgs = (await (await t.call('/v1/audit/orgs')).json()) as { orgs: { id: string; external_id: string }[] }
    expect(orgs.orgs).toContainEqual({ id: first.org_id, external_id: 'fresh-org', name: null, retention_days: null })
  })

  it('assigns gap-free seqs under concurrent ingest', async () => {
    const responses = await Promise.all(Array.from({ length: 40 }, () => post(eventBody({ org: 'busy-org' }))))
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(201))
    const seqs = (await Promise.all(responses.map((r) => r.json() as Promise<{ seq: number }>))).map((e) => e.seq)
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
  })

  it('keeps an int64 and a float in metadata exactly as sent', async () => {
    const text = JSON.stringify(eventBody({ org: 'numbers' })).replace(
      '"amount":100',
      '"amount":9223372036854775807,"rate":2.50',
    )
    const response = await t.call('/v1/audit/events', {
      method: 'POST',
      body: text,
      headers: { 'content-type': 'application/json', 'idempotency-key': 'numbers-1' },
    })
    const stored = await response.text()
    expect(stored).toContain('"metadata":{"amount":9223372036854775807,"rate":2.50}')
    expect(await verifyEvent(parseAuditJson(stored), { trustedKeys: await pinnedKeys() })).toMatchObject({
      status: 'verified',
    })
  })

  it('normalises occurred_at to UTC milliseconds and defaults it to the ingest time', async () => {
    const shifted = (await (
      await post(eventBody({ occurred_at: '2026-11-20T12:00:00.123456+02:00' }))
    ).json()) as Record<string, string>
    expect(shifted.occurred_at).toBe('2026-11-20T10:00:00.123Z')
    const { occurred_at: _, ...withoutTime } = eventBody()
    const now = (await (await post(withoutTime)).json()) as Record<string, string>
    expect(now.occurred_at).toBe(now.ingested_at)
  })

  describe('idempotency', () => {
    it('returns the same event for the same key and body', async () => {
      const first = await post(eventBody({ org: 'idem' }), 'same-key')
      const again = await post(eventBody({ org: 'idem' }), 'same-key')
      expect([first.status, again.status]).toEqual([201, 200])
      expect(again.headers.get('idempotent-replayed')).toBe('true')
      expect(await again.text()).toBe(await first.text())
    })

    it('treats key order and whitespace as the same body', async () => {
      const body = eventBody({ org: 'idem' })
      await post(body, 'reordered')
      const reordered = Object.fromEntries(Object.entries(body).reverse())
      expect((await post(reordered, 'reordered')).status).toBe(200)
    })

    it('refuses the same key with a different body (409)', async () => {
      await post(eventBody({ org: 'idem' }), 'conflict-key')
      const response = await post(eventBody({ org: 'idem', action: 'invoice.voided' }), 'conflict-key')
      expect(response.status).toBe(409)
      expect(await response.json()).toEqual({ error: 'conflict', message: expect.stringMatching(/different body/) })
    })

    it('requires the Idempotency-Key header', async () => {
      const response = await post(eventBody(), null)
      expect(response.status).toBe(400)
      expect(((await response.json()) as { message: string }).message).toMatch(/Idempotency-Key/)
    })
  })

  describe('validation names the field', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['no org', { org: undefined }, /org .*required/],
      ['an action with capitals', { action: 'Invoice.Paid' }, /^action must be/],
      ['an action longer than 128 characters', { action: 'a'.repeat(129) }, /^action must be/],
      ['an empty action', { action: '' }, /^action must be/],
      ['an actor without id', { actor: { type: 'user' } }, /^actor\.id is required/],
      ['a target without type', { targets: [{ id: 'x' }] }, /^targets\[0\]\.type is required/],
      ['targets that are not an array', { targets: { id: 'x' } }, /^targets must be an array/],
      ['a bad occurred_at', { occurred_at: 'yesterday' }, /^occurred_at must be an RFC 3339/],
      [
        '51 metadata keys',
        { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 1])) },
        /at most 50/,
      ],
      ['a 41-character metadata key', { metadata: { ['k'.repeat(41)]: 1 } }, /longer than 40 characters/],
      ['a 501-character metadata value', { metadata: { note: 'x'.repeat(501) } }, /^metadata\.note is longer than 500/],
      ['metadata that is an array', { metadata: [1] }, /^metadata must be an object/],
      ['an unknown field', { colour: 'red' }, /^colour is not a field/],
      ['a lone surrogate', { metadata: { note: 'broken \ud800' } }, /^metadata\.note: .*lone UTF-16 surrogate/],
      ['an unknown org_id', { org: undefined, org_id: 'aorg_missing' }, /No org has id/],
    ]
    it.each(cases)('%s', async (_label, overrides, message) => {
      const response = await post(eventBody(overrides))
      expect([400, 404]).toContain(response.status)
      const body = (await response.json()) as { error: string; message: string }
      expect(body.message).toMatch(message)
    })

    it('accepts 50 metadata keys, a 40-character key and a 500-character value', async () => {
      const metadata: Record<string, unknown> = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, i]))
      metadata['k'.repeat(40)] = 1
      metadata.note = 'x'.repeat(500)
      expect((await post(eventBody({ metadata }))).status).toBe(201)
    })

    it('refuses a body over 64 KiB with 413', async () => {
      const response = await post(eventBody({ context: { blob: 'x'.repeat(70 * 1024) } }))
      expect(response.status).toBe(413)
      expect(await response.json()).toMatchObject({ error: 'payload_too_large' })
    })

    it('refuses a body that is not JSON, or not sent as JSON', async () => {
      const bad = await t.call('/v1/audit/events', {
        method: 'POST',
        body: '{"org":',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'bad-json' },
      })
      expect(bad.status).toBe(400)
      expect(((await bad.json()) as { message: string }).message).toMatch(/not valid JSON/)
      const form = await t.call('/v1/audit/events', {
        method: 'POST',
        body: 'org=acme',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'form' },
      })
      expect(form.status).toBe(415)
    })
  })
})
