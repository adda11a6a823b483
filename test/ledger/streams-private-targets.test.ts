/**
 * Streams refuse private and special-purpose targets by default (attack H4: a stream creator,
 * a `log_streams` portal session included, probing the ledger's network), over real HTTP: a
 * literal address at create with a 400, a name after it resolves, at `test` and at delivery.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Ledger } from '../../src/ledger/ledger.js'
import { NO_PUBLIC_ADDRESS } from '../../src/ledger/streams/send.js'
import type { StreamOptions } from '../../src/ledger/streams/streams.js'
import { REFUSAL_LOG_INTERVAL_MS } from '../../src/ledger/streams/refusal-log.js'
import type { Resolver } from '../../src/ledger/streams/target-guard.js'
import { eventBody, portalJwt, startLedger, type TestLedger } from '../support/ledger.js'
import { ManualClock } from '../support/manual-clock.js'
import { startReceiver } from '../support/webhook-receiver.js'

let receiver: Awaited<ReturnType<typeof startReceiver>>
let port: string
const cleanups: (() => Promise<unknown>)[] = []
beforeAll(async () => {
  receiver = await startReceiver()
  port = new URL(receiver.url).port
})
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  await receiver.close()
})

/** What the ledgers below wrote to their own log. */
const logged: string[] = []

async function ledger(streams: StreamOptions) {
  const t = await startLedger({ streams: { warn: (line) => logged.push(line), ...streams } })
  cleanups.push(() => t.close())
  return t
}

async function create(t: TestLedger, orgId: string, url: string) {
  return t.call(`/v1/audit/orgs/${orgId}/streams`, { method: 'POST', json: { url } })
}

async function testDelivery(t: TestLedger, orgId: string, streamId: string) {
  const response = await t.call(`/v1/audit/orgs/${orgId}/streams/${streamId}/test`, { method: 'POST' })
  return (await response.json()) as Record<string, unknown>
}

describe('stream targets, by default', () => {
  it.each([
    '127.0.0.1',
    '0.0.0.0',
    '10.0.0.5',
    '172.16.3.4',
    '192.168.0.10',
    '169.254.169.254',
    '100.64.0.1',
    '2130706433', // 127.0.0.1 as one number; the URL parser normalises it
    '0x7f.1',
    '[::1]',
    '[::]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[::ffff:169.254.169.254]',
    '[fd00::1]',
    '[fe80::1]',
    '[64:ff9b::7f00:1]',
  ])('refuses a stream to http://%s at create with a 400 that says why', async (host) => {
    const t = await ledger({})
    const org = t.ledger.createOrg('h4-literal', null)
    const response = await create(t, org.id, `http://${host}:${port}/hook`)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      message: expect.stringMatching(/private or special-purpose address.*--allow-private-stream-targets/),
    })
    expect(t.ledger.streams.list(org.id)).toEqual([])
  })

  it('refuses a literal private address from a log_streams portal session too', async () => {
    const t = await ledger({})
    t.ledger.createOrg('h4-portal', null)
    const jwt = await portalJwt(t, 'h4-portal', 'log_streams')
    const response = await fetch(`${t.url}/v1/audit/portal/streams`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://169.254.169.254/latest/meta-data/' }),
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toMatch(/private or special-purpose/)
  })

  it('refuses a name that resolves to loopback (localhost) at test, without connecting or reporting a status', async () => {
    const t = await ledger({})
    const org = t.ledger.createOrg('h4-localhost', null)
    const created = await create(t, org.id, `http://localhost:${port}/hook`)
    expect(created.status).toBe(201)
    const stream = (await created.json()) as { id: string }
    const before = receiver.received.length
    expect(await testDelivery(t, org.id, stream.id)).toEqual({
      delivered: false,
      http_status: null,
      error: NO_PUBLIC_ADDRESS,
    })
    expect(receiver.received.length).toBe(before)
  })

  it('refuses a name at delivery, recording the refusal as the stream’s last error', async () => {
    const t = await ledger({ deliver: true })
    const org = t.ledger.createOrg('h4-delivery', null)
    const created = await create(t, org.id, `http://localhost:${port}/hook`)
    const stream = (await created.json()) as { id: string }
    const before = receiver.received.length
    await t.ingest(eventBody({ org: 'h4-delivery' }))
    await t.ledger.streams.settled()
    expect(t.ledger.streams.list(org.id)[0]).toMatchObject({
      id: stream.id,
      state: 'error',
      cursor_seq: 0,
      failure_streak: 1,
      last_error: NO_PUBLIC_ADDRESS,
    })
    expect(receiver.received.length).toBe(before)
  })

  it.each<[string, Resolver]>([
    ['IPv4-mapped loopback', async () => [{ address: '::ffff:127.0.0.1', family: 6 }]],
    ['a ULA', async () => [{ address: 'fd00::5', family: 6 }]],
    [
      'one private address among public ones',
      async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ],
    ],
  ])('refuses a name whose DNS answer holds %s', async (_label, resolve) => {
    const t = await ledger({ resolve })
    const org = t.ledger.createOrg('h4-dns', null)
    const stream = (await (await create(t, org.id, 'http://hook.example.test/hook')).json()) as { id: string }
    expect(await testDelivery(t, org.id, stream.id)).toEqual({
      delivered: false,
      http_status: null,
      error: NO_PUBLIC_ADDRESS,
    })
  })
})

describe('an internal name and an unknown name', () => {
  // Told apart (a refusal against ENOTFOUND), they would let a stream creator map which names
  // exist on the ledger's network; the operator reads the difference in the ledger's log.
  const resolve: Resolver = async (hostname) => {
    if (hostname === 'billing.internal.test') return [{ address: '10.0.0.7', family: 4 }]
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
  }

  it('read the same at test and as last_error, and only the ledger’s log says which', async () => {
    const t = await ledger({ resolve, deliver: true })
    const org = t.ledger.createOrg('h4-names', null)
    const answers = []
    const ids: string[] = []
    for (const host of ['billing.internal.test', 'nothing.internal.test']) {
      const created = await create(t, org.id, `http://${host}/hook`)
      expect(created.status).toBe(201)
      const stream = (await created.json()) as { id: string }
      ids.push(stream.id)
      answers.push(await testDelivery(t, org.id, stream.id))
    }
    expect(answers).toEqual([
      { delivered: false, http_status: null, error: NO_PUBLIC_ADDRESS },
      { delivered: false, http_status: null, error: NO_PUBLIC_ADDRESS },
    ])
    await t.ingest(eventBody({ org: 'h4-names' }))
    await t.ledger.streams.settled()
    const listed = await (await t.call(`/v1/audit/orgs/${org.id}/streams`)).json()
    expect(listed).toMatchObject({
      streams: expect.arrayContaining(
        ids.map((id) => expect.objectContaining({ id, last_error: NO_PUBLIC_ADDRESS, failure_streak: 1 })),
      ),
    })
    expect(logged).toEqual(
      expect.arrayContaining([
        `auditlens: stream ${ids[0]}: no public address: billing.internal.test resolves to 10.0.0.7, not a public address`,
        `auditlens: stream ${ids[1]}: no public address: nothing.internal.test did not resolve (ENOTFOUND)`,
      ]),
    )
  })
})

describe('the ledger’s log of refusals', () => {
  // Anyone who may create a stream, a portal session included, can call test at will; each
  // refusal writing a line would let them fill the operator's log (refusal-log.ts).
  it('says once per stream why its host was refused, however often test is called, until the reason changes', async () => {
    const clock = new ManualClock()
    let resolvesTo: string | null = '10.0.0.7'
    const resolve: Resolver = async (hostname) => {
      if (resolvesTo !== null) return [{ address: resolvesTo, family: 4 }]
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
    }
    const lines: string[] = []
    const { now, setTimeout, clearTimeout } = clock
    const t = await startLedger({
      now,
      streams: { warn: (line) => lines.push(line), resolve, deliver: true, setTimeout, clearTimeout },
    })
    cleanups.push(() => t.close())
    const org = t.ledger.createOrg('l7-log', null)
    const stream = (await (await create(t, org.id, 'http://billing.internal.test/hook')).json()) as { id: string }
    const refused = { delivered: false, http_status: null, error: NO_PUBLIC_ADDRESS }
    const prefix = `auditlens: stream ${stream.id}: no public address: billing.internal.test`

    for (let i = 0; i < 5; i++) expect(await testDelivery(t, org.id, stream.id)).toEqual(refused)
    await t.ingest(eventBody({ org: 'l7-log' }))
    await t.ledger.streams.settled()
    expect(lines).toEqual([`${prefix} resolves to 10.0.0.7, not a public address`])

    // A new reason is logged, but not sooner than the interval after the last line.
    resolvesTo = null
    for (let i = 0; i < 3; i++) expect(await testDelivery(t, org.id, stream.id)).toEqual(refused)
    expect(lines).toHaveLength(1)
    clock.advance(REFUSAL_LOG_INTERVAL_MS)
    await t.ledger.streams.settled()
    for (let i = 0; i < 3; i++) expect(await testDelivery(t, org.id, stream.id)).toEqual(refused)
    expect(lines).toEqual([
      `${prefix} resolves to 10.0.0.7, not a public address`,
      `${prefix} did not resolve (ENOTFOUND)`,
    ])

    // The same reason after the interval stays out of the log: it is not news.
    clock.advance(REFUSAL_LOG_INTERVAL_MS)
    await t.ledger.streams.settled()
    for (let i = 0; i < 3; i++) expect(await testDelivery(t, org.id, stream.id)).toEqual(refused)
    expect(lines).toHaveLength(2)
  })
})

describe('a stream stored while private targets were allowed', () => {
  it('is refused (literal addresses are judged again at send) once the ledger runs without the opt-in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auditlens-h4-'))
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }))
    const db = join(dir, 'ledger.db')
    const before = new Ledger({ db, streams: { allowPrivateTargets: true } })
    const org = before.createOrg('h4-stored', null)
    const stream = before.streams.create(org.id, { url: receiver.url })
    await before.close()
    const after = new Ledger({ db, warn: (line) => logged.push(line) })
    cleanups.push(() => after.close())
    const received = receiver.received.length
    expect(await after.streams.test(org.id, stream.id)).toEqual({
      delivered: false,
      http_status: null,
      error: NO_PUBLIC_ADDRESS,
    })
    expect(receiver.received.length).toBe(received)
    expect(logged).toContain(`auditlens: stream ${stream.id}: no public address: 127.0.0.1 is not a public address`)
  })
})

describe('stream targets with allowPrivateTargets (tests, local development)', () => {
  it('creates, tests and delivers to 127.0.0.1 and to localhost', async () => {
    const t = await ledger({ allowPrivateTargets: true })
    const org = t.ledger.createOrg('h4-allowed', null)
    for (const url of [receiver.url, `http://localhost:${port}/hook`]) {
      const created = await create(t, org.id, url)
      expect(created.status).toBe(201)
      const stream = (await created.json()) as { id: string; signing_secret: string }
      receiver.secret = stream.signing_secret
      const before = receiver.received.length
      expect(await testDelivery(t, org.id, stream.id)).toEqual({ delivered: true, http_status: 200, error: null })
      expect(receiver.received[before]?.verified).toBe(true)
    }
  })
})
