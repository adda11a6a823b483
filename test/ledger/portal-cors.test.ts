/**
 * CORS on the portal API, which Invoance's viewer calls from the embedding page's origin
 * (wire note §2.7), and on nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { raw } from '../support/raw-http.js'
import { startLedger, type TestLedger } from '../support/ledger.js'

const PAGE = 'http://localhost:5173'

/** A preflight exactly as Chromium sends it before the viewer's `GET /portal/events` with a bearer token. */
function chromiumPreflight(base: string, path: string, origin = PAGE, method = 'GET') {
  const { host } = new URL(base)
  return raw(
    base,
    [
      `OPTIONS ${path} HTTP/1.1`,
      `Host: ${host}`,
      'Connection: close',
      'Accept: */*',
      `Access-Control-Request-Method: ${method}`,
      'Access-Control-Request-Headers: authorization',
      `Origin: ${origin}`,
      'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Sec-Fetch-Mode: cors',
      'Sec-Fetch-Site: cross-site',
      'Sec-Fetch-Dest: empty',
      `Referer: ${origin}/`,
      'Accept-Encoding: gzip, deflate, br, zstd',
      'Accept-Language: en-US,en;q=0.9',
      '',
      '',
    ].join('\r\n'),
  )
}

const header = (head: string, name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(head)?.[1]

describe('with the default origins (*)', () => {
  let t: TestLedger
  beforeAll(async () => {
    t = await startLedger()
  })
  afterAll(() => t.close())

  it('answers a Chromium preflight on a portal endpoint with 204 and the CORS headers', async () => {
    for (const [path, method] of [
      ['/v1/audit/portal/events?limit=50', 'GET'],
      ['/v1/audit/portal/exchange', 'POST'],
      ['/v1/audit/portal/streams/ast_1', 'DELETE'],
    ] as const) {
      const answer = await chromiumPreflight(t.url, path, PAGE, method)
      expect(answer.status).toBe(204)
      expect(header(answer.head, 'access-control-allow-origin')).toBe('*')
      expect(header(answer.head, 'access-control-allow-methods')).toBe('get, post, delete, options')
      expect(header(answer.head, 'access-control-allow-headers')).toBe('authorization, content-type')
      expect(header(answer.head, 'access-control-max-age')).toBe('600')
      expect(header(answer.head, 'access-control-allow-credentials')).toBeUndefined()
    }
  })

  it('keeps OPTIONS a 405 without CORS headers on API-key endpoints', async () => {
    for (const path of ['/v1/audit/events', '/v1/audit/portal_sessions', '/v1/audit/orgs']) {
      const answer = await chromiumPreflight(t.url, path)
      expect(answer.status).toBe(405)
      expect(answer.head).not.toMatch(/access-control-/)
    }
    const list = await t.call('/v1/audit/orgs', { headers: { origin: PAGE } })
    expect(list.status).toBe(200)
    expect([...list.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([])
  })

  it('puts allow-origin and exposes Retry-After on portal errors: 400, 401, 403 and 404', async () => {
    const org = t.ledger.createOrg('acme', null).id
    const created = (await (
      await t.call('/v1/audit/portal_sessions', { method: 'POST', json: { org_id: org, intent: 'log_streams' } })
    ).json()) as { token: string }
    const exchanged = await fetch(`${t.url}/v1/audit/portal/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PAGE },
      body: JSON.stringify({ token: created.token }),
    })
    expect(exchanged.status).toBe(200)
    const jwt = ((await exchanged.json()) as { token: string }).token
    const answers = [
      exchanged,
      await fetch(`${t.url}/v1/audit/portal/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: PAGE },
        body: '{}',
      }),
      await fetch(`${t.url}/v1/audit/portal/events`, { headers: { origin: PAGE } }),
      await fetch(`${t.url}/v1/audit/portal/events`, { headers: { origin: PAGE, authorization: `Bearer ${jwt}` } }),
      await fetch(`${t.url}/v1/audit/portal/nothing`, { headers: { origin: PAGE } }),
    ]
    expect(answers.map((r) => r.status)).toEqual([200, 400, 401, 403, 404])
    for (const answer of answers) {
      expect(answer.headers.get('access-control-allow-origin')).toBe('*')
      expect(answer.headers.get('access-control-expose-headers')).toBe('Retry-After')
    }
  })
})

describe('with an allow-list', () => {
  let t: TestLedger
  beforeAll(async () => {
    t = await startLedger({ portal: { corsOrigins: [PAGE, 'https://app.example'] } })
  })
  afterAll(() => t.close())

  it('echoes a listed origin, with Vary: Origin', async () => {
    const answer = await chromiumPreflight(t.url, '/v1/audit/portal/org', 'https://app.example')
    expect(answer.status).toBe(204)
    expect(header(answer.head, 'access-control-allow-origin')).toBe('https://app.example')
    expect(header(answer.head, 'vary')).toBe('origin')
    const org = await fetch(`${t.url}/v1/audit/portal/org`, { headers: { origin: PAGE } })
    expect(org.status).toBe(401)
    expect(org.headers.get('access-control-allow-origin')).toBe(PAGE)
  })

  it('refuses the preflight of an origin not on the list, and gives its requests no allow-origin', async () => {
    const answer = await chromiumPreflight(t.url, '/v1/audit/portal/org', 'https://evil.example')
    expect(answer.status).toBe(403)
    expect(answer.head).not.toMatch(/access-control-allow-origin/)
    expect(answer.body).toMatch(/"error":"forbidden"/)
    const org = await fetch(`${t.url}/v1/audit/portal/org`, { headers: { origin: 'https://evil.example' } })
    expect(org.headers.get('access-control-allow-origin')).toBeNull()
    expect(org.headers.get('vary')).toBe('Origin')
  })
})

describe('with CORS off (corsOrigins: [])', () => {
  it('answers portal OPTIONS with 405 and no CORS headers, as before', async () => {
    const t = await startLedger({ portal: { corsOrigins: [] } })
    try {
      const answer = await chromiumPreflight(t.url, '/v1/audit/portal/events')
      expect(answer.status).toBe(405)
      expect(answer.head).not.toMatch(/access-control-/)
    } finally {
      await t.close()
    }
  })
})

describe('portal settings', () => {
  it('refuse an origin that is not scheme://host[:port], and a viewer url with a fragment', async () => {
    await expect(startLedger({ portal: { corsOrigins: ['https://app.example/'] } })).rejects.toThrow(/CORS origin/)
    await expect(startLedger({ portal: { url: 'https://viewer.example/#x' } })).rejects.toThrow(/fragment/)
    await expect(startLedger({ portal: { url: 'javascript:alert(1)' } })).rejects.toThrow(/http/)
  })
})
