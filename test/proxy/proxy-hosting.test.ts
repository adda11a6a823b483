/**
 * The proxy behind the hosts it is mounted in, each reproduced on 127.0.0.1 in front of a real
 * ledger: Next.js's route handlers (a `request.url` on `localhost` whatever the browser used,
 * and `?path=` added for the catch-all in the edge runtime), Vite's dev server proxying with
 * `changeOrigin` (a rewritten `Host`), and a load balancer that sets `X-Forwarded-Host`.
 */
import type { AddressInfo } from 'node:net'
import { createServer, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { generateEvents } from '../../src/ledger/seed.js'
import { createAuditProxy, type AuditProxyOptions } from '../../src/proxy/proxy.js'
import { DEV_KEY, startLedger, type TestLedger } from '../support/ledger.js'
import { mintToken, PROXY_SECRET, serve, startProxy, stop, type TestProxy } from '../support/proxy.js'
import { splitExport } from '../support/ndjson.js'

let ledger: TestLedger
let org: string
const user = () => `${org}|user_1|audit:read,audit:export`
beforeAll(async () => {
  ledger = await startLedger()
  org = ledger.ledger.createOrg('acme', 'Acme').id
  ledger.ledger.appendMany(org, [...generateEvents(30, { seed: 1 })])
})
afterAll(() => ledger.close())

/** A proxy (options as `startProxy` takes them) that is closed when `run` ends. */
async function withProxy<T>(
  options: Parameters<typeof startProxy>[0],
  run: (proxy: TestProxy) => Promise<T>,
): Promise<T> {
  const proxy = await startProxy(options, ledger)
  try {
    return await run(proxy)
  } finally {
    await proxy.close()
  }
}

/** POST /token at `url` as the signed-in user, with a browser's `headers`. */
const mint = (url: string, headers: Record<string, string>) =>
  fetch(`${url}/api/audit/token`, { method: 'POST', headers: { 'x-test-user': user(), ...headers } })

/** A ready NDJSON export's job, as the browser sees it, created and polled at `url`. */
async function readyExport(url: string, token: string) {
  const auth = { authorization: `Bearer ${token}` }
  const created = await fetch(`${url}/api/audit/exports`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: '{"format":"ndjson"}',
  })
  const { id } = (await created.json()) as { id: string }
  await ledger.ledger.exports.idle()
  return (await (await fetch(`${url}/api/audit/exports/${id}`, { headers: auth })).json()) as { download_url: string }
}

describe('export download links', () => {
  it('are relative to where the proxy is mounted, so they resolve on the origin the browser used', async () => {
    await withProxy({}, async (proxy) => {
      const job = await readyExport(proxy.url, await mintToken(proxy.url, user()))
      expect(job.download_url).toMatch(/^\/api\/audit\/exports\/[\w.-]+\/download\?expires=\d+&signature=[\w-]+$/)
      const file = await fetch(new URL(job.download_url, proxy.url))
      expect(file.status).toBe(200)
      expect(splitExport(await file.text()).lines).toHaveLength(30)
    })
  })

  it('are absolute on publicOrigin when one is configured', async () => {
    await withProxy({ publicOrigin: 'https://app.example.com' }, async (proxy) => {
      const job = await readyExport(proxy.url, await mintToken(proxy.url, user()))
      expect(job.download_url).toMatch(/^https:\/\/app\.example\.com\/api\/audit\/exports\/[\w.-]+\/download\?/)
    })
  })
})

describe('POST /token behind Next.js (request.url says localhost, Host says what the browser used)', () => {
  /** The proxy as a Next.js route handler sees requests: its URL on `localhost`, the browser's headers. */
  async function nextLike(options: Partial<AuditProxyOptions>) {
    const proxy = createAuditProxy({
      upstream: { baseUrl: ledger.url, apiKey: DEV_KEY },
      secret: PROXY_SECRET,
      authorize: () => ({ orgId: org, subject: 'user_1', scopes: ['audit:read', 'audit:export'] }),
      ...options,
    })
    const { server, url } = await serve(async (request) => {
      const local = new URL(request.url)
      local.hostname = 'localhost'
      return proxy(new Request(local, request))
    })
    return { url, close: () => stop(server) }
  }

  it('mints for a page of the browsed origin, even in a browser that sends no Sec-Fetch-Site', async () => {
    const next = await nextLike({})
    try {
      const minted = await mint(next.url, { origin: next.url })
      expect(minted.status).toBe(200)
      const job = await readyExport(next.url, ((await minted.json()) as { token: string }).token)
      expect(job.download_url).toMatch(/^\/api\/audit\//)
    } finally {
      await next.close()
    }
  })
})

describe('POST /token behind Vite’s dev server proxying with changeOrigin', () => {
  let vite: ViteDevServer
  let viteUrl: string
  let backend: { server: import('node:http').Server; url: string }
  /** The proxy the backend serves now; each test puts its own. */
  let current: (request: Request) => Promise<Response>
  const proxyWith = (options: Partial<AuditProxyOptions>) =>
    createAuditProxy({
      upstream: { baseUrl: ledger.url, apiKey: DEV_KEY },
      secret: PROXY_SECRET,
      authorize: () => ({ orgId: org, subject: 'user_1', scopes: ['audit:read'] }),
      ...options,
    })

  beforeAll(async () => {
    backend = await serve((request) => current(request))
    vite = await createServer({
      configFile: false,
      logLevel: 'silent',
      root: import.meta.dirname,
      server: { host: '127.0.0.1', port: 0, proxy: { '/api': { target: backend.url, changeOrigin: true } } },
    })
    await vite.listen()
    viteUrl = `http://127.0.0.1:${(vite.httpServer!.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await vite.close()
    await stop(backend.server)
  })

  it('mints for the dev server’s page: the browser says same-origin, whatever Host the backend sees', async () => {
    current = proxyWith({})
    expect((await mint(viteUrl, { origin: viteUrl, 'sec-fetch-site': 'same-origin' })).status).toBe(200)
  })

  it('without Sec-Fetch-Site, answers 403 naming the Origin, the host compared and the options that fix it', async () => {
    current = proxyWith({})
    const refused = await mint(viteUrl, { origin: viteUrl })
    expect(refused.status).toBe(403)
    const { message } = (await refused.json()) as { message: string }
    expect(message).toContain(`Origin ${viteUrl} does not match the host this request was sent to`)
    expect(message).toContain(new URL(backend.url).host)
    expect(message).toMatch(/publicOrigin.*allowedOrigins/)
  })

  it('mints for an origin in allowedOrigins, or for publicOrigin', async () => {
    current = proxyWith({ allowedOrigins: [viteUrl] })
    expect((await mint(viteUrl, { origin: viteUrl })).status).toBe(200)
    current = proxyWith({ publicOrigin: viteUrl })
    expect((await mint(viteUrl, { origin: viteUrl })).status).toBe(200)
    expect((await mint(viteUrl, { origin: 'http://127.0.0.2:1' })).status).toBe(403)
  })
})

describe('POST /token behind a load balancer that sets X-Forwarded-Host', () => {
  const browser = { origin: 'https://app.example.com', 'x-forwarded-host': 'app.example.com' }

  it('counts that host only with trustForwardedHeaders, since any client can send the header', async () => {
    await withProxy({}, async (proxy) => expect((await mint(proxy.url, browser)).status).toBe(403))
    await withProxy({ trustForwardedHeaders: true }, async (proxy) => {
      expect((await mint(proxy.url, browser)).status).toBe(200)
      expect((await mint(proxy.url, { ...browser, origin: 'https://evil.example' })).status).toBe(403)
    })
  })
})

describe('the catch-all parameter Next.js adds in the edge runtime', () => {
  let proxy: TestProxy
  let auth: { authorization: string }
  beforeAll(async () => {
    proxy = await startProxy({}, ledger)
    auth = { authorization: `Bearer ${await mintToken(proxy.url, user())}` }
  })
  afterAll(() => proxy.close())
  const get = (path: string) => fetch(`${proxy.url}/api/audit${path}`, { headers: auth })

  it('is ignored on every route when its values are the request’s own path segments', async () => {
    const plain = (await (await get('/events?limit=5')).json()) as { events: { id: string }[] }
    const next = await get('/events?limit=5&path=events')
    expect(next.status).toBe(200)
    expect(((await next.json()) as typeof plain).events.map((e) => e.id)).toEqual(plain.events.map((e) => e.id))
    expect((await get('/keys?path=keys')).status).toBe(200)
    const id = plain.events[0]!.id
    expect((await get(`/events/${id}?path=events&path=${id}`)).status).toBe(200)
    expect((await get(`/events/${id}?path=events%2F${id}`)).status).toBe(200)
  })

  it('is still a 400 with any other value, and any other unknown parameter is too', async () => {
    for (const query of ['path=exports', 'path=', 'pathx=events', 'actoin=invoice.paid']) {
      const response = await get(`/events?${query}`)
      expect(response.status, query).toBe(400)
      expect(((await response.json()) as { error: string }).error).toBe('invalid_request')
    }
  })

  it('goes by the name in catchAllParam, and the 400 for another name says so', async () => {
    const refused = await get('/events?slug=events')
    expect(refused.status).toBe(400)
    expect(((await refused.json()) as { message: string }).message).toMatch(/catchAllParam: 'slug'/)
    await withProxy({ catchAllParam: 'slug' }, async (slugProxy) => {
      const token = await mintToken(slugProxy.url, user())
      const events = await fetch(`${slugProxy.url}/api/audit/events?slug=events`, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(events.status).toBe(200)
    })
  })
})

describe('createAuditProxy(() => options), for builds without secrets', () => {
  const base = () => ({
    upstream: { baseUrl: ledger.url, apiKey: DEV_KEY },
    authorize: () => ({ orgId: org, subject: 'user_1', scopes: ['audit:read'] }),
  })

  it('reads nothing until the first request, answers a missing secret as a 500 naming it, then recovers', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const env: { secret?: string } = {}
    let reads = 0
    const handler = createAuditProxy(() => {
      reads++
      return { ...base(), secret: env.secret! }
    })
    expect(reads).toBe(0)
    const { server, url } = await serve(handler)
    try {
      const failed = await mint(url, {})
      expect(failed.status).toBe(500)
      expect(await failed.json()).toEqual({
        error: 'internal_error',
        message: expect.stringMatching(/^The audit proxy is not configured: secret must be at least 32 bytes/),
      })
      env.secret = PROXY_SECRET
      expect((await mint(url, {})).status).toBe(200)
      expect((await mint(url, {})).status).toBe(200)
      expect(reads).toBe(2)
      expect(logged).toHaveBeenCalledOnce()
      expect(String(logged.mock.calls[0]![0])).toMatch(/ProxyConfigError: secret must be at least 32 bytes/)
    } finally {
      logged.mockRestore()
      await stop(server)
    }
  })

  it('never shows what the options function itself threw', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const handler = createAuditProxy(() => {
        throw new Error(`vault said no to ${DEV_KEY}`)
      })
      const response = await handler(new Request('http://127.0.0.1/api/audit/token', { method: 'POST' }))
      expect(response.status).toBe(500)
      expect(await response.text()).not.toContain(DEV_KEY)
      expect(logged).toHaveBeenCalledOnce()
    } finally {
      logged.mockRestore()
    }
  })

  it('still throws at once for bad options given directly', () => {
    expect(() => createAuditProxy({ ...base(), secret: 'short' })).toThrowError(TypeError)
  })
})
