/**
 * `auditlens serve` refuses private stream targets unless started with
 * `--allow-private-stream-targets` (attack H4). Needs the built binary (`npm run build`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { startServe, type ServeProcess } from '../support/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'auditlens-serve-targets-'))
const KEY = 'alk_serve_targets_key'
const env = { ...process.env, AUDITLENS_API_KEY: KEY }
let serve: ServeProcess | undefined
afterEach(async () => {
  serve?.child.kill('SIGTERM')
  await serve?.exited
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function createStream(flags: string[], db: string): Promise<Response> {
  serve = await startServe(['--db', join(dir, db), '--port', '0', ...flags], env)
  const post = (path: string, json: unknown) =>
    fetch(serve!.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(json),
    })
  const org = (await (await post('/v1/audit/orgs', { external_id: 'acme' })).json()) as { id: string }
  return post(`/v1/audit/orgs/${org.id}/streams`, { url: 'http://127.0.0.1:9/hook' })
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
