/**
 * Exports through the proxy, against fake upstreams on 127.0.0.1 that misbehave on purpose:
 * a download answered as inline HTML, job fields with hostile text, and a recorder that shows
 * exactly what the proxy sent upstream.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEV_KEY, startLedger, type TestLedger } from '../support/ledger.js'
import { mintToken, serve, startProxy, stop, type TestProxy } from '../support/proxy.js'

let now = Date.parse('2026-11-20T12:00:00Z')
let ledger: TestLedger
let org: string
beforeAll(async () => {
  ledger = await startLedger()
  org = ledger.ledger.createOrg('acme', 'Acme').id
})
afterAll(() => ledger.close())

interface Sent {
  path: string
  headers: Headers
  body: string
}
let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup.reverse()) await step()
  cleanup = []
})

/**
 * A proxy in front of a fake audit API whose export job is `job` (merged over a ready job of
 * `org`) and whose file answers with `file`. Every request the proxy made is in `sent`.
 */
async function fakeExportApi(
  job: Record<string, unknown> = {},
  file: () => Response = () => new Response('a,b\r\n'),
  options: { downloads?: 'redirect' | 'stream' } = {},
) {
  const sent: Sent[] = []
  const upstream = await serve(async (request) => {
    const url = new URL(request.url)
    sent.push({ path: url.pathname + url.search, headers: request.headers, body: await request.text() })
    if (url.pathname === '/v1/audit/exports' || url.pathname === '/v1/audit/exports/aexp_1') {
      return Response.json({
        id: 'aexp_1',
        org_id: org,
        format: 'csv',
        status: 'ready',
        row_count: 1,
        error: null,
        download_url: `${url.origin}/v1/file`,
        ...job,
      })
    }
    return file()
  })
  const proxy: TestProxy = await startProxy(
    { upstream: { baseUrl: upstream.url, apiKey: DEV_KEY }, now: () => now, ...options },
    ledger,
  )
  cleanup.push(
    () => stop(upstream.server),
    () => proxy.close(),
  )
  const token = await mintToken(proxy.url, `${org}|user_1|audit:read,audit:export`)
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${proxy.url}/api/audit/exports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const poll = async (id: string) =>
    fetch(`${proxy.url}/api/audit/exports/${id}`, { headers: { authorization: `Bearer ${token}` } })
  return { sent, proxy, post, poll, upstreamUrl: upstream.url }
}

describe('export downloads', () => {
  it('are always an attachment of the requested format, whatever the upstream file says', async () => {
    const api = await fakeExportApi(
      { format: 'html' },
      () =>
        new Response('<script>fetch("/api/audit/token",{method:"POST"})</script>', {
          headers: {
            'content-type': 'text/html',
            'content-disposition': 'inline',
            'content-length': '57',
            'x-upstream': 'yes',
            'set-cookie': 'upstream=1',
            'access-control-allow-origin': '*',
          },
        }),
    )
    const created = (await (await api.post({ format: 'ndjson' })).json()) as { id: string; format: string }
    expect(created.format).toBe('ndjson')
    const job = (await (await api.poll(created.id)).json()) as { download_url: string; format: string }
    expect(job.format).toBe('ndjson')
    const file = await fetch(new URL(job.download_url, api.proxy.url))
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('application/x-ndjson')
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="audit-log-${org}-2026-11-20.ndjson"`)
    expect(file.headers.get('x-content-type-options')).toBe('nosniff')
    expect(file.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
    expect(file.headers.get('cache-control')).toBe('private, no-store')
    for (const name of ['x-upstream', 'set-cookie', 'access-control-allow-origin']) {
      expect(file.headers.get(name), name).toBeNull()
    }
  })

  it('of a CSV export are text/csv', async () => {
    const api = await fakeExportApi({}, () => new Response('a\r\n', { headers: { 'content-type': 'text/html' } }))
    const created = (await (await api.post({ format: 'csv' })).json()) as { id: string }
    const job = (await (await api.poll(created.id)).json()) as { download_url: string }
    const file = await fetch(new URL(job.download_url, api.proxy.url))
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-log-[\w-]+\.csv"$/)
  })

  it('in redirect mode go only to the upstream’s own origin, without a Referer', async () => {
    const api = await fakeExportApi({ download_url: 'https://evil.example/file' }, undefined, { downloads: 'redirect' })
    const created = (await (await api.post({ format: 'csv' })).json()) as { id: string }
    const job = (await (await api.poll(created.id)).json()) as { download_url: string }
    const response = await fetch(new URL(job.download_url, api.proxy.url), { redirect: 'manual' })
    expect(response.status).toBe(502)
    expect(response.headers.get('location')).toBeNull()
    expect(await response.json()).toEqual({
      error: 'bad_gateway',
      message: 'The audit API returned a download link elsewhere.',
    })

    const good = await fakeExportApi({}, undefined, { downloads: 'redirect' })
    const createdGood = (await (await good.post({ format: 'csv' })).json()) as { id: string }
    const goodJob = (await (await good.poll(createdGood.id)).json()) as { download_url: string }
    const redirect = await fetch(new URL(goodJob.download_url, good.proxy.url), { redirect: 'manual' })
    expect(redirect.status).toBe(302)
    expect(redirect.headers.get('location')).toBe(`${good.upstreamUrl}/v1/file`)
    expect(redirect.headers.get('referrer-policy')).toBe('no-referrer')
  })
})

describe('download links', () => {
  it('are refused once the clock has stepped back past their lifetime, instead of living as long as the step', async () => {
    const api = await fakeExportApi()
    const created = (await (await api.post({ format: 'csv' })).json()) as { id: string }
    const job = (await (await api.poll(created.id)).json()) as { download_url: string }
    const start = now
    try {
      now -= 3_600_000
      const late = await fetch(new URL(job.download_url, api.proxy.url))
      expect(late.status).toBe(403)
      expect(((await late.json()) as { message: string }).message).toMatch(/expired/)
      now = start + 30_000
      expect((await fetch(new URL(job.download_url, api.proxy.url))).status).toBe(200)
    } finally {
      now = start
    }
  })
})

describe('export job fields from the upstream', () => {
  it('never relay the upstream’s error text', async () => {
    const api = await fakeExportApi({ status: 'failed', download_url: null, error: `disk full; key ${DEV_KEY}` })
    const created = (await (await api.post({ format: 'csv' })).json()) as { id: string }
    const text = await (await api.poll(created.id)).text()
    expect(text).not.toContain('disk full')
    expect(text).not.toContain(DEV_KEY)
    expect(JSON.parse(text)).toMatchObject({
      status: 'failed',
      error: 'The export failed in the audit API; start a new one.',
      download_url: null,
    })
  })

  it.each([[{ status: '<b>ready</b>' }], [{ row_count: -1 }], [{ row_count: 'many' }]])(
    'answer 502 for a job with %j',
    async (fields) => {
      const api = await fakeExportApi(fields)
      const response = await api.post({ format: 'csv' })
      expect(response.status).toBe(502)
      expect(await response.json()).toEqual({
        error: 'bad_gateway',
        message: 'The audit API answered with an export job that makes no sense.',
      })
    },
  )
})

describe('export filters', () => {
  it.each([
    ['{"format":"csv","filters":{"actor_id":1e400}}', 'filters.actor_id must be a string.'],
    ['{"format":"csv","filters":{"actor_id":7}}', 'filters.actor_id must be a string.'],
    ['{"format":"csv","filters":{"target_id":true}}', 'filters.target_id must be a string.'],
    ['{"format":"csv","filters":{"actor_id":{"$ne":null}}}', 'filters.actor_id must be a string.'],
    ['{"format":"csv","filters":{"actor_id":["u1"]}}', 'filters.actor_id must be a string.'],
    ['{"format":"csv","filters":{"actions":[1]}}', 'filters.actions must be a list of action names.'],
    ['{"format":"csv","filters":{"actions":[["a"]]}}', 'filters.actions must be a list of action names.'],
    ['{"format":"csv","filters":{"colour":"red"}}', 'filters.colour is not a filter;'],
    ['{"format":"csv","filters":{"org_id":"aorg_other"}}', 'filters.org_id is not a filter;'],
    ['{"format":"csv","filters":"actor_id=u1"}', 'filters must be an object'],
    ['{"format":"csv","filters":[]}', 'filters must be an object'],
    [`{"format":"csv","filters":{"actor_id":"${'x'.repeat(257)}"}}`, 'actor_id is longer than 256 characters.'],
    ['{"format":"csv","filters":{"range_start":"yesterday"}}', 'range_start must be an RFC 3339 timestamp'],
    ['{"format":"csv","filters":{"actions":["Not Valid"]}}', 'actions: "Not Valid" is not a valid action name.'],
  ])('refuses %s with 400 naming the field, and sends nothing upstream', async (body, message) => {
    const api = await fakeExportApi()
    const response = await api.post(body)
    expect(response.status).toBe(400)
    const answer = (await response.json()) as { error: string; message: string }
    expect(answer.error).toBe('invalid_request')
    expect(answer.message).toContain(message)
    expect(api.sent.filter((s) => s.path === '/v1/audit/exports')).toEqual([])
  })

  it('passes a valid filter upstream exactly as sent', async () => {
    const api = await fakeExportApi()
    const filters = {
      actions: ['invoice.paid', 'user.signed_in'],
      actor_id: 'user_“1”',
      target_id: null,
      range_start: '2026-11-01T00:00:00Z',
      occurred_before: '2026-11-20T00:00:00.000+01:00',
    }
    expect((await api.post({ format: 'csv', filters })).status).toBe(202)
    const [created] = api.sent.filter((s) => s.path === '/v1/audit/exports')
    expect(JSON.parse(created!.body)).toEqual({ org_id: org, format: 'csv', filters })
  })
})

describe('Idempotency-Key on POST /exports', () => {
  const upstreamKeys = (sent: Sent[]) =>
    sent.filter((s) => s.path === '/v1/audit/exports').map((s) => s.headers.get('idempotency-key'))

  it.each([['x'.repeat(256)], ['a b'], ['clé'], ['a/b'], ['a,b']])('refuses the key %j with 400', async (key) => {
    const api = await fakeExportApi()
    const response = await api.post({ format: 'csv' }, { 'idempotency-key': key })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      message: 'Idempotency-Key must be 1 to 255 characters of A-Z, a-z, 0-9 and _ . : -.',
    })
    expect(upstreamKeys(api.sent)).toEqual([])
  })

  it('sends upstream one key per user, org and client key, never the client’s key itself', async () => {
    const api = await fakeExportApi()
    const key = '0f8e4c1a-9d2b-4e51-8a57-3c1d2e4f5a6b'
    await api.post({ format: 'csv' }, { 'idempotency-key': key })
    await api.post({ format: 'csv' }, { 'idempotency-key': key })
    await api.post({ format: 'csv' }, { 'idempotency-key': 'another.key:1' })
    await api.post({ format: 'csv' })
    const [first, retry, other, none] = upstreamKeys(api.sent)
    expect(first).toMatch(/^alpx_[\w-]{43}$/)
    expect(retry).toBe(first)
    expect(other).not.toBe(first)
    expect(none).toBeNull()
    expect(api.sent.map((s) => s.headers.get('idempotency-key'))).not.toContain(key)
  })

  it('through the proxy to the real ledger: two tries with one key create one job; other users get their own', async () => {
    const proxy = await startProxy({}, ledger)
    cleanup.push(() => proxy.close())
    const other = ledger.ledger.createOrg('globex', 'Globex').id
    const count = () => (ledger.ledger.db.prepare('SELECT COUNT(*) AS n FROM exports').get() as { n: number }).n
    const create = async (user: string, key: string, format = 'csv') => {
      const token = await mintToken(proxy.url, `${user}|audit:read,audit:export`)
      return fetch(`${proxy.url}/api/audit/exports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ format, filters: { actions: ['invoice.paid'] } }),
      })
    }
    const before = count()
    const key = 'c3d2b1a0-1111-4222-8333-444455556666'
    const tries = [await create(`${org}|user_1`, key), await create(`${org}|user_1`, key)]
    expect(tries.map((r) => r.status)).toEqual([202, 202])
    expect(count()).toBe(before + 1)
    // The same key from another user of the org, or from another org, is another job.
    expect((await create(`${org}|user_2`, key)).status).toBe(202)
    expect((await create(`${other}|user_1`, key)).status).toBe(202)
    expect(count()).toBe(before + 3)
    // The same key with another body is refused, with our own message.
    const changed = await create(`${org}|user_1`, key, 'ndjson')
    expect(changed.status).toBe(409)
    expect(await changed.json()).toEqual({
      error: 'conflict',
      message: 'This Idempotency-Key was already used for another export; use a new key.',
    })
    expect(count()).toBe(before + 3)
    await ledger.ledger.exports.idle()
  })
})
