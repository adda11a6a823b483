/**
 * toNodeHandler on a real node:http server on 127.0.0.1: the URL the fetch handler sees when
 * mounted the way Express mounts it, and behind a TLS-terminating proxy.
 */
import { createServer, request as send, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { toNodeHandler, type NodeHandlerOptions } from '../../src/server/index.js'
import { startLedger, type TestLedger } from '../support/ledger.js'
import { serve, stop } from '../support/proxy.js'
import { raw } from '../support/raw-http.js'

const echoUrl = async (request: Request) => Response.json({ url: request.url })
let server: Server | undefined
afterEach(async () => {
  if (server) await stop(server)
  server = undefined
})

/** A server that mounts the handler at `/api/audit` as Express's app.use does: the mount path leaves req.url. */
async function mounted(options: NodeHandlerOptions = {}): Promise<string> {
  const handler = toNodeHandler(echoUrl, options)
  server = createServer((req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    req.originalUrl = req.url
    req.url = req.url!.replace(/^\/api\/audit/, '') || '/'
    void handler(req, res)
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('toNodeHandler', () => {
  it('sees the full path when mounted under a prefix, as Express and Connect mount it', async () => {
    const base = await mounted()
    const { url } = (await (await fetch(`${base}/api/audit/events?limit=5`)).json()) as { url: string }
    expect(url).toBe(`${base}/api/audit/events?limit=5`)
  })

  it('ignores X-Forwarded-Proto and X-Forwarded-Host unless told to trust them', async () => {
    const base = await mounted()
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'audit.example.com' }
    const { url } = (await (await fetch(`${base}/api/audit/keys`, { headers })).json()) as { url: string }
    expect(url).toBe(`${base}/api/audit/keys`)
  })

  it('takes the scheme and host from a trusted TLS-terminating proxy: the last value of each, which it added', async () => {
    const base = await mounted({ trustForwardedHeaders: true })
    // The client sent the first values; the proxy appended its own.
    const headers = { 'x-forwarded-proto': 'http, https', 'x-forwarded-host': 'evil.example, audit.example.com' }
    const { url } = (await (await fetch(`${base}/api/audit/keys`, { headers })).json()) as { url: string }
    expect(url).toBe('https://audit.example.com/api/audit/keys')
  })

  it('keeps a path that looks like another host ("//evil.example/...") on this host', async () => {
    const base = await mounted()
    const { port } = new URL(base)
    // fetch() would normalise the path; node:http sends it as written.
    const response = await new Promise<string>((resolve, reject) => {
      const req = send({ host: '127.0.0.1', port, path: '//evil.example/api/audit/keys' }, (res) => {
        let body = ''
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve(body))
      })
      req.on('error', reject)
      req.end()
    })
    expect(new URL((JSON.parse(response) as { url: string }).url).host).toBe(`127.0.0.1:${port}`)
  })

  it('answers 400 for a Host (or trusted X-Forwarded-Host) that would reshape the URL', async () => {
    const base = await mounted({ trustForwardedHeaders: true })
    const { port } = new URL(base)
    const status = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = send({ host: '127.0.0.1', port, path: '/api/audit/keys', headers }, (res) => {
          let body = ''
          res.on('data', (chunk) => (body += chunk))
          res.on('end', () => resolve({ status: res.statusCode!, body }))
        })
        req.on('error', reject)
        req.end()
      })
    for (const host of ['x/api/audit/exports?', 'user@evil.example', 'a b']) {
      const answer = await status({ host })
      expect(answer.status, host).toBe(400)
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_request' })
      expect((await status({ host: '127.0.0.1', 'x-forwarded-host': host })).status, host).toBe(400)
    }
    expect((await status({ host: `127.0.0.1:${port}` })).status).toBe(200)
  })
})

describe('requests Node refuses before any handler runs', () => {
  let ledger: TestLedger | undefined
  afterEach(async () => {
    await ledger?.close()
    ledger = undefined
  })

  const cases: [string, string, number, string][] = [
    [
      'a query string over the header limit',
      `GET /v1/audit/keys?q=${'a'.repeat(20_000)} HTTP/1.1\r\nhost: x\r\n\r\n`,
      431,
      'headers_too_large',
    ],
    [
      'a header over the limit',
      `GET /v1/audit/keys HTTP/1.1\r\nhost: x\r\nx-big: ${'b'.repeat(20_000)}\r\n\r\n`,
      431,
      'headers_too_large',
    ],
    ['a garbage request line', 'HELLO THERE\r\n\r\n', 400, 'invalid_request'],
    ['a header with a bad character', 'GET / HTTP/1.1\r\nhost: x\r\nbad header: 1\r\n\r\n', 400, 'invalid_request'],
  ]

  it.each(cases)('answer %s with JSON on the ledger’s server', async (_label, request, status, code) => {
    ledger = await startLedger()
    const answer = await raw(ledger.url, request)
    expect(answer.status).toBe(status)
    expect(answer.head).toContain('content-type: application/json; charset=utf-8')
    expect(answer.head).toContain('connection: close')
    expect(JSON.parse(answer.body)).toEqual({ error: code, message: expect.any(String) })
  })

  it.each(cases)(
    'answer %s with JSON on the proxy’s test server (createNodeServer)',
    async (_label, request, status, code) => {
      const served = await serve(echoUrl)
      try {
        const answer = await raw(served.url, request)
        expect(answer.status).toBe(status)
        expect(JSON.parse(answer.body)).toMatchObject({ error: code })
      } finally {
        await stop(served.server)
      }
    },
  )

  it('still serves a long query string within the limit', async () => {
    ledger = await startLedger()
    const response = await fetch(`${ledger.url}/v1/audit/keys?${'a'.repeat(8_000)}=1`)
    expect(response.status).toBe(200)
  })
})
