/**
 * What the browser sees when the audit API answers with an error: the proxy's own code and
 * message, chosen by status, and never a word or header of the upstream's. Fake upstreams on
 * 127.0.0.1 give the answers; the proxy runs for real in front of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEV_KEY, startLedger, type TestLedger } from '../support/ledger.js'
import { mintToken, serve, startProxy, stop } from '../support/proxy.js'

let ledger: TestLedger
let org: string
beforeAll(async () => {
  ledger = await startLedger()
  org = ledger.ledger.createOrg('acme', 'Acme').id
})
afterAll(() => ledger.close())

/** The browser's view of GET /events through a proxy whose upstream always gives `answer`. */
async function listThrough(answer: () => Response): Promise<{ status: number; headers: Headers; text: string }> {
  const upstream = await serve(async () => answer())
  const proxy = await startProxy({ upstream: { baseUrl: upstream.url, apiKey: DEV_KEY, timeoutMs: 2000 } }, ledger)
  try {
    const token = await mintToken(proxy.url, `${org}|u|audit:read`)
    const response = await fetch(`${proxy.url}/api/audit/events`, { headers: { authorization: `Bearer ${token}` } })
    return { status: response.status, headers: response.headers, text: await response.text() }
  } finally {
    await proxy.close()
    await stop(upstream.server)
  }
}

const keyForms = [
  DEV_KEY,
  DEV_KEY.toUpperCase(),
  Buffer.from(DEV_KEY).toString('base64'),
  Buffer.from(DEV_KEY).toString('base64url'),
  encodeURIComponent(DEV_KEY).replaceAll('_', '%5F'),
  Buffer.from(DEV_KEY).toString('hex'),
]

describe('upstream errors reach the browser as our own messages', () => {
  it.each([
    [400, 'invalid_request', 'The audit API refused this request as invalid.'],
    [404, 'not_found', 'The audit API has no such item.'],
    [409, 'conflict', 'The audit API refused this request as a conflict with an earlier one; start again.'],
    [413, 'payload_too_large', 'This request is too large for the audit API.'],
  ])(
    'an upstream %i carrying the API key in several encodings gives %s with a fixed message',
    async (status, code, message) => {
      const upstreamMessage = `key ${keyForms.join(' / ')} lacks scope; internal host db-7.corp`
      const answer = await listThrough(
        () =>
          new Response(JSON.stringify({ error: 'x', message: upstreamMessage }), {
            status,
            headers: { 'x-upstream-secret': DEV_KEY, 'set-cookie': 'upstream=1' },
          }),
      )
      expect(answer.status).toBe(status)
      expect(JSON.parse(answer.text)).toEqual({ error: code, message })
      for (const form of [...keyForms, 'db-7.corp', 'lacks scope']) expect(answer.text).not.toContain(form)
      expect(answer.headers.get('x-upstream-secret')).toBeNull()
      expect(answer.headers.get('set-cookie')).toBeNull()
    },
  )

  it('an arbitrary upstream message never reaches the browser, whatever the status', async () => {
    for (const status of [400, 418, 500, 503]) {
      const answer = await listThrough(
        () => new Response(JSON.stringify({ message: 'Hello from upstream <script>x()</script>' }), { status }),
      )
      expect(answer.text).not.toContain('Hello from upstream')
      expect(JSON.parse(answer.text)).toEqual(expect.objectContaining({ error: expect.any(String) }))
    }
  })

  it.each([
    ['7', '7'],
    ['999999', '3600'],
    ['0', '1'],
    ['<script>alert(1)</script>', '5'],
    ['Wed, 21 Oct 2026 07:28:00 GMT', '5'],
  ])('a 429 with Retry-After %j is answered with Retry-After %s of our own', async (upstreamValue, ours) => {
    const answer = await listThrough(
      () => new Response('{"message":"slow down"}', { status: 429, headers: { 'retry-after': upstreamValue } }),
    )
    expect(answer.status).toBe(429)
    expect(answer.headers.get('retry-after')).toBe(ours)
    expect(JSON.parse(answer.text)).toEqual({
      error: 'rate_limited',
      message: 'The audit API is rate limiting; retry shortly.',
    })
  })
})

describe('the trusted keys cache', () => {
  it('refetches when the clock has stepped back, instead of keeping the keys for as long as the step', async () => {
    let fetches = 0
    const upstream = await serve(async (request) => {
      if (new URL(request.url).pathname !== '/v1/audit/keys') return new Response('{}', { status: 404 })
      fetches++
      return Response.json({ keys: [{ key_id: `k${fetches}`, public_key: 'ab'.repeat(32) }] })
    })
    let now = Date.parse('2026-11-20T12:00:00Z')
    const proxy = await startProxy(
      { upstream: { baseUrl: upstream.url, apiKey: DEV_KEY }, now: () => now, keysCacheSeconds: 300 },
      ledger,
    )
    try {
      const token = await mintToken(proxy.url, `${org}|u|audit:read`)
      const keys = async () =>
        (
          (await (
            await fetch(`${proxy.url}/api/audit/keys`, { headers: { authorization: `Bearer ${token}` } })
          ).json()) as {
            keys: { key_id: string }[]
          }
        ).keys[0]!.key_id
      expect([await keys(), await keys()]).toEqual(['k1', 'k1'])
      now -= 86_400_000
      expect(await keys()).toBe('k2')
    } finally {
      await proxy.close()
      await stop(upstream.server)
    }
  })
})

describe('the key list from the upstream', () => {
  const key = {
    key_id: 'key_1',
    algorithm: 'Ed25519',
    public_key: 'ab'.repeat(32),
    not_before: '2026-01-01T00:00:00Z',
    not_after: null,
  }
  async function keysThrough(document: unknown) {
    const upstream = await serve(async () => Response.json(document))
    const proxy = await startProxy({ upstream: { baseUrl: upstream.url, apiKey: DEV_KEY } }, ledger)
    try {
      const token = await mintToken(proxy.url, `${org}|u|audit:read`)
      const response = await fetch(`${proxy.url}/api/audit/keys`, { headers: { authorization: `Bearer ${token}` } })
      return { status: response.status, body: (await response.json()) as unknown }
    } finally {
      await proxy.close()
      await stop(upstream.server)
    }
  }

  it('is served with the five known fields of each key and nothing else', async () => {
    const answer = await keysThrough({
      keys: [{ ...key, note: '<img src=x onerror=alert(1)>', trusted: true }],
      debug: DEV_KEY,
    })
    expect(answer).toEqual({ status: 200, body: { keys: [key] } })
  })

  it.each([
    ['null', null],
    ['no list', { keys: 'all of them' }],
    ['a key that is not hex', { keys: [{ ...key, public_key: 'not-hex' }] }],
    ['another algorithm', { keys: [{ ...key, algorithm: 'RS256' }] }],
    ['a number for a date', { keys: [{ ...key, not_after: 5 }] }],
    ['an odd key id', { keys: [{ ...key, key_id: '<b>' }] }],
  ])('answers 502 for %s', async (_label, document) => {
    expect(await keysThrough(document)).toEqual({
      status: 502,
      body: { error: 'bad_gateway', message: 'The audit API answered with a key list that makes no sense.' },
    })
  })
})
