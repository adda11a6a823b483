/** `auditlens serve`'s portal flags, on the built binary: viewer url, issuer, CORS origins. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, runCli } from '../support/cli.js'

const KEY = 'alk_serve_portal_test_key'
const dir = mkdtempSync(join(tmpdir(), 'auditlens-serve-portal-'))
let server: ChildProcessWithoutNullStreams | undefined
afterAll(() => server?.kill('SIGKILL'))

function serve(args: string[]): Promise<string> {
  server = spawn(process.execPath, [BIN, 'serve', '--db', join(dir, 'ledger.db'), '--port', '0', ...args], {
    env: { ...process.env, AUDITLENS_API_KEY: KEY },
  })
  return new Promise((resolve, reject) => {
    let out = ''
    server!.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d
      const match = /listening on (http:\/\/[\d.:]+)/.exec(out)
      if (match) resolve(match[1]!)
    })
    server!.on('close', (code) => reject(new Error(`serve exited ${code}: ${out}`)))
  })
}

describe('auditlens serve portal flags', () => {
  it('--portal-url, --issuer-* and --cors-origin reach the portal endpoints', async () => {
    const url = await serve([
      '--portal-url',
      'https://viewer.example/audit',
      '--issuer-name',
      'Acme Compliance',
      '--issuer-logo-url',
      'https://cdn.example/logo.png',
      '--issuer-domain-verified',
      '--cors-origin',
      'http://localhost:5173',
      '--cors-origin',
      'https://app.example',
    ])
    const api = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }
    const org = (await (
      await fetch(`${url}/v1/audit/orgs`, { method: 'POST', headers: api, body: '{"external_id":"acme"}' })
    ).json()) as { id: string }
    const session = (await (
      await fetch(`${url}/v1/audit/portal_sessions`, {
        method: 'POST',
        headers: api,
        body: JSON.stringify({ organization_id: org.id, intent: 'audit_logs' }),
      })
    ).json()) as { token: string; url: string }
    expect(session.url).toBe(`https://viewer.example/audit?token=${session.token}`)
    const exchanged = await fetch(`${url}/v1/audit/portal/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example' },
      body: JSON.stringify({ token: session.token }),
    })
    expect(exchanged.headers.get('access-control-allow-origin')).toBe('https://app.example')
    const jwt = ((await exchanged.json()) as { token: string }).token
    const brand = await fetch(`${url}/v1/audit/portal/org`, {
      headers: { authorization: `Bearer ${jwt}`, origin: 'https://other.example' },
    })
    expect(brand.headers.get('access-control-allow-origin')).toBeNull()
    expect(((await brand.json()) as { issuer: unknown }).issuer).toEqual({
      name: 'Acme Compliance',
      logo_url: 'https://cdn.example/logo.png',
      domain_verified: true,
    })
  })

  it('refuses a malformed --cors-origin or --portal-url as a usage error', async () => {
    for (const [args, message] of [
      [['--cors-origin', 'https://app.example/'], /--cors-origin must be \* or scheme:\/\/host/],
      [['--portal-url', 'ftp://viewer.example'], /portal url must be http/],
    ] as const) {
      const run = await runCli(['serve', '--db', join(dir, 'other.db'), '--port', '0', ...args])
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(message)
    }
  })
})
