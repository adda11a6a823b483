/**
 * toNodeHandler on a real node:http server on 127.0.0.1: the URL the fetch handler sees when
 * mounted the way Express mounts it, and behind a TLS-terminating proxy.
 */
import { createServer, request as send, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { toNodeHandler, type NodeHandlerOptions } from '../../src/server/index.js'
import { stop } from '../support/proxy.js'

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
