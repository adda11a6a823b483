/**
 * The portal's stream routes as Invoance's viewer calls them (invoance-audit-viewer
 * `src/StreamConfig.tsx`): bearer token of a `log_streams` session, from another origin, the
 * org taken from the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { portalJwt, startLedger, type TestLedger } from '../support/ledger.js'
import { startReceiver } from '../support/webhook-receiver.js'

let t: TestLedger
let receiver: Awaited<ReturnType<typeof startReceiver>>
let acme: string
let globex: string

beforeAll(async () => {
  // The receiver is on 127.0.0.1, a private address: opted in explicitly (default refused).
  t = await startLedger({ streams: { allowPrivateTargets: true } })
  receiver = await startReceiver()
  acme = t.ledger.createOrg('acme', 'Acme').id
  globex = t.ledger.createOrg('globex', 'Globex').id
})
afterAll(async () => {
  await receiver.close()
  await t.close()
})

const sessionJwt = (organization_id: string, intent: string) => portalJwt(t, organization_id, intent)

/** The viewer's calls: bearer always, JSON content type only on POST /streams. */
const portal = (jwt: string, path: string, init: { method?: string; json?: unknown } = {}) =>
  fetch(`${t.url}/v1/audit/portal${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${jwt}`,
      origin: 'http://localhost:5173',
      ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  })

describe('/v1/audit/portal/streams', () => {
  it('lets a log_streams session create, list, test and delete its org’s streams, showing the secret once', async () => {
    const jwt = await sessionJwt('acme', 'log_streams')
    const created = await portal(jwt, '/streams', { method: 'POST', json: { type: 'webhook', url: receiver.url } })
    expect(created.status).toBe(201)
    expect(created.headers.get('access-control-allow-origin')).toBeTruthy()
    const stream = (await created.json()) as { id: string; signing_secret: string; endpoint: string; org_id: string }
    expect(stream).toMatchObject({
      endpoint: receiver.url,
      org_id: acme,
      signing_secret: expect.stringMatching(/^whsec_/),
    })
    receiver.secret = stream.signing_secret

    const listed = (await (await portal(jwt, '/streams')).json()) as { streams: Record<string, unknown>[] }
    expect(listed.streams.map((s) => s.id)).toEqual([stream.id])
    expect(listed.streams[0]).not.toHaveProperty('signing_secret')

    const tested = await portal(jwt, `/streams/${stream.id}/test`, { method: 'POST' })
    expect(await tested.json()).toEqual({ delivered: true, http_status: 200, error: null })
    await receiver.waitFor(1)
    const delivery = receiver.received.at(-1)!
    expect(delivery).toMatchObject({ verified: true })
    // The header Invoance's viewer names to receivers carries the same signature.
    expect(delivery.headers['x-invoance-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/)
    expect(delivery.headers['x-invoance-signature']).toBe(delivery.headers['webhook-signature'])

    expect((await portal(jwt, `/streams/${stream.id}`, { method: 'DELETE' })).status).toBe(200)
    expect(((await (await portal(jwt, '/streams')).json()) as { streams: unknown[] }).streams).toEqual([])
  })

  it('keeps each session to its own org: another org’s stream is not found', async () => {
    const globexStream = t.ledger.streams.create(globex, { url: receiver.url })
    const jwt = await sessionJwt('acme', 'log_streams')
    expect(((await (await portal(jwt, '/streams')).json()) as { streams: unknown[] }).streams).toEqual([])
    expect((await portal(jwt, `/streams/${globexStream.id}`, { method: 'DELETE' })).status).toBe(404)
    expect((await portal(jwt, `/streams/${globexStream.id}/test`, { method: 'POST' })).status).toBe(404)
    expect(t.ledger.streams.list(globex)).toHaveLength(1)
  })

  it('refuses an audit_logs session (403) and a missing token (401)', async () => {
    const jwt = await sessionJwt('acme', 'audit_logs')
    const refused = await portal(jwt, '/streams')
    expect(refused.status).toBe(403)
    expect(refused.headers.get('access-control-allow-origin')).toBeTruthy()
    expect((await portal(jwt, '/streams', { method: 'POST', json: { url: receiver.url } })).status).toBe(403)
    const anonymous = await fetch(`${t.url}/v1/audit/portal/streams`)
    expect(anonymous.status).toBe(401)
  })
})
