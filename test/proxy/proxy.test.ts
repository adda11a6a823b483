import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KeyRing, parseAuditJson, parseKeysDocument, verifyEvents } from '../../src/core/index.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { createAuditProxy } from '../../src/proxy/proxy.js'
import { deriveKey } from '../../src/proxy/proxy-crypto.js'
import { DEV_KEY, startLedger, type TestLedger } from '../support/ledger.js'
import { PROXY_SECRET, serve, startProxy, stop, type TestProxy } from '../support/proxy.js'
import { splitExport } from '../support/ndjson.js'

let now = Date.parse('2026-11-20T12:00:00Z')
let ledger: TestLedger
let proxy: TestProxy
let orgA: string
let orgB: string
/** Every response the browser side saw, to prove the API key never appears in one. */
const seen: string[] = []

beforeAll(async () => {
  ledger = await startLedger()
  orgA = ledger.ledger.createOrg('acme', 'Acme').id
  orgB = ledger.ledger.createOrg('globex', 'Globex').id
  ledger.ledger.appendMany(orgA, [...generateEvents(120, { seed: 1 })])
  ledger.ledger.appendMany(orgB, [...generateEvents(40, { seed: 2 })])
  proxy = await startProxy({ now: () => now, rateLimit: { burst: 1000, perSecond: 1000 } }, ledger)
})
afterAll(async () => {
  await proxy.close()
  await ledger.close()
})

async function record(response: Response): Promise<Response> {
  const text = await response.clone().text()
  seen.push(text, JSON.stringify([...response.headers]))
  return response
}

async function tokenFor(org: string, scopes = 'audit:read,audit:export', headers: Record<string, string> = {}) {
  const response = await record(
    await fetch(`${proxy.url}/api/audit/token`, {
      method: 'POST',
      headers: { 'x-test-user': `${org}|user_1|${scopes}`, ...headers },
    }),
  )
  expect(response.status).toBe(200)
  return (await response.json()) as { token: string; expires_at: string; org_id: string; scopes: string[] }
}

async function get(path: string, token: string, init: RequestInit = {}) {
  return record(
    await fetch(`${proxy.url}/api/audit${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
    }),
  )
}

async function exportJob(token: string, format = 'ndjson', filters?: unknown) {
  const created = await get('/exports', token, {
    method: 'POST',
    body: JSON.stringify({ format, ...(filters ? { filters } : {}) }),
    headers: { 'content-type': 'application/json' },
  })
  expect(created.status).toBe(202)
  const { id } = (await created.json()) as { id: string }
  await ledger.ledger.exports.idle()
  return (await (await get(`/exports/${id}`, token)).json()) as {
    id: string
    status: string
    row_count: number
    download_url: string
  }
}

describe('POST /token', () => {
  it('mints a short-lived, org-scoped token for the signed-in user', async () => {
    const minted = await tokenFor(orgA)
    expect(minted).toEqual({
      token: expect.any(String),
      expires_at: new Date(now + 300_000).toISOString(),
      org_id: orgA,
      scopes: ['audit:read', 'audit:export'],
    })
    const claims = JSON.parse(Buffer.from(minted.token.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >
    expect(claims).toMatchObject({
      org: orgA,
      sub: 'user_1',
      aud: 'auditlens',
      scopes: ['audit:read', 'audit:export'],
      jti: expect.any(String),
    })
  })

  it('answers 401 when nobody is signed in, and 403 without audit:read', async () => {
    expect((await fetch(`${proxy.url}/api/audit/token`, { method: 'POST' })).status).toBe(401)
    const noRead = await fetch(`${proxy.url}/api/audit/token`, {
      method: 'POST',
      headers: { 'x-test-user': `${orgA}|u|billing:read` },
    })
    expect(noRead.status).toBe(403)
  })

  it.each([
    [{ origin: 'https://evil.example' }, /Origin https:\/\/evil\.example does not match the host .*127\.0\.0\.1:\d+/],
    [{ origin: 'null' }, /an Origin that is not an http\(s\) origin/],
    [{ 'sec-fetch-site': 'cross-site' }, /this request is cross-site \(Sec-Fetch-Site\)/],
    [{ 'sec-fetch-site': 'same-site' }, /this request is same-site \(Sec-Fetch-Site\)/],
    [{ 'sec-fetch-site': 'cross-site', origin: 'PROXY' }, /cross-site/],
  ])('refuses a cross-site request %j with 403', async (headers: Record<string, string>, message) => {
    const response = await fetch(`${proxy.url}/api/audit/token`, {
      method: 'POST',
      headers: {
        'x-test-user': `${orgA}|u|audit:read`,
        ...headers,
        ...(headers.origin === 'PROXY' ? { origin: proxy.url } : {}),
      },
    })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({ error: 'forbidden', message: expect.stringMatching(message) })
  })

  it('accepts a same-origin request that says so', async () => {
    await tokenFor(orgA, 'audit:read', { origin: proxy.url, 'sec-fetch-site': 'same-origin' })
  })
})

describe('tokens', () => {
  const tokenKey = () => deriveKey(new TextEncoder().encode(PROXY_SECRET), 'tokens')
  const forged = async (claims: Record<string, unknown>, audience = 'auditlens') =>
    new SignJWT({ org: orgA, scopes: ['audit:read'], ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setJti('j')
      .setAudience(audience)
      .setExpirationTime(Math.floor(now / 1000) + 60)
      .sign(await tokenKey())

  it('are refused once expired (by the proxy’s clock)', async () => {
    const { token } = await tokenFor(orgA)
    expect((await get('/events?limit=1', token)).status).toBe(200)
    now += 301_000
    const late = await get('/events?limit=1', token)
    expect(late.status).toBe(401)
    expect(late.headers.get('www-authenticate')).toMatch(/^Bearer/)
  })

  it.each([
    [
      'tampered',
      async () => {
        const { token } = await tokenFor(orgA)
        const [h, p, s] = token.split('.')
        const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>
        return [h, Buffer.from(JSON.stringify({ ...payload, org: orgB })).toString('base64url'), s].join('.')
      },
    ],
    ['for another audience', () => forged({}, 'someone-else')],
    [
      'alg none',
      async () => {
        const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
        return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ org: orgA, scopes: ['audit:read'], sub: 'u', jti: 'j', aud: 'auditlens', exp: 9e9 })}.`
      },
    ],
    ['missing', async () => ''],
  ])('are refused when %s', async (_label, make) => {
    expect((await get('/events', await make())).status).toBe(401)
  })

  it('accept a genuine token made with the same key (the forgery helper is sound)', async () => {
    expect((await get('/events?limit=1', await forged({}))).status).toBe(200)
  })
})

describe('tenant isolation: org A’s token never reaches org B', () => {
  let a: string
  let b: string
  let bEvent: string
  beforeAll(async () => {
    a = (await tokenFor(orgA)).token
    b = (await tokenFor(orgB)).token
    bEvent = ((await (await get('/events?limit=1', b)).json()) as { events: { id: string }[] }).events[0]!.id
  })

  it('lists only the token’s org, paging through every event once', async () => {
    const ids: string[] = []
    let cursor: string | null = null
    do {
      const page = (await (
        await get(`/events?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, a)
      ).json()) as {
        events: { id: string; org_id: string }[]
        next_cursor: string | null
      }
      expect(page.events.every((e) => e.org_id === orgA)).toBe(true)
      ids.push(...page.events.map((e) => e.id))
      cursor = page.next_cursor
    } while (cursor)
    expect(new Set(ids).size).toBe(120)
  })

  it('by event id: 404, exactly as for an id that does not exist', async () => {
    const other = await get(`/events/${bEvent}`, a)
    const unknown = await get('/events/aevt_does_not_exist', a)
    expect([other.status, unknown.status]).toEqual([404, 404])
    expect(await other.json()).toEqual({ error: 'not_found', message: `No event has id "${bEvent}".` })
    expect((await get(`/events/${bEvent}`, b)).status).toBe(200)
  })

  it('by query parameter: org_id and organization_id are refused, not forwarded', async () => {
    for (const name of ['org_id', 'organization_id']) {
      const response = await get(`/events?${name}=${orgB}`, a)
      expect(response.status).toBe(400)
      expect(((await response.json()) as { message: string }).message).toMatch(/org comes from your session/)
    }
  })

  it('by cursor: B’s cursor, or an edited one, is refused', async () => {
    const bPage = (await (await get('/events?limit=5', b)).json()) as { next_cursor: string }
    expect((await get(`/events?cursor=${encodeURIComponent(bPage.next_cursor)}`, a)).status).toBe(400)
    const aPage = (await (await get('/events?limit=5', a)).json()) as { next_cursor: string }
    const edited = aPage.next_cursor.slice(0, -3) + (aPage.next_cursor.endsWith('AAA') ? 'BBB' : 'AAA')
    expect((await get(`/events?cursor=${encodeURIComponent(edited)}`, a)).status).toBe(400)
  })

  it('by export id and by download link', async () => {
    const bJob = await exportJob(b)
    expect(bJob.status).toBe('ready')
    const poll = await get(`/exports/${bJob.id}`, a)
    expect(poll.status).toBe(404)
    const aJob = await exportJob(a)
    const retargeted = aJob.download_url.replace(aJob.id, bJob.id)
    expect((await record(await fetch(new URL(retargeted, proxy.url)))).status).toBe(403)
  })

  it('never takes a list cursor for an export id', async () => {
    const page = (await (await get('/events?limit=5', a)).json()) as { next_cursor: string }
    expect((await get(`/exports/${encodeURIComponent(page.next_cursor)}`, a)).status).toBe(404)
  })

  it('refuses a request path that names another host ("//evil.example/...")', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${proxy.url}/api/audit/token`,
        {
          method: 'POST',
          path: '//evil.example/api/audit/token',
          headers: { origin: 'http://evil.example', 'x-test-user': `${orgA}|u|audit:read` },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode!)
        },
      )
      req.on('error', reject)
      req.end()
    })
    expect(status).not.toBe(200)
  })

  it('answers 400, not 500, for a malformed escape in an event id', async () => {
    const response = await get('/events/%E0%A4%A', a)
    expect(response.status).toBe(400)
  })

  it('refuses unknown query parameters and validates the rest', async () => {
    expect((await get('/events?colour=red', a)).status).toBe(400)
    expect((await get('/events?limit=500', a)).status).toBe(400)
    expect((await get('/events?actions=Not%20Valid', a)).status).toBe(400)
  })

  it('refuses a repeated parameter, which the check could read one way and the upstream another', async () => {
    for (const query of ['actions=invoice.paid&actions=', 'actor_id=u1&actor_id=u2', 'limit=1&limit=500']) {
      const response = await get(`/events?${query}`, a)
      expect(response.status, query).toBe(400)
      expect(((await response.json()) as { message: string }).message).toMatch(/given more than once/)
    }
  })
})

describe('exports through the proxy', () => {
  it('need the audit:export scope', async () => {
    const { token } = await tokenFor(orgA, 'audit:read')
    const response = await get('/exports', token, {
      method: 'POST',
      body: '{"format":"csv"}',
      headers: { 'content-type': 'application/json' },
    })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({
      error: 'forbidden',
      message: 'Your session does not include audit:export.',
    })
  })

  it('stream an NDJSON file whose every line verifies against the proxy’s /keys', async () => {
    const { token } = await tokenFor(orgA)
    const job = await exportJob(token, 'ndjson', { actions: ['user.signed_in'] })
    expect(job.row_count).toBeGreaterThan(0)
    const file = await record(await fetch(new URL(job.download_url, proxy.url)))
    expect(file.status).toBe(200)
    expect(file.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-log-aorg_\w+-\d{4}-\d\d-\d\d\.ndjson"$/,
    )
    expect(file.headers.get('content-type')).toBe('application/x-ndjson')
    const { lines, trailer } = splitExport(await file.text())
    expect(lines).toHaveLength(job.row_count)
    // A filtered export: the trailer proves each event is in the checkpoint's tree.
    expect(Object.keys(trailer!.inclusion as object)).toHaveLength(job.row_count)
    const keys = new KeyRing(parseKeysDocument(await (await get('/keys', token)).json()))
    const results = await verifyEvents(
      lines.map((l) => parseAuditJson(l)),
      { trustedKeys: keys },
    )
    expect(results.every((r) => r.status === 'verified')).toBe(true)
  })

  it('give short-lived links that expire', async () => {
    const { token } = await tokenFor(orgA)
    const job = await exportJob(token, 'csv')
    now += 61_000
    const late = await fetch(new URL(job.download_url, proxy.url))
    expect(late.status).toBe(403)
    expect(((await late.json()) as { message: string }).message).toMatch(/expired/)
  })

  it('redirect to the upstream’s presigned URL when downloads is "redirect"', async () => {
    const redirecting = await startProxy({ downloads: 'redirect', now: () => now }, ledger)
    try {
      const minted = await fetch(`${redirecting.url}/api/audit/token`, {
        method: 'POST',
        headers: { 'x-test-user': `${orgA}|u|audit:read,audit:export` },
      })
      const { token } = (await minted.json()) as { token: string }
      const created = await fetch(`${redirecting.url}/api/audit/exports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"format":"csv"}',
      })
      const { id } = (await created.json()) as { id: string }
      await ledger.ledger.exports.idle()
      const job = (await (
        await fetch(`${redirecting.url}/api/audit/exports/${id}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        download_url: string
      }
      const response = await fetch(new URL(job.download_url, redirecting.url), { redirect: 'manual' })
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toMatch(
        new RegExp(`^${ledger.url}/v1/audit/exports/aexp_\\w+/download\\?expires=`),
      )
    } finally {
      await redirecting.close()
    }
  })
})

describe('the upstream API key', () => {
  it('never appears in any response body or header the browser saw', () => {
    expect(seen.length).toBeGreaterThan(40)
    for (const text of seen) expect(text).not.toContain(DEV_KEY)
  })
})

describe('when the upstream misbehaves', () => {
  async function proxyTo(baseUrl: string, timeoutMs = 300) {
    return startProxy({ upstream: { baseUrl, apiKey: DEV_KEY, timeoutMs } }, ledger)
  }
  async function list(p: TestProxy) {
    const minted = await fetch(`${p.url}/api/audit/token`, {
      method: 'POST',
      headers: { 'x-test-user': `${orgA}|u|audit:read` },
    })
    const { token } = (await minted.json()) as { token: string }
    return fetch(`${p.url}/api/audit/events`, { headers: { authorization: `Bearer ${token}` } })
  }

  it('answers 502 when it cannot be reached', async () => {
    const { server, url } = await serve(async () => new Response('unused'))
    await stop(server)
    const p = await proxyTo(url)
    try {
      const response = await list(p)
      expect(response.status).toBe(502)
      expect(await response.json()).toEqual({
        error: 'bad_gateway',
        message: 'The audit API could not be reached; try again shortly.',
      })
    } finally {
      await p.close()
    }
  })

  it('answers 504 when it is too slow', async () => {
    const slow = await serve(
      () => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response('{}')), 2000)),
    )
    const p = await proxyTo(slow.url, 200)
    try {
      const response = await list(p)
      expect(response.status).toBe(504)
      expect(await response.json()).toMatchObject({ error: 'gateway_timeout' })
    } finally {
      await p.close()
      await stop(slow.server)
    }
  })

  it('answers 504 when the upstream stalls in the middle of its answer', async () => {
    const stalled = await serve(
      async () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"events":['))
            },
          }),
          { headers: { 'content-type': 'application/json' } },
        ),
    )
    const p = await proxyTo(stalled.url, 300)
    try {
      const response = await list(p)
      expect(response.status).toBe(504)
    } finally {
      await p.close()
      await stop(stalled.server)
    }
  })

  it('streams a download that takes longer than the upstream deadline', async () => {
    const slowFile = await serve(async (request) => {
      const url = new URL(request.url)
      if (url.pathname === '/v1/audit/exports') {
        return new Response(
          JSON.stringify({ id: 'aexp_slow', org_id: orgA, format: 'ndjson', status: 'queued', row_count: 0 }),
        )
      }
      if (url.pathname === '/v1/audit/exports/aexp_slow') {
        return new Response(
          JSON.stringify({
            id: 'aexp_slow',
            org_id: orgA,
            format: 'ndjson',
            status: 'ready',
            row_count: 3,
            download_url: `${url.origin}/v1/file`,
          }),
        )
      }
      let sent = 0
      return new Response(
        new ReadableStream({
          async pull(controller) {
            await new Promise((resolve) => setTimeout(resolve, 150))
            if (sent++ < 3) controller.enqueue(new TextEncoder().encode(`{"line":${sent}}\n`))
            else controller.close()
          },
        }),
      )
    })
    const p = await startProxy({ upstream: { baseUrl: slowFile.url, apiKey: DEV_KEY, timeoutMs: 300 } }, ledger)
    try {
      const minted = await fetch(`${p.url}/api/audit/token`, {
        method: 'POST',
        headers: { 'x-test-user': `${orgA}|u|audit:read,audit:export` },
      })
      const { token } = (await minted.json()) as { token: string }
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
      const created = (await (
        await fetch(`${p.url}/api/audit/exports`, { method: 'POST', headers: auth, body: '{"format":"ndjson"}' })
      ).json()) as { id: string }
      const job = (await (await fetch(`${p.url}/api/audit/exports/${created.id}`, { headers: auth })).json()) as {
        download_url: string
      }
      const file = await fetch(new URL(job.download_url, p.url))
      expect(await file.text()).toBe('{"line":1}\n{"line":2}\n{"line":3}\n')
    } finally {
      await p.close()
      await stop(slowFile.server)
    }
  })

  it.each([
    ['garbage', () => new Response('<html>oops</html>', { status: 200 })],
    [
      'a 500 with its own key in the message',
      () => new Response(JSON.stringify({ message: `bad key ${DEV_KEY}` }), { status: 500 }),
    ],
    ['a 401 for the proxy’s key', () => new Response('{"error":"unauthorized"}', { status: 401 })],
  ])('answers 502 for %s, without passing the body on', async (_label, answer) => {
    const odd = await serve(async () => answer())
    const p = await proxyTo(odd.url)
    try {
      const response = await list(p)
      expect(response.status).toBe(502)
      const text = await response.text()
      expect(text).not.toContain(DEV_KEY)
      expect(JSON.parse(text)).toMatchObject({ error: 'bad_gateway' })
    } finally {
      await p.close()
      await stop(odd.server)
    }
  })
})

describe('rate limit and options', () => {
  it('answers 429 with Retry-After once a user exceeds their budget, which a new token does not reset', async () => {
    const limited = await startProxy({ rateLimit: { burst: 4, perSecond: 0.5 } }, ledger)
    try {
      const mint = async () => {
        const minted = await fetch(`${limited.url}/api/audit/token`, {
          method: 'POST',
          headers: { 'x-test-user': `${orgA}|u|audit:read` },
        })
        return minted.status === 200 ? ((await minted.json()) as { token: string }).token : String(minted.status)
      }
      const token = await mint() // 1 of 4
      const statuses: number[] = []
      let retryAfter: string | null = null
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${limited.url}/api/audit/keys`, { headers: { authorization: `Bearer ${token}` } })
        statuses.push(response.status)
        retryAfter ??= response.headers.get('retry-after')
      }
      expect(statuses).toEqual([200, 200, 200])
      expect(await mint()).toBe('429')
      const again = await fetch(`${limited.url}/api/audit/keys`, { headers: { authorization: `Bearer ${token}` } })
      expect(again.status).toBe(429)
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect(retryAfter).toBeNull()
    } finally {
      await limited.close()
    }
  })

  it('refuses weak configuration at startup', () => {
    const base = { upstream: { baseUrl: 'http://127.0.0.1:1', apiKey: 'k' }, authorize: () => null }
    expect(() => createAuditProxy({ ...base, secret: 'short' })).toThrowError(/at least 32 bytes/)
    expect(() => createAuditProxy({ ...base, secret: PROXY_SECRET, tokenTtlSeconds: 3600 })).toThrowError(/30 to 900/)
    expect(() =>
      createAuditProxy({ ...base, secret: PROXY_SECRET, upstream: { baseUrl: 'api.invoance.com', apiKey: 'k' } }),
    ).toThrowError(/http\(s\) origin/)
  })
})
