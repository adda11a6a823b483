/**
 * Numbers and object keys at ingest, over real HTTP: what the ledger signs is the spelling both
 * of Invoance's verifiers (Python and Node) write back after parsing, and what no spelling
 * serves is a 400 naming the field (wire note §4.2, §4.3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LosslessNumber, parseAuditJson, stringifyAuditJson, verifyEvent } from '../../src/core/index.js'
import { startLedger, type TestLedger } from '../support/ledger.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { REFUSED, STORED } from '../support/number-spellings.js'
import { apiEvent, createSigner, seedFrom } from '../support/signing.js'

let t: TestLedger
beforeAll(async () => {
  t = await startLedger()
})
afterAll(() => t.close())

/** A placeholder value; its quoted form in the JSON text is replaced by a raw literal. */
const NUMBER = '@@number@@'
const NUMBER_TEXT = `"${NUMBER}"`

/**
 * An ingest body as Invoance's Python SDK 0.2.0 sends it (`org`, ms timestamp, `targets` always
 * present), with `literal` spliced in raw where `metadata` says `@@number@@`: JSON.stringify
 * cannot write `1.50` or `2e-7`, and the SDKs' own serialisers write such spellings.
 */
function rawBody(metadata: Record<string, unknown>, literal: string, org = 'numbers'): string {
  const body = {
    org,
    action: 'invoice.paid',
    occurred_at: '2026-11-20T10:00:00.000Z',
    actor: { type: 'user', id: 'user_1' },
    targets: [],
    metadata,
  }
  return JSON.stringify(body).replace(NUMBER_TEXT, literal)
}

let keys = 0
const postRaw = (text: string, key = `numbers-${++keys}`) =>
  t.call('/v1/audit/events', {
    method: 'POST',
    body: text,
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
  })

async function trustedKeys() {
  const { keys } = (await (await t.call('/v1/audit/keys')).json()) as {
    keys: { key_id: string; public_key: string; not_before: string; not_after: string | null }[]
  }
  return keys.map((k) => ({ publicKey: k.public_key, keyId: k.key_id, notBefore: k.not_before, notAfter: k.not_after }))
}

describe('number spellings at ingest', () => {
  it.each(STORED.map(([literal, stored]) => [short(literal), short(stored), literal, stored]))(
    'signs %s as %s, serves it so, and the event verifies',
    async (_literalShown, _storedShown, literal, stored) => {
      const response = await postRaw(rawBody({ v: NUMBER }, literal))
      expect(response.status).toBe(201)
      const text = await response.text()
      expect(text).toContain(`"metadata":{"v":${stored}}`)
      const event = parseAuditJson(text) as { id: string }
      const again = await (await t.call(`/v1/audit/events/${event.id}`)).text()
      // The ingest answer is the stored event led by event_id (what Invoance's examples read).
      expect(`{"event_id":${JSON.stringify(event.id)},${again.slice(1)}`).toBe(text)
      expect(await verifyEvent(parseAuditJson(again), { trustedKeys: await trustedKeys() })).toMatchObject({
        status: 'verified',
      })
    },
  )

  it.each(REFUSED.map(([literal, why]) => [short(literal), literal, why] as const))(
    'refuses %s with a 400 that names the field and says why',
    async (_shown, literal, why) => {
      const before = (await (await t.call('/v1/audit/orgs')).json()) as { orgs: unknown[] }
      const response = await postRaw(rawBody({ ratio: NUMBER }, literal, `refused-${keys}`))
      expect(response.status).toBe(400)
      const body = (await response.json()) as { error: string; message: string }
      expect(body.error).toBe('invalid_request')
      expect(body.message).toMatch(/^metadata\.ratio: \S+ has no spelling that both Invoance verifiers reproduce \(/)
      expect(body.message).toMatch(why)
      expect(body.message).toMatch(/send it as a string\.$/)
      expect(body.message.length).toBeLessThan(300)
      const after = (await (await t.call('/v1/audit/orgs')).json()) as { orgs: unknown[] }
      expect(after.orgs).toHaveLength(before.orgs.length)
    },
  )

  it('names the path of a number deep in actor, targets, context and arrays', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ actor: { type: 'user', id: 'u', metadata: { score: NUMBER } } }, 'actor.metadata.score'],
      [
        {
          targets: [
            { type: 't', id: 'a' },
            { type: 't', id: 'b', metadata: { w: NUMBER } },
          ],
        },
        'targets[1].metadata.w',
      ],
      [{ context: { geo: { lat: NUMBER } } }, 'context.geo.lat'],
      [{ metadata: { list: [1, 'x', NUMBER] } }, 'metadata.list[2]'],
    ]
    for (const [part, path] of cases) {
      const body = JSON.stringify({
        org: 'numbers',
        action: 'invoice.paid',
        actor: { type: 'user', id: 'user_1' },
        targets: [],
        ...part,
      }).replace(NUMBER_TEXT, '1e-7')
      const response = await postRaw(body)
      expect(response.status).toBe(400)
      expect(((await response.json()) as { message: string }).message).toMatch(new RegExp(`^${escape(path)}: 1e-7 `))
    }
  })

  it('normalises numbers in every part of the event, not only metadata', async () => {
    const body = JSON.stringify({
      org: 'numbers',
      action: 'invoice.paid',
      actor: { type: 'user', id: 'user_1', metadata: { score: NUMBER } },
      targets: [{ type: 'invoice', id: 'inv_1', metadata: { total: 1 } }],
      context: { location: '203.0.113.5', weight: 2 },
    })
      .replace(NUMBER_TEXT, '2.50')
      .replace('"total":1', '"total":10.0')
      .replace('"weight":2', '"weight":-0.0')
    const response = await postRaw(body)
    expect(response.status).toBe(201)
    const text = await response.text()
    expect(text).toContain('"actor":{"type":"user","id":"user_1","metadata":{"score":2.5}}')
    expect(text).toContain('"targets":[{"type":"invoice","id":"inv_1","metadata":{"total":10}}]')
    expect(text).toContain('"context":{"location":"203.0.113.5","weight":0}')
  })

  it('keeps the idempotency hash over the body as sent: a replay of 1.50 matches, 1.5 under that key is a 409', async () => {
    const first = await postRaw(rawBody({ v: NUMBER }, '1.50'), 'replay-1.50')
    expect(first.status).toBe(201)
    const stored = await first.text()
    expect(stored).toContain('"metadata":{"v":1.5}')
    const replay = await postRaw(rawBody({ v: NUMBER }, '1.50'), 'replay-1.50')
    expect(replay.status).toBe(200)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(await replay.text()).toBe(stored)
    const other = await postRaw(rawBody({ v: NUMBER }, '1.5'), 'replay-1.50')
    expect(other.status).toBe(409)
  })
})

describe('object keys at ingest', () => {
  const postMetadata = (metadata: string) =>
    postRaw(rawBody({ m: NUMBER }, '0').replace('"metadata":{"m":0}', `"metadata":${metadata}`))

  it.each([
    ['{"10":1,"9":2}', 'metadata', /integer-like keys \(9, 10\)/],
    ['{"-1":1,"1":2}', 'metadata', /integer-like keys \(1\)/],
    ['{"counts":{"b":1,"2":2,"a":3,"10":4}}', 'metadata.counts', /integer-like keys/],
    ['{"\uFF01":1,"\u{1F600}":2}', 'metadata', /by code point \(Python\) and by UTF-16 unit \(JavaScript\)/],
    ['{"x":[{"\uE000":1,"\u{10000}":2}]}', 'metadata.x[0]', /by code point \(Python\)/],
  ])('refuses %s with a 400 naming %s', async (metadata, path, why) => {
    const response = await postMetadata(metadata)
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: string; message: string }
    expect(body.error).toBe('invalid_request')
    expect(body.message.startsWith(`${path}: `)).toBe(true)
    expect(body.message).toMatch(why)
  })

  it.each([
    '{"0":1,"1":2,"a":3}',
    '{"9":1,"a":2,"b":3}',
    '{"4294967295":1,"a":2}',
    '{"a":1,"\u{1F600}":2,"é":3}',
    '{"\uFF01":1,"z":2}',
  ])('accepts %s, whose key order both verifiers share', async (metadata) => {
    const response = await postMetadata(metadata)
    expect(response.status).toBe(201)
    expect(await response.text()).toContain(`"metadata":${metadata}`)
  })
})

describe('the demo seed', () => {
  it('ingests over HTTP with every part served exactly as generated: its numbers already have the portable spelling', async () => {
    for (const e of generateEvents(150, { seed: 11, now: Date.parse('2026-11-20T00:00:00Z') })) {
      const sent = { actor: e.actor, targets: e.targets, context: e.context, metadata: e.metadata }
      const body = stringifyAuditJson({ org: 'seeded', action: e.action, occurred_at: e.occurredAt, ...sent })
      const response = await postRaw(body)
      expect(response.status).toBe(201)
      const served = parseAuditJson(await response.text()) as Record<string, unknown>
      const parts = (v: Record<string, unknown>) =>
        stringifyAuditJson({ actor: v.actor, targets: v.targets, context: v.context, metadata: v.metadata })
      expect(parts(served)).toBe(parts(sent))
    }
  })
})

describe('the verifier side', () => {
  // Normalising is the ledger's job at ingest; auditlens' verifier checks the bytes that were
  // signed, so events another signer made over other spellings keep verifying.
  const cases: [string, string, string | null][] = [
    ...STORED.map(([literal, stored]): [string, string, string | null] => [
      short(literal),
      literal,
      stored === literal ? null : stored,
    ]),
    ...REFUSED.map(([literal]): [string, string, string | null] => [short(literal), literal, null]),
  ]
  it.each(cases)(
    "verifies an event signed elsewhere over %s as spelled, and calls the ledger's respelling of it tampered",
    async (_shown, literal, respelling) => {
      const signer = createSigner(seedFrom(3), 'key_elsewhere')
      const text = stringifyAuditJson(signer.sign(apiEvent({ metadata: { v: new LosslessNumber(literal) } })))
      expect(text).toContain(`"v":${literal}`)
      const trustedKeys = [signer.publicKey]
      expect(await verifyEvent(parseAuditJson(text), { trustedKeys })).toMatchObject({ status: 'verified' })
      if (respelling !== null) {
        const respelled = parseAuditJson(text.replace(`"v":${literal}`, `"v":${respelling}`))
        expect(await verifyEvent(respelled, { trustedKeys })).toMatchObject({ status: 'tampered' })
      }
    },
  )
})

/** A literal as a test title shows it: the 4300-digit ones by their length. */
function short(literal: string): string {
  return literal.length > 30 ? `a ${literal.length}-digit integer` : literal
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
