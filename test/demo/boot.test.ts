/**
 * What the demo host (`npm start`) puts in its page besides the keys, over real HTTP on
 * 127.0.0.1 with a real ledger and proxy: the orgs and the session's org (no `/demo/orgs` round
 * trip before the log), and with `?ssr` the log's first page and token for that session only.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemo } from '../../examples/demo/server.js'
import { parseAuditJson, type AuditLogInitialData } from '../../src/core/index.js'

let demo: Awaited<ReturnType<typeof startDemo>>

beforeAll(async () => {
  const app = join(mkdtempSync(join(tmpdir(), 'auditlens-demo-boot-')), 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'index.html'), '<!doctype html>\n<html>\n  <head>\n  </head>\n  <body>app</body>\n</html>\n')
  demo = await startDemo({ appDir: app, port: 0, db: ':memory:', seed: 300, log: () => {} })
})
afterAll(() => demo?.close())

const signIn = async (org: string) => {
  const response = await fetch(`${demo.url}/demo/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ org }),
  })
  return response.headers.get('set-cookie')!.split(';')[0]!
}
const boot = async (path: string, cookie?: string) => {
  const html = await (await fetch(demo.url + path, cookie ? { headers: { cookie } } : {})).text()
  const match = /<script id="demo-boot" type="application\/json">(.*?)<\/script>/.exec(html)
  expect(match).not.toBeNull()
  return JSON.parse(match![1]!) as {
    orgs: { external_id: string }[]
    signed_in: string | null
    initial: AuditLogInitialData | null
  }
}

describe('the demo page’s boot data', () => {
  it('names the orgs and nobody signed in, with no first page, for a visitor', async () => {
    const data = await boot('/?ssr')
    expect(data.orgs.map((org) => org.external_id)).toContain('acme')
    expect(data.signed_in).toBeNull()
    expect(data.initial).toBeNull()
  })

  it('names the session’s org, and leaves the first page to the browser without ?ssr', async () => {
    const data = await boot('/', await signIn('acme'))
    expect(data.signed_in).toBe('acme')
    expect(data.initial).toBeNull()
  })

  it('holds the session org’s token and first page of 200 with ?ssr', async () => {
    const data = await boot('/?ssr', await signIn('globex'))
    const globex = demo.ledger.orgByExternalId('globex')!.id
    expect(data.initial!.token.org_id).toBe(globex)
    expect(data.initial!.query).toBe('limit=200')
    const page = parseAuditJson(data.initial!.page) as { events: { org_id: string }[] }
    expect(page.events.length).toBeGreaterThan(0)
    expect(new Set(page.events.map((event) => event.org_id))).toEqual(new Set([globex]))
  })

  it('fetches no first page for a URL with filters, which the page would not match', async () => {
    expect((await boot('/?ssr&actions=user.login', await signIn('acme'))).initial).toBeNull()
  })
})
