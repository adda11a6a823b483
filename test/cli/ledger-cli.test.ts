/**
 * The ledger's commands as a user runs them, built binary in child processes, ending with the
 * promise the ledger makes: its NDJSON export passes `auditlens verify` against its own keys.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Ledger } from '../../src/ledger/ledger.js'
import { BIN, runCli } from '../support/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'auditlens-ledger-cli-'))
const db = join(dir, 'ledger.db')
const env = { ...process.env, AUDITLENS_API_KEY: '' }

const run = (args: string[]) => runCli(args, { env })

let server: ChildProcessWithoutNullStreams | undefined
afterAll(() => server?.kill('SIGKILL'))

/** Start `auditlens serve` on a free port; resolves with its URL and what it printed up to its `try:` line. */
function serve(serveEnv: NodeJS.ProcessEnv): Promise<{ url: string; printed: string }> {
  server = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0'], { env: serveEnv })
  return new Promise((resolve, reject) => {
    let out = ''
    server!.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d
      const match = /listening on (http:\/\/[\d.:]+) [\s\S]*try:.*\n/.exec(out)
      if (match) resolve({ url: match[1]!, printed: out })
    })
    server!.on('close', (code) => reject(new Error(`serve exited ${code}: ${out}`)))
  })
}

async function stopServe(): Promise<unknown> {
  server!.kill('SIGINT')
  return new Promise((resolve) => server!.on('close', resolve))
}

describe('auditlens serve, seed and keys', () => {
  let apiKey = ''

  it('keys create prints a new key once, on stdout alone', async () => {
    const created = await run(['keys', 'create', '--scopes', 'audit:read,audit:write', '--db', db])
    expect(created.code).toBe(0)
    apiKey = created.stdout.trim()
    expect(apiKey).toMatch(/^alk_[\w-]{40,}$/)
    expect(created.stderr).toMatch(/shown only once/)
  })

  it('keeps the private signing key in a 0600 file in keys/ beside the database', () => {
    const files = readdirSync(join(dir, 'keys'))
    const keys = files.filter((file) => file.endsWith('.pem'))
    expect(keys).toHaveLength(1)
    // Beside it, the validity window it was made with: the record a database write cannot change.
    expect(files.sort()).toEqual([keys[0], keys[0]!.replace('.pem', '.window.json')])
    for (const file of files) expect(statSync(join(dir, 'keys', file)).mode & 0o777, file).toBe(0o600)
  })

  it('says where that is: serve prints it, and every command’s --help states the rule', async () => {
    const { printed } = await serve(env)
    expect(printed).toContain(`signing key: ${join(dir, 'keys')} (private, 0600`)
    expect(await stopServe()).toBe(0)
    for (const command of ['serve', 'seed', 'keys']) {
      const help = await run([command, '--help'])
      expect(help, command).toMatchObject({ code: 0, stderr: '' })
      expect(help.stdout, command).toContain(`Usage: auditlens ${command}`)
      expect(help.stdout.replace(/\s+/g, ' '), command).toContain(
        'signing keys are 0600 files in keys/ beside it (--db /x/ledger.db keeps them in /x/keys/)',
      )
    }
  })

  it('seed adds realistic events to an org it creates', async () => {
    const seeded = await run(['seed', '--org', 'acme', '--count', '300', '--db', db])
    expect(seeded).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Added 300 events to acme \(aorg_\w+\)/) })
  })

  it('serve answers over HTTP, and its NDJSON export passes auditlens verify against /v1/audit/keys', async () => {
    const { url } = await serve(env)
    const auth = { authorization: `Bearer ${apiKey}` }
    const { orgs } = (await (await fetch(`${url}/v1/audit/orgs`, { headers: auth })).json()) as {
      orgs: { id: string }[]
    }
    const created = await fetch(`${url}/v1/audit/exports`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ org_id: orgs[0]!.id, format: 'ndjson' }),
    })
    let job = (await created.json()) as { id: string; status: string; download_url: string | null }
    for (let i = 0; i < 100 && job.status !== 'ready'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      job = (await (await fetch(`${url}/v1/audit/exports/${job.id}`, { headers: auth })).json()) as typeof job
    }
    expect(job.status).toBe('ready')
    const exported = join(dir, 'export.ndjson')
    writeFileSync(exported, await (await fetch(job.download_url!)).text())
    writeFileSync(join(dir, 'keys.json'), await (await fetch(`${url}/v1/audit/keys`)).text())

    const verified = await run(['verify', exported, '--keys', join(dir, 'keys.json'), '--require-checkpoint'])
    expect(verified).toMatchObject({ code: 0 })
    expect(verified.stdout).toMatch(
      /^Checkpoint: complete, seq 1 to \d+ each once and the root matches auditlens\.local\/aldg_\w+\/orgs\/aorg_\w+ as of .*\n300 events: 300 verified\n$/,
    )

    expect(await stopServe()).toBe(0)
  })

  it('serve prints the API key it made up, but never one from AUDITLENS_API_KEY', async () => {
    const made = await serve(env)
    const key = /API key: +(alk_dev_[\w-]+)/.exec(made.printed)?.[1]
    expect((await fetch(`${made.url}/v1/audit/orgs`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200)
    expect(await stopServe()).toBe(0)

    const secret = 'alk_operator_chosen_secret_4f9a1c'
    const given = await serve({ ...process.env, AUDITLENS_API_KEY: secret })
    // The URL it gives for the proxy is the origin, without /v1, as AUDIT_API_URL must be.
    expect(given.printed).toContain(`proxy URL:   ${given.url} (AUDIT_API_URL, without /v1)`)
    expect(given.printed).not.toContain(secret)
    expect(given.printed).toMatch(/API key: +the one in AUDITLENS_API_KEY \(not shown\)/)
    const orgs = await fetch(`${given.url}/v1/audit/orgs`, { headers: { authorization: `Bearer ${secret}` } })
    expect(orgs.status).toBe(200)
    expect(await stopServe()).toBe(0)
  })

  it('keys rotate starts a new key and closes the old window, which keys list shows', async () => {
    const rotated = await run(['keys', 'rotate', '--db', db])
    expect(rotated).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Now signing with akey_\w+ \([0-9a-f]{64}\)/),
    })
    const listed = await run(['keys', 'list', '--db', db])
    const lines = listed.stdout.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).not.toMatch(/\.\. now$/)
    expect(lines[1]).toMatch(/\.\. now$/)
  })

  it('serve binds its port before seeding, so a busy port fails at once and seeds nothing', async () => {
    const busy = createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    const port = (busy.address() as AddressInfo).port
    const fresh = join(dir, 'busy', 'ledger.db')
    try {
      const result = await run(['serve', '--db', fresh, '--port', String(port), '--seed', '200000'])
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(new RegExp(`^auditlens: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`))
      expect(result.stdout).not.toMatch(/Seeded/)
    } finally {
      await new Promise((resolve) => busy.close(resolve))
    }
    const ledger = new Ledger({ db: fresh })
    try {
      expect(ledger.db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 0 })
    } finally {
      await ledger.close()
    }
  })

  it('refuses bad arguments with exit 2 and one line', async () => {
    for (const args of [
      ['keys', 'create', '--scopes', 'audit:root', '--db', db],
      ['keys', 'frob'],
      ['seed', '--count', '5'],
      ['serve', '--port', 'x'],
    ]) {
      const result = await run(args)
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/^auditlens: /)
    }
  })
})
