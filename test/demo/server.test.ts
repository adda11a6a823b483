/**
 * The demo host (`npm start`) over real HTTP on 127.0.0.1, with a real ledger: its static files,
 * its sign-in session, the keys it pins in the page, and what it prints.
 */
import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemo } from '../../examples/demo/server.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { raw } from '../support/raw-http.js'
import { createSigner, seedFrom } from '../support/signing.js'

const MAIN = fileURLToPath(new URL('../../dist-demo/examples/demo/main.js', import.meta.url))

/** A built-app folder with an index page, and a sibling folder whose name starts with the app folder's. */
function appFolders() {
  const dir = mkdtempSync(join(tmpdir(), 'auditlens-demo-'))
  const app = join(dir, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'index.html'), '<!doctype html>\n<html>\n  <head>\n  </head>\n  <body>app</body>\n</html>\n')
  writeFileSync(join(app, 'main.js'), 'console.log("app")')
  mkdirSync(join(dir, 'app-private'))
  writeFileSync(join(dir, 'app-private', 'secret.txt'), 'not for the web')
  return { dir, app }
}

let demo: Awaited<ReturnType<typeof startDemo>>
const logged: string[] = []

beforeAll(async () => {
  demo = await startDemo({ appDir: appFolders().app, port: 0, db: ':memory:', seed: 30, log: (l) => logged.push(l) })
})
afterAll(() => demo?.close())

const signIn = async (org = 'acme') => {
  const response = await fetch(`${demo.url}/demo/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ org }),
  })
  expect(response.status).toBe(200)
  return response.headers.get('set-cookie')!.split(';')[0]!
}
const mintToken = (cookie: string) => fetch(`${demo.url}/api/audit/token`, { method: 'POST', headers: { cookie } })

describe('requests Node refuses before the demo’s handler runs', () => {
  it('get JSON {error, message} and a closed connection, not an empty reply', async () => {
    const answer = await raw(demo.url, `GET /?q=${'a'.repeat(20_000)} HTTP/1.1\r\nhost: x\r\n\r\n`)
    expect(answer.status).toBe(431)
    expect(answer.head).toContain('connection: close')
    expect(JSON.parse(answer.body)).toEqual({ error: 'headers_too_large', message: expect.any(String) })
  })
})

describe('the demo’s static files', () => {
  it('serves the app’s files, but nothing from a sibling folder whose name shares the app folder’s prefix', async () => {
    expect(await (await fetch(`${demo.url}/main.js`)).text()).toBe('console.log("app")')
    const sibling = await fetch(`${demo.url}/..%2Fapp-private%2Fsecret.txt`)
    expect(await sibling.text()).not.toContain('not for the web')
    expect(sibling.status).toBe(404)
  })

  it('answers a badly percent-encoded path or cookie with a clear error, and logs nothing', async () => {
    const path = await fetch(`${demo.url}/%E0%A4%A`)
    expect(path.status).toBe(400)
    expect(await path.json()).toEqual({ error: 'invalid_request', message: expect.stringMatching(/percent-encoded/) })
    const cookie = await fetch(`${demo.url}/demo/orgs`, { headers: { cookie: 'auditlens_demo=%E0%A4%A' } })
    expect(cookie.status).toBe(200)
    expect(await cookie.json()).toMatchObject({ signed_in: null })
    expect(logged.filter((line) => line.startsWith('Unexpected'))).toEqual([])
  })
})

describe('the demo’s routes, one router for the ledger, the proxy, its API and its files', () => {
  it.each([
    ['POST', '/demo/orgs', 'GET'],
    ['GET', '/demo/sign-in', 'POST'],
    ['PUT', '/api/audit/token', 'POST'],
    ['DELETE', '/v1/audit/keys', 'GET'],
    ['DELETE', '/main.js', 'GET, HEAD'],
  ])('answer %s %s with a JSON 405 that allows %s', async (method, path, allow) => {
    const response = await fetch(`${demo.url}${path}`, { method })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe(allow)
    expect(await response.json()).toEqual({ error: 'method_not_allowed', message: expect.any(String) })
  })

  it('refuses a sign-in body over its 1 KiB limit with a JSON 413', async () => {
    const response = await fetch(`${demo.url}/demo/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ org: 'x'.repeat(2048) }),
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({ error: 'payload_too_large', message: expect.any(String) })
  })

  it.each(['/demo/nothing', '/api/audit/nothing', '/v1/nothing'])('answer GET %s with a JSON 404', async (path) => {
    const response = await fetch(`${demo.url}${path}`)
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: 'not_found', message: `There is no route GET ${path}.` })
  })
})

describe('the demo’s session', () => {
  it('mints tokens while signed in, and not for a replayed cookie after sign-out', async () => {
    const cookie = await signIn()
    expect((await mintToken(cookie)).status).toBe(200)
    const out = await fetch(`${demo.url}/demo/sign-out`, { method: 'POST', headers: { cookie } })
    expect(out.status).toBe(200)
    const replayed = await mintToken(cookie)
    expect(replayed.status).toBe(401)
    const orgs = await (await fetch(`${demo.url}/demo/orgs`, { headers: { cookie } })).json()
    expect(orgs).toMatchObject({ signed_in: null })
  })

  it('gives each sign-in its own session, so signing out one leaves another working', async () => {
    const [first, second] = [await signIn(), await signIn()]
    expect(first).not.toBe(second)
    await fetch(`${demo.url}/demo/sign-out`, { method: 'POST', headers: { cookie: first } })
    expect((await mintToken(second)).status).toBe(200)
  })
})

describe('the keys the demo pins', () => {
  const embedded = async (url: string) => {
    const html = await (await fetch(`${url}/`)).text()
    const match = /<script id="auditlens-pinned-keys" type="application\/json">(.*?)<\/script>/.exec(html)
    expect(match).not.toBeNull()
    return JSON.parse(match![1]!) as { keys: { key_id: string; public_key: string }[] }
  }

  it('are embedded in the page the host serves: the ledger’s published keys', async () => {
    expect((await embedded(demo.url)).keys).toEqual(
      demo.ledger.keys.list().map((k) => expect.objectContaining({ key_id: k.key_id, public_key: k.public_key })),
    )
  })

  it('never include a key row written straight into the database', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'auditlens-demo-db-')), 'ledger.db')
    await new Ledger({ db }).close()
    const rogue = createSigner(seedFrom(3), 'akey_01ROGUE0000000000000000000')
    const attacker = new Database(db)
    attacker.prepare('INSERT INTO signing_keys VALUES (?, ?, ?, NULL)').run(rogue.keyId, rogue.publicKey, '2001-01-01')
    attacker.close()
    const lines: string[] = []
    const other = await startDemo({ appDir: appFolders().app, port: 0, db, seed: 0, log: (l) => lines.push(l) })
    try {
      const { keys } = await embedded(other.url)
      expect(keys).toHaveLength(1)
      expect(keys.map((k) => k.public_key)).not.toContain(rogue.publicKey)
      expect(lines).toEqual([expect.stringContaining('has no key file')])
    } finally {
      await other.close()
    }
  })
})

describe('npm start (dist-demo/examples/demo/main.js)', () => {
  it('does not print an API key that came from AUDITLENS_API_KEY', async () => {
    const secret = 'alk_operator_chosen_demo_secret_77'
    const child = spawn(process.execPath, [MAIN], {
      cwd: mkdtempSync(join(tmpdir(), 'auditlens-demo-main-')),
      env: { ...process.env, AUDITLENS_API_KEY: secret, AUDITLENS_DB: ':memory:', AUDITLENS_SEED: '0', PORT: '0' },
    })
    let out = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d
        if (out.includes('Stop with Ctrl-C')) resolve()
      })
      child.on('close', (code) => reject(new Error(`the demo exited ${code}: ${out}`)))
    })
    child.kill('SIGTERM')
    await new Promise((resolve) => child.on('close', resolve))
    expect(out).toContain('reference ledger API')
    expect(out).not.toContain(secret)
  })
})
