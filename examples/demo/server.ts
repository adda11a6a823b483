/**
 * `npm start`: one process with the reference ledger (`/v1`), the token proxy mounted as a
 * host app would mount it (`/api/audit`), and a demo SaaS app (`/`) that embeds auditlens.
 * Sign-in is a demo: pick an org, get an HttpOnly session cookie; the proxy's `authorize`
 * reads it and grants audit:read and audit:export.
 *
 * The page pins the ledger's public keys the way README "Pinning keys" recommends: this host
 * learns them once at startup, server side, and embeds them in the HTML it serves; the page
 * passes them to the provider as `trustedKeys` and never fetches them over the token proxy.
 */
import { randomBytes } from 'node:crypto'
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { createNodeServer } from '../../src/http/node-server.js'
import { readJsonObject } from '../../src/http/body.js'
import { badRequest, notFound } from '../../src/protocol/errors.js'
import { json } from '../../src/http/http-error.js'
import { Router } from '../../src/http/router.js'
import { DEFAULT_DB, Ledger } from '../../src/ledger/ledger.js'
import { createLedgerHandler } from '../../src/ledger/routes.js'
import { decodeKeysDocument, type KeyInfo } from '../../src/protocol/keys.js'
import { createAuditProxy } from '../../src/proxy/proxy.js'
import { DEMO_ORGS } from '../../src/ledger/demo-orgs.js'
import { KeyRing, parseKeysDocument } from '../../src/core/index.js'
import { prepareDemo } from './demo-data.js'
import { loadAuditLogInitialData } from '../../src/server/initial-data.js'
import { createDemoSessions } from './sessions.js'

/** The Vite-built app beside the compiled server (dist-demo/examples/demo/app). */
const APP_DIR = fileURLToPath(new URL('./app/', import.meta.url))
/** The id of the element the page reads its pinned keys from (see app/pinned-keys.ts). */
export const PINNED_KEYS_ELEMENT = 'auditlens-pinned-keys'
/** The id of the element the page reads its orgs, sign-in and server-fetched first page from (app/boot.ts). */
export const BOOT_ELEMENT = 'demo-boot'
/** The demo's page size (app/app.tsx): the server-fetched first page must ask the same. */
const PAGE_SIZE = 200
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
  /** Where the built host app is (default: beside this module, as in dist-demo/examples/demo/app). */
  appDir?: string
  log?: (line: string) => void
}

export async function startDemo(options: DemoOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line))
  const givenApiKey = process.env.AUDITLENS_API_KEY || null
  const apiKey = givenApiKey ?? `alk_demo_${randomBytes(18).toString('base64url')}`
  const started = Date.now()
  const ledger = new Ledger({
    db: options.db ?? DEFAULT_DB,
    devApiKey: apiKey,
    warn: log,
    // A local demo: a stream made with its key may point at a receiver on this machine. Never
    // set this where stream creators are not trusted with the host's network (README, H4).
    streams: { allowPrivateTargets: true },
  })
  const seeded = prepareDemo(ledger, options.seed ?? 100_000)
  if (seeded > 0)
    log(`Seeded ${seeded.toLocaleString('en-US')} events in ${((Date.now() - started) / 1000).toFixed(1)} s.`)

  const sessions = createDemoSessions()
  const sessionOrg = (request: Request) => sessions.orgOf(request)
  const logError = (error: unknown) => log(`Unexpected error: ${error instanceof Error ? error.stack : String(error)}`)

  const ledgerHandler = createLedgerHandler(ledger)
  // Learned once, server side, from the ledger as a host would from its audit API at deploy
  // time (decoded, not cast); a key added later is not trusted until the host restarts.
  const pinned = await learnKeys(ledgerHandler).catch(async (error: unknown) => {
    await ledger.close()
    throw error
  })
  const proxy = createAuditProxy({
    // The ledger is in this process: the proxy calls its handler directly instead of looping
    // back over HTTP. A host would point baseUrl at Invoance or at `auditlens serve`.
    upstream: {
      baseUrl: 'http://ledger.internal',
      apiKey,
      fetch: async (input, init) => ledgerHandler(new Request(input, init)),
    },
    secret: randomBytes(48),
    trustedKeys: pinned,
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

  /** The demo's own API: its orgs and a pretend sign-in. */
  const demoRoutes = new Router({ log: logError })
    .on('GET', '/demo/orgs', (request) =>
      json({
        orgs: DEMO_ORGS.map(({ external_id, name }) => ({ external_id, name })),
        signed_in: sessionOrg(request),
      }),
    )
    .on('POST', '/demo/sign-in', async (request) => {
      const body = await readJsonObject(request, 1024)
      const org = DEMO_ORGS.find((o) => o.external_id === body.org)
      if (!org) throw badRequest(`org must be one of ${DEMO_ORGS.map((o) => o.external_id).join(', ')}.`)
      return json({ org: org.external_id }, 200, { 'set-cookie': sessions.signIn(request, org.external_id) })
    })
    .on('POST', '/demo/sign-out', (request) => json({ ok: true }, 200, { 'set-cookie': sessions.signOut(request) }))

  /** The app's file at `decoded` (the path, percent-decoded by the router), or its index page. */
  async function staticFile(request: Request, decoded: string, url: URL): Promise<Response> {
    const root = resolve(options.appDir ?? APP_DIR)
    let path = normalize(join(root, decoded))
    // With the separator: `startsWith(root)` alone lets `/app-private/...` past a root `/app`.
    if (path !== root && !path.startsWith(root + sep)) throw notFound(`There is no file ${url.pathname}.`)
    if (!existsSync(path) || statSync(path).isDirectory()) path = join(root, 'index.html')
    if (!existsSync(path)) {
      return new Response('The demo app is not built: run `npm start` (it builds it first).', { status: 500 })
    }
    if (path === join(root, 'index.html')) return indexHtml(path, request, url)
    const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>
    return new Response(body, { headers: { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' } })
  }

  /**
   * The app's page with the pinned keys embedded, and what the app would otherwise ask first:
   * the orgs and who is signed in (one round trip fewer before the log). With `?ssr` in the
   * URL and no filters, also the log's token and first page (`loadAuditLogInitialData`, the
   * proxy called in-process with the page's cookie), for `<AuditLog initialData>`. All of it as
   * inert JSON that no `</script>` in it can end.
   */
  async function indexHtml(path: string, request: Request, url: URL): Promise<Response> {
    const inert = (id: string, value: unknown) =>
      `<script id="${id}" type="application/json">${JSON.stringify(value).replaceAll('<', '\\u003c')}</script>`
    const signedIn = sessionOrg(request)
    const plain = [...url.searchParams.keys()].every((key) => key === 'ssr' || key === 'bench' || key === 'page')
    const initial =
      signedIn && url.searchParams.has('ssr') && plain
        ? await loadAuditLogInitialData({
            proxy,
            headers: { cookie: request.headers.get('cookie') ?? '' },
            pageSize: PAGE_SIZE,
          })
        : null
    const boot = {
      orgs: DEMO_ORGS.map(({ external_id, name }) => ({ external_id, name })),
      signed_in: signedIn,
      initial,
    }
    const tags = [inert(PINNED_KEYS_ELEMENT, { keys: pinned }), inert(BOOT_ELEMENT, boot)]
    const html = readFileSync(path, 'utf8').replace('</head>', `    ${tags.join('\n    ')}\n  </head>`)
    return new Response(html, { headers: { 'content-type': TYPES['.html']!, 'cache-control': 'no-store' } })
  }

  // The ledger, the proxy and the demo's API answer their own 404s and 405s; any other GET is
  // the app (its files, or index.html for the app's own routes).
  const handler = new Router({ log: logError })
    .mount('/v1/', ledgerHandler)
    .mount('/api/audit/', proxy)
    .mount('/demo/', demoRoutes.handle)
    .on('GET', '/*', (request, [rest], url) => staticFile(request, `/${rest}`, url))
    .on('HEAD', '/*', (request, [rest], url) => staticFile(request, `/${rest}`, url)).handle

  const server = createNodeServer(handler, { onError: logError })
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => done())
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`
  return {
    url,
    apiKey,
    /** Whether this process made the API key up (only then may it be printed: it is the only copy). */
    apiKeyGenerated: givenApiKey === null,
    ledger,
    async close() {
      server.closeAllConnections()
      await new Promise((done) => server.close(done))
      await ledger.close()
    },
  }
}

/**
 * The ledger's published keys, fetched through its API once and decoded into the keys
 * document's shape; a KeyRing refuses anything that is not a usable Ed25519 key.
 */
async function learnKeys(ledger: (request: Request) => Promise<Response>): Promise<KeyInfo[]> {
  const response = await ledger(new Request('http://ledger.internal/v1/audit/keys'))
  if (!response.ok) throw new Error(`The demo could not learn the ledger's keys (HTTP ${response.status}).`)
  const keys = decodeKeysDocument(await response.json())
  if (!keys) throw new Error("The ledger's keys document makes no sense.")
  await new KeyRing(parseKeysDocument({ keys })).usable()
  return keys
}
