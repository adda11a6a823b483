/**
 * `npm start`: one process with the reference ledger (`/v1`), the token proxy mounted as a
 * host app would mount it (`/api/audit`), and a demo SaaS app (`/`) that embeds auditlens.
 * Sign-in is a demo: pick an org, get an HttpOnly session cookie; the proxy's `authorize`
 * reads it and grants audit:read and audit:export.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { toNodeHandler } from '../server/http/node-adapter.js'
import { readJsonObject } from '../server/http/body.js'
import { badRequest, errorResponse, json, notFound } from '../server/http/http-error.js'
import { DEFAULT_DB, Ledger } from '../server/ledger/ledger.js'
import { createLedgerHandler } from '../server/ledger/routes.js'
import { createAuditProxy } from '../server/proxy/proxy.js'
import { DEMO_ORGS } from '../server/ledger-commands.js'
import { prepareDemo } from './demo-data.js'

/** The Vite-built app beside the compiled server (dist/demo/app). */
const APP_DIR = fileURLToPath(new URL('./app/', import.meta.url))
const COOKIE = 'auditlens_demo'
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

export interface DemoOptions {
  host?: string
  port?: number
  db?: string
  seed?: number
  /** Token lifetime in the proxy (the e2e tests shorten it). */
  tokenTtlSeconds?: number
  /** The proxy's clock (the e2e tests move it to expire tokens mid-session). */
  now?: () => number
  /** Where the built host app is (default: beside this module, as in dist/demo/app). */
  appDir?: string
  log?: (line: string) => void
}

export async function startDemo(options: DemoOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line))
  const apiKey = process.env.AUDITLENS_API_KEY || `alk_demo_${randomBytes(18).toString('base64url')}`
  const sessionSecret = randomBytes(32)
  const started = Date.now()
  const ledger = new Ledger({ db: options.db ?? DEFAULT_DB, devApiKey: apiKey })
  const seeded = prepareDemo(ledger, options.seed ?? 100_000)
  if (seeded > 0)
    log(`Seeded ${seeded.toLocaleString('en-US')} events in ${((Date.now() - started) / 1000).toFixed(1)} s.`)

  const sessionValue = (org: string) => `${org}.${createHmac('sha256', sessionSecret).update(org).digest('base64url')}`
  const sessionOrg = (request: Request): string | null => {
    const cookie = request.headers.get('cookie') ?? ''
    const value = cookie
      .split(/;\s*/)
      .find((c) => c.startsWith(`${COOKIE}=`))
      ?.slice(COOKIE.length + 1)
    if (!value) return null
    const org = decodeURIComponent(value).split('.')[0]!
    const expected = Buffer.from(sessionValue(org))
    const given = Buffer.from(decodeURIComponent(value))
    return expected.length === given.length && timingSafeEqual(expected, given) ? org : null
  }

  const ledgerHandler = createLedgerHandler(ledger)
  const proxy = createAuditProxy({
    // The ledger is in this process: the proxy calls its handler directly instead of looping
    // back over HTTP. A host would point baseUrl at Invoance or at `auditlens serve`.
    upstream: {
      baseUrl: 'http://ledger.internal',
      apiKey,
      fetch: async (input, init) => ledgerHandler(new Request(input, init)),
    },
    secret: randomBytes(48),
    tokenTtlSeconds: options.tokenTtlSeconds ?? 300,
    ...(options.now ? { now: options.now } : {}),
    rateLimit: { burst: 600, perSecond: 200 },
    authorize: (request) => {
      const external = sessionOrg(request)
      const org = external ? ledger.orgByExternalId(external) : undefined
      return org
        ? { orgId: org.id, subject: `demo-user@${org.external_id}`, scopes: ['audit:read', 'audit:export'] }
        : null
    },
  })

  async function demoRoutes(request: Request, url: URL): Promise<Response> {
    if (url.pathname === '/demo/orgs' && request.method === 'GET') {
      return json({
        orgs: DEMO_ORGS.map(({ external_id, name }) => ({ external_id, name })),
        signed_in: sessionOrg(request),
      })
    }
    if (url.pathname === '/demo/sign-in' && request.method === 'POST') {
      const body = await readJsonObject(request, 1024)
      const org = DEMO_ORGS.find((o) => o.external_id === body.org)
      if (!org) throw badRequest(`org must be one of ${DEMO_ORGS.map((o) => o.external_id).join(', ')}.`)
      return json({ org: org.external_id }, 200, {
        'set-cookie': `${COOKIE}=${encodeURIComponent(sessionValue(org.external_id))}; Path=/; HttpOnly; SameSite=Lax`,
      })
    }
    if (url.pathname === '/demo/sign-out' && request.method === 'POST') {
      return json({ ok: true }, 200, { 'set-cookie': `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` })
    }
    throw notFound(`There is no route ${request.method} ${url.pathname}.`)
  }

  function staticFile(url: URL): Response {
    const root = resolve(options.appDir ?? APP_DIR)
    let path = normalize(join(root, decodeURIComponent(url.pathname)))
    if (!path.startsWith(root) || !existsSync(path) || statSync(path).isDirectory()) path = join(root, 'index.html')
    if (!existsSync(path)) {
      return new Response('The demo app is not built: run `npm start` (it builds it first).', { status: 500 })
    }
    const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>
    return new Response(body, { headers: { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' } })
  }

  const handler = async (request: Request): Promise<Response> => {
    try {
      const url = new URL(request.url)
      if (url.pathname.startsWith('/v1/')) return await ledgerHandler(request)
      if (url.pathname.startsWith('/api/audit/')) return await proxy(request)
      if (url.pathname.startsWith('/demo/')) return await demoRoutes(request, url)
      return staticFile(url)
    } catch (error) {
      return errorResponse(error)
    }
  }

  const server = createServer(toNodeHandler(handler))
  server.keepAliveTimeout = 65_000
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => done())
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`
  return {
    url,
    apiKey,
    ledger,
    async close() {
      server.closeAllConnections()
      await new Promise((done) => server.close(done))
      await ledger.close()
    },
  }
}
