/**
 * The host app: the token proxy at /api/audit, a stand-in sign-in at /session, and the
 * Vite-built page, into which the keys learned from the audit API at startup are embedded.
 * `npm run build && npm start`; environment: see README.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import express from 'express'
import { createAuditProxy, toNodeHandler } from 'auditlens/server'
import { KeyRing, parseKeysDocument } from 'auditlens/core'
import { isTenant, newSessionCookie, readSession, TENANTS } from './session.js'

/** @param {string} name */
function requiredEnv(name) {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set (see README).`)
  return value
}

const upstream = { baseUrl: requiredEnv('AUDIT_API_URL'), apiKey: requiredEnv('AUDIT_API_KEY') }

/** @param {string} path */
async function upstreamJson(path) {
  const response = await fetch(new URL(path, upstream.baseUrl), {
    headers: { authorization: `Bearer ${upstream.apiKey}` },
  })
  if (!response.ok) throw new Error(`GET ${path} on the audit API answered ${response.status}.`)
  return response.json()
}

// The keys to pin, learned once at startup (README "Pinning keys"); KeyRing refuses anything
// that is not a usable Ed25519 key. A key the audit API adds later is trusted after a restart.
const pinnedKeys = parseKeysDocument(await upstreamJson('/v1/audit/keys'))
await new KeyRing(pinnedKeys).usable()

// `authorize` answers with the audit API's org id (`aorg_…`); this app knows its tenants by its
// own ids, which the audit API keeps as each org's `external_id`. Looked up once at startup.
const orgs = (await upstreamJson('/v1/audit/orgs'))?.orgs
/** @type {Map<string, string>} */
const auditOrgIds = new Map(
  (Array.isArray(orgs) ? orgs : [])
    .filter((org) => typeof org?.id === 'string' && typeof org?.external_id === 'string')
    .map((org) => [org.external_id, org.id]),
)

const proxy = createAuditProxy({
  upstream,
  secret: requiredEnv('AUDITLENS_SECRET'),
  authorize: async (request) => {
    const session = readSession(request.headers.get('cookie'))
    const orgId = session && auditOrgIds.get(session.tenant)
    return orgId ? { orgId, subject: session.userId, scopes: ['audit:read', 'audit:export'] } : null
  },
})

const app = express()
// Before any body parser: the proxy reads request bodies itself.
app.use('/api/audit', toNodeHandler(proxy))

app.post('/session', express.urlencoded({ extended: false, limit: '1kb' }), (req, res) => {
  const tenant = req.body?.tenant
  if (!isTenant(tenant)) {
    res.status(400).json({ error: 'bad_request', message: `tenant must be one of ${Object.keys(TENANTS).join(', ')}.` })
    return
  }
  res.set('set-cookie', newSessionCookie(tenant)).redirect(303, '/')
})

// Missing before `npm run build`; under `npm run dev` Vite serves the page instead.
const page = await readFile(new URL('./dist/index.html', import.meta.url), 'utf8').catch(() => null)
app.get('/', (req, res) => {
  if (page === null) {
    res
      .status(404)
      .json({ error: 'not_found', message: 'The page is not built: run `npm run build`, or use `npm run dev`.' })
    return
  }
  const session = readSession(req.headers.cookie)
  const config = { tenant: session ? TENANTS[session.tenant] : null, keys: pinnedKeys }
  // Inert JSON that no `</script>` inside it can end (OWASP XSS Prevention, rule 3.1).
  const tag = `<script id="app-config" type="application/json">${JSON.stringify(config).replaceAll('<', '\\u003c')}</script>`
  res
    .set('cache-control', 'no-store')
    .type('html')
    .send(page.replace('</head>', `${tag}</head>`))
})
app.use(express.static(fileURLToPath(new URL('./dist', import.meta.url)), { index: false }))

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '127.0.0.1'
const server = app.listen(port, host, (error) => {
  if (error) throw error
  console.log(`Listening on http://${host}:${server.address().port}`)
})
