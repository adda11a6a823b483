/**
 * `auditlens serve` refuses private stream targets unless started with
 * `--allow-private-stream-targets` (attack H4), and trusts a private CA for HTTPS receivers
 * with `--stream-ca FILE`. Needs the built binary (`npm run build`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { runCli, startServe, type ServeProcess } from '../support/cli.js'
import { issue } from '../support/tls-certificates.js'
import { startReceiver } from '../support/webhook-receiver.js'

const dir = mkdtempSync(join(tmpdir(), 'auditlens-serve-targets-'))
const KEY = 'alk_serve_targets_key'
const env = { ...process.env, AUDITLENS_API_KEY: KEY }
let serve: ServeProcess | undefined
afterEach(async () => {
  serve?.child.kill('SIGTERM')
  await serve?.exited
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const post = (path: string, json?: unknown) =>
  fetch(serve!.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: json === undefined ? null : JSON.stringify(json),
  })

async function createStream(flags: string[], db: string, url = 'http://127.0.0.1:9/hook'): Promise<Response> {
  serve = await startServe(['--db', join(dir, db), '--port', '0', ...flags], env)
  const org = (await (await post('/v1/audit/orgs', { external_id: 'acme' })).json()) as { id: string }
  return post(`/v1/audit/orgs/${org.id}/streams`, { url })
}

describe('auditlens serve and private stream targets', () => {
  it('refuses a stream to 127.0.0.1 by default, naming the flag', async () => {
    const response = await createStream([], 'default.db')
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toContain('--allow-private-stream-targets')
  })

  it('accepts it with --allow-private-stream-targets', async () => {
    const response = await createStream(['--allow-private-stream-targets'], 'allowed.db')
    expect(response.status).toBe(201)
  })
})

describe('auditlens serve --stream-ca', () => {
  const ca = issue({ name: 'auditlens test private CA', ca: true })
  const caFile = join(dir, 'private-ca.pem')
  writeFileSync(caFile, ca.cert)

  it('delivers to an HTTPS receiver whose certificate the CA in the file issued', async () => {
    const leaf = issue({ name: 'localhost', altNames: ['localhost'] }, ca)
    const receiver = await startReceiver(() => 200, { cert: leaf.cert, key: leaf.key })
    try {
      const flags = ['--allow-private-stream-targets', '--stream-ca', caFile]
      const created = await createStream(flags, 'ca.db', `https://localhost:${receiver.port}/hook`)
      expect(created.status).toBe(201)
      const stream = (await created.json()) as { id: string; org_id: string }
      const tested = await post(`/v1/audit/orgs/${stream.org_id}/streams/${stream.id}/test`)
      expect(await tested.json()).toEqual({ delivered: true, http_status: 200, error: null })
      expect(receiver.received).toHaveLength(1)
    } finally {
      await receiver.close()
    }
  })

  it('still trusts the CAs NODE_EXTRA_CA_CERTS names, besides the file’s', async () => {
    // The agent's `ca` replaces node's default store, so tls-trust.ts adds that store back;
    // node reads NODE_EXTRA_CA_CERTS when the process starts, hence a real `serve` process.
    const extra = issue({ name: 'a CA in NODE_EXTRA_CA_CERTS', ca: true })
    const extraFile = join(dir, 'extra-ca.pem')
    writeFileSync(extraFile, extra.cert)
    const leaf = issue({ name: 'localhost', altNames: ['localhost'] }, extra)
    const receiver = await startReceiver(() => 200, { cert: leaf.cert, key: leaf.key })
    try {
      const flags = [
        '--db',
        join(dir, 'extra.db'),
        '--port',
        '0',
        '--allow-private-stream-targets',
        '--stream-ca',
        caFile,
      ]
      serve = await startServe(flags, { ...env, NODE_EXTRA_CA_CERTS: extraFile })
      const org = (await (await post('/v1/audit/orgs', { external_id: 'acme' })).json()) as { id: string }
      const created = await post(`/v1/audit/orgs/${org.id}/streams`, { url: `https://localhost:${receiver.port}/hook` })
      const stream = (await created.json()) as { id: string }
      const tested = await post(`/v1/audit/orgs/${org.id}/streams/${stream.id}/test`)
      expect(await tested.json()).toEqual({ delivered: true, http_status: 200, error: null })
      expect(receiver.received).toHaveLength(1)
    } finally {
      await receiver.close()
    }
  })

  it.each([
    ['holds no certificate', 'not a certificate\n', /--stream-ca .*holds no PEM certificate/],
    ['cannot be read', null, /--stream-ca: cannot read .* \(ENOENT\)/],
  ])('refuses to start when the file %s', async (_label, text, message) => {
    const file = join(dir, `bad-ca-${text === null ? 'missing' : 'text'}.pem`)
    if (text !== null) writeFileSync(file, text)
    const run = await runCli(['serve', '--db', join(dir, 'bad-ca.db'), '--port', '0', '--stream-ca', file], { env })
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(message)
  })
})
