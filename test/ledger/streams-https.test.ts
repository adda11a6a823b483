/**
 * HTTPS deliveries against real TLS servers on 127.0.0.1, with certificates made in the test
 * (test/support/tls-certificates.ts): a receiver whose certificate a private CA issued is
 * reached once the ledger trusts that CA (`streams.ca`), and refused, with a `last_error` that
 * says why and nothing more, when its certificate is untrusted or names another host. The target
 * guard still judges the address while TLS checks the certificate against the URL's name.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rootCertificates } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Ledger } from '../../src/ledger/ledger.js'
import { NO_PUBLIC_ADDRESS } from '../../src/ledger/streams/send.js'
import type { StreamOptions } from '../../src/ledger/streams/streams.js'
import { defaultTrustStore, StreamCa, trustAnchors } from '../../src/ledger/streams/tls-trust.js'
import { createTransport } from '../../src/ledger/streams/transport.js'
import { eventBody, startLedger, type TestLedger } from '../support/ledger.js'
import { issue, type Issued } from '../support/tls-certificates.js'
import { startReceiver } from '../support/webhook-receiver.js'

const ca = issue({ name: 'auditlens test private CA', ca: true })
const otherCa = issue({ name: 'a CA the ledger does not trust', ca: true })
const UNTRUSTED = "the receiver's certificate does not chain to a CA the ledger trusts"
const WRONG_NAME =
  "TLS failed (ERR_TLS_CERT_ALTNAME_INVALID): the receiver's certificate is not for the URL's host name"

type Receiver = Awaited<ReturnType<typeof startReceiver>>
const cleanups: (() => Promise<unknown>)[] = []
const logged: string[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

/** A leaf served with the certificates above it, as a server sends its chain. */
const chain = (leaf: Issued, ...above: Issued[]): Issued => ({
  ...leaf,
  cert: [leaf, ...above].map((c) => c.cert).join(''),
})

async function receiverWith(leaf: Issued): Promise<Receiver> {
  const receiver = await startReceiver(() => 200, { cert: leaf.cert, key: leaf.key })
  cleanups.push(() => receiver.close())
  return receiver
}

async function ledger(streams: StreamOptions): Promise<TestLedger> {
  const t = await startLedger({ streams: { warn: (line) => logged.push(line), ...streams } })
  cleanups.push(() => t.close())
  return t
}

/** Create a stream to `url` in a new org and run its `test` over the ledger's HTTP API. */
let orgs = 0
async function createAndTest(t: TestLedger, url: string) {
  const org = t.ledger.createOrg(`tls-${++orgs}`, null)
  const created = await t.call(`/v1/audit/orgs/${org.id}/streams`, { method: 'POST', json: { url } })
  expect(created.status).toBe(201)
  const stream = (await created.json()) as { id: string; signing_secret: string }
  const tested = await t.call(`/v1/audit/orgs/${org.id}/streams/${stream.id}/test`, { method: 'POST' })
  return { org, stream, answer: (await tested.json()) as Record<string, unknown> }
}

describe('a receiver whose certificate a private CA issued for localhost', () => {
  let receiver: Receiver
  let url: string
  beforeAll(async () => {
    receiver = await receiverWith(issue({ name: 'localhost', altNames: ['localhost'] }, ca))
    url = `https://localhost:${receiver.port}/hook`
  })

  it('gets test and event deliveries once the ledger trusts the CA (streams.ca), on one kept-alive connection', async () => {
    const t = await ledger({ allowPrivateTargets: true, ca: ca.cert, deliver: true })
    const connections = receiver.connections
    const { org, stream, answer } = await createAndTest(t, url)
    expect(answer).toEqual({ delivered: true, http_status: 200, error: null })
    receiver.secret = stream.signing_secret
    for (let n = 0; n < 3; n++) {
      await t.ingest(eventBody({ org: org.external_id! }))
      await t.ledger.streams.settled()
    }
    expect(t.ledger.streams.list(org.id)[0]).toMatchObject({ state: 'active', cursor_seq: 3, last_error: null })
    expect(receiver.received.slice(-3)).toEqual(
      Array(3).fill(expect.objectContaining({ type: 'audit.event', verified: true, servername: 'localhost' })),
    )
    expect(receiver.connections - connections).toBe(1)
  })

  it('is refused without the CA, saying the certificate is not trusted, before any request is sent', async () => {
    const t = await ledger({ allowPrivateTargets: true })
    const before = receiver.received.length
    const { answer } = await createAndTest(t, url)
    expect(answer).toEqual({
      delivered: false,
      http_status: null,
      error: `TLS failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE): ${UNTRUSTED}`,
    })
    expect(receiver.received.length).toBe(before)
  })
})

describe('receivers the trusted CA does not vouch for', () => {
  it.each<[string, () => Issued, string]>([
    [
      'a self-signed certificate',
      () => issue({ name: 'localhost', altNames: ['localhost'] }),
      `TLS failed (DEPTH_ZERO_SELF_SIGNED_CERT): ${UNTRUSTED}`,
    ],
    [
      'a certificate another CA issued',
      () => issue({ name: 'localhost', altNames: ['localhost'] }, otherCa),
      `TLS failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE): ${UNTRUSTED}`,
    ],
    [
      'a certificate the trusted CA issued for another name',
      () => issue({ name: 'billing.example.test', altNames: ['billing.example.test'] }, ca),
      WRONG_NAME,
    ],
    [
      'a chain that ends in another CA',
      () => chain(issue({ name: 'localhost', altNames: ['localhost'] }, otherCa), otherCa),
      `TLS failed (SELF_SIGNED_CERT_IN_CHAIN): ${UNTRUSTED}`,
    ],
    [
      'a chain through an intermediate of another CA',
      () => {
        const intermediate = issue({ name: 'another intermediate', ca: true }, otherCa)
        return chain(issue({ name: 'localhost', altNames: ['localhost'] }, intermediate), intermediate)
      },
      `TLS failed (UNABLE_TO_GET_ISSUER_CERT_LOCALLY): ${UNTRUSTED}`,
    ],
    [
      'a certificate that names the trusted CA as issuer but another key signed',
      () => issue({ name: 'localhost', altNames: ['localhost'] }, { name: ca.name, privateKey: otherCa.privateKey }),
      "TLS failed (CERT_SIGNATURE_FAILURE): the receiver's certificate has a bad signature",
    ],
    [
      'a certificate that expired in 2001',
      () => issue({ name: 'localhost', altNames: ['localhost'], validity: ['000101000000Z', '010101000000Z'] }, ca),
      "TLS failed (CERT_HAS_EXPIRED): the receiver's certificate has expired",
    ],
    [
      'a certificate valid from 9998',
      () => issue({ name: 'localhost', altNames: ['localhost'], validity: ['99980101000000Z', '99991231235959Z'] }, ca),
      "TLS failed (CERT_NOT_YET_VALID): the receiver's certificate is not valid yet",
    ],
  ])('refuses %s, at test and as last_error, naming no certificate detail', async (_label, leaf, error) => {
    const receiver = await receiverWith(leaf())
    const t = await ledger({ allowPrivateTargets: true, ca: ca.cert, deliver: true })
    const { org, answer } = await createAndTest(t, `https://localhost:${receiver.port}/hook`)
    expect(answer).toEqual({ delivered: false, http_status: null, error })
    await t.ingest(eventBody({ org: org.external_id! }))
    await t.ledger.streams.settled()
    expect(t.ledger.streams.list(org.id)[0]).toMatchObject({ state: 'error', cursor_seq: 0, last_error: error })
    expect(receiver.received).toEqual([])
  })
})

describe('the target guard over HTTPS', () => {
  // 127.0.0.1 stands in for a public address (`allowed`); the receivers listen on it only.
  const resolve = async () => [{ address: '127.0.0.1', family: 4 }]
  const allowed = (address: string) => address === '127.0.0.1'
  const post = (url: string) => {
    const transport = createTransport({
      allowPrivateTargets: false,
      resolve,
      allowed,
      ca: StreamCa.parse(ca.cert, 'ca'),
    })
    cleanups.push(async () => transport.close())
    return transport.post(url, {}, '{}', new AbortController().signal)
  }

  it('connects to the judged address while SNI and Host keep the name', async () => {
    const receiver = await receiverWith(issue({ name: 'hook.example.test', altNames: ['hook.example.test'] }, ca))
    expect(await post(`https://hook.example.test:${receiver.port}/hook`)).toBe(200)
    expect(receiver.received[0]).toMatchObject({
      servername: 'hook.example.test',
      headers: expect.objectContaining({ host: `hook.example.test:${receiver.port}` }),
    })
  })

  it('checks the certificate against the name, not the address connected to', async () => {
    const receiver = await receiverWith(issue({ name: '127.0.0.1', altNames: ['127.0.0.1'] }, ca))
    await expect(post(`https://hook.example.test:${receiver.port}/hook`)).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    })
    expect(receiver.received).toEqual([])
  })

  it('refuses a name that resolves to a private address without opening a connection', async () => {
    const receiver = await receiverWith(issue({ name: 'hook.example.test', altNames: ['hook.example.test'] }, ca))
    const t = await ledger({ ca: ca.cert, resolve })
    const { answer } = await createAndTest(t, `https://hook.example.test:${receiver.port}/hook`)
    expect(answer).toEqual({ delivered: false, http_status: null, error: NO_PUBLIC_ADDRESS })
    expect(receiver.connections).toBe(0)
  })
})

describe('streams.ca', () => {
  it('adds to node’s default trust store rather than replacing it', () => {
    // That NODE_EXTRA_CA_CERTS stays trusted too is tested on a real `serve` process
    // (test/cli/serve-stream-targets.test.ts), since node reads it when the process starts.
    const anchors = trustAnchors(StreamCa.parse(ca.cert, 'ca'))
    expect(anchors).toEqual([...defaultTrustStore(), ca.cert.trim()])
    expect(anchors).toEqual(expect.arrayContaining([...rootCertificates]))
    expect(trustAnchors(StreamCa.join([]))).toBeUndefined()
  })

  it.each([
    ['no certificate', 'not a certificate', /streams\.ca holds no PEM certificate/],
    [
      'a block that does not parse',
      `${ca.cert}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`,
      /streams\.ca: certificate 2 of 2 does not parse/,
    ],
  ])('with %s stops the ledger from starting', async (_label, text, message) => {
    await expect(startLedger({ streams: { ca: text } })).rejects.toThrow(message)
  })

  it('is checked before the ledger creates its database, so a wrong file leaves none behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auditlens-ca-'))
    const db = join(dir, 'data', 'ledger.db')
    try {
      expect(() => new Ledger({ db, retentionIntervalMs: null, streams: { ca: 'not a certificate' } })).toThrow(
        /streams\.ca holds no PEM certificate/,
      )
      expect(existsSync(join(dir, 'data'))).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
