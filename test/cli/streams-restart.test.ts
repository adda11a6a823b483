/**
 * At-least-once delivery across a crash: `auditlens serve` is killed with SIGKILL while a
 * webhook delivery is in flight, restarted on the same database, and the receiver ends with
 * every event, in order of first arrival, duplicated only under the same webhook-id.
 * Needs the built binary (`npm run build`), like the other CLI tests.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { startServe, type ServeProcess } from '../support/cli.js'
import { eventBody } from '../support/ledger.js'
import { startReceiver } from '../support/webhook-receiver.js'

const dir = mkdtempSync(join(tmpdir(), 'auditlens-streams-restart-'))
const db = join(dir, 'ledger.db')
const KEY = 'alk_streams_restart_key'
const env = { ...process.env, AUDITLENS_API_KEY: KEY }
let serve: ServeProcess | undefined
const receiver = await startReceiver()
afterAll(async () => {
  serve?.child.kill('SIGKILL')
  await receiver.close()
  rmSync(dir, { recursive: true, force: true })
})

let n = 0
async function call(path: string, json?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(serve!.url + path, {
    method: json === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'idempotency-key': `k-${++n}` },
    body: json === undefined ? undefined : JSON.stringify(json),
  })
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as Record<string, unknown>
}

const seqOf = (body: string) => (JSON.parse(body) as { seq: number }).seq

describe('webhook streams across a SIGKILL', () => {
  it('lose nothing and duplicate only under the same webhook-id', { timeout: 60_000 }, async () => {
    const HANG_AT = 7
    receiver.answer = (i) => (i === HANG_AT ? 'hang' : 200)
    // The receiver is on 127.0.0.1: private targets are opted in explicitly.
    const args = ['--db', db, '--port', '0', '--allow-private-stream-targets']
    serve = await startServe(args, env)
    const org = await call('/v1/audit/orgs', { external_id: 'acme' })
    const stream = await call(`/v1/audit/orgs/${String(org.id)}/streams`, { url: receiver.url })
    receiver.secret = String(stream.signing_secret)
    for (let i = 1; i <= 20; i++) await call('/v1/audit/events', eventBody({ action: `step.n${i}` }))
    await receiver.waitFor(HANG_AT + 1)

    // The receiver holds delivery number 8 open: the ledger dies with it in flight.
    serve.child.kill('SIGKILL')
    expect(await serve.exited).toBe('SIGKILL')
    receiver.answer = () => 200
    serve = await startServe(args, env)
    for (let i = 21; i <= 25; i++) await call('/v1/audit/events', eventBody({ action: `step.n${i}` }))
    while (new Set(receiver.received.map((r) => seqOf(r.body))).size < 25)
      await receiver.waitFor(receiver.received.length + 1)

    const seqs = receiver.received.map((r) => seqOf(r.body))
    const firstArrivals = seqs.filter((seq, i) => seqs.indexOf(seq) === i)
    expect(firstArrivals).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
    expect(receiver.received.every((r) => r.verified)).toBe(true)
    // One delivery id per event and one event per delivery id, with identical bodies.
    const byId = new Map<string, string>()
    for (const r of receiver.received) {
      expect(byId.get(r.id) ?? r.body).toBe(r.body)
      byId.set(r.id, r.body)
    }
    expect(byId.size).toBe(25)
    // The delivery cut short by the kill is the one sent again.
    expect(seqs.filter((seq) => seq === HANG_AT + 1)).toHaveLength(2)

    // The cursor is written by the other process just after the receiver answers.
    let health: Record<string, unknown> = {}
    for (let tries = 0; tries < 100 && health.cursor_seq !== 25; tries++) {
      health = ((await call(`/v1/audit/orgs/${String(org.id)}/streams`)).streams as Record<string, unknown>[])[0]!
      if (health.cursor_seq !== 25) await delay(20)
    }
    expect(health).toMatchObject({ state: 'active', cursor_seq: 25, failure_streak: 0 })
  })
})
