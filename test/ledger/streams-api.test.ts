/**
 * Webhook streams over the API, with the request shapes Invoance's SDKs send
 * (invoance-node `audit.ts` streams.*; Python sends bodiless POSTs without a content type).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLedger, type TestLedger } from '../support/ledger.js'
import { startReceiver } from '../support/webhook-receiver.js'

let t: TestLedger
let receiver: Awaited<ReturnType<typeof startReceiver>>
beforeAll(async () => {
  // The receiver is on 127.0.0.1, a private address: opted in explicitly (default refused).
  t = await startLedger({ streams: { allowPrivateTargets: true } })
  receiver = await startReceiver()
})
afterAll(async () => {
  await t.close()
  await receiver.close()
})

async function createStream(orgId: string, url = receiver.url) {
  const response = await t.call(`/v1/audit/orgs/${orgId}/streams`, { method: 'POST', json: { type: 'webhook', url } })
  expect(response.status).toBe(201)
  return (await response.json()) as Record<string, unknown> & { id: string; signing_secret: string }
}

const message = async (response: Response) => ((await response.json()) as { message: string }).message

describe('POST and GET /v1/audit/orgs/:id/streams', () => {
  it('creates a webhook stream and shows its signing secret once, never in GET nor in clear in the database', async () => {
    const org = t.ledger.createOrg('streams-once', null)
    const created = await createStream(org.id)
    expect(created).toEqual({
      id: expect.stringMatching(/^astr_[0-9A-Z]{26}$/),
      org_id: org.id,
      type: 'webhook',
      endpoint: receiver.url,
      url: receiver.url,
      state: 'active',
      cursor_seq: 0,
      failure_streak: 0,
      last_error: null,
      last_delivery_at: null,
      last_success_at: null,
      next_attempt_at: null,
      created_at: expect.any(String),
      signing_secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    })
    const listed = await (await t.call(`/v1/audit/orgs/${org.id}/streams`)).text()
    expect(listed).not.toContain(created.signing_secret.slice(6))
    const { signing_secret: _secret, ...withoutSecret } = created
    expect(JSON.parse(listed)).toEqual({ streams: [withoutSecret] })
    const row = t.ledger.db.prepare('SELECT * FROM streams WHERE id = ?').get(created.id)
    expect(JSON.stringify(row)).not.toContain(created.signing_secret.slice(6))
  })

  it('defaults type to webhook, as the SDKs document', async () => {
    const org = t.ledger.createOrg('streams-default-type', null)
    const response = await t.call(`/v1/audit/orgs/${org.id}/streams`, { method: 'POST', json: { url: receiver.url } })
    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({ type: 'webhook' })
  })

  it('starts at the org’s newest event: history is not backfilled', async () => {
    const org = t.ledger.createOrg('streams-head', null)
    await t.ingest({ org: 'streams-head', action: 'user.login', actor: { type: 'user', id: 'u1' }, targets: [] })
    expect((await createStream(org.id)).cursor_seq).toBe(1)
  })

  it.each([
    [{ url: 'ftp://example.com/hook' }, /url must use http or https/],
    [{ url: 'javascript:alert(1)' }, /url must use http or https/],
    [{ url: 'not a url' }, /url is not a valid URL/],
    [{ url: 'https://user:pass@example.com/hook' }, /url must not carry a user name or password/],
    [{}, /url must be an http or https URL/],
    [{ url: 42 }, /url must be an http or https URL/],
    [{ type: 'kafka', url: 'https://example.com' }, /type must be "webhook"/],
    [{ url: 'https://example.com', secret: 'mine' }, /secret is not a field of a stream/],
  ])('refuses %j with a 400 naming the field', async (body, expected) => {
    const org = t.ledger.orgByExternalId('streams-once')!
    const response = await t.call(`/v1/audit/orgs/${org.id}/streams`, { method: 'POST', json: body })
    expect(response.status).toBe(400)
    expect(await message(response)).toMatch(expected)
  })

  it('answers 404 for an unknown org', async () => {
    const response = await t.call('/v1/audit/orgs/aorg_missing/streams', {
      method: 'POST',
      json: { url: receiver.url },
    })
    expect(response.status).toBe(404)
    expect((await t.call('/v1/audit/orgs/aorg_missing/streams')).status).toBe(404)
  })
})

describe('DELETE /v1/audit/orgs/:id/streams/:sid', () => {
  it('deletes the stream, answering {deleted, id}, and only within its own org', async () => {
    const org = t.ledger.createOrg('streams-delete', null)
    const other = t.ledger.createOrg('streams-delete-other', null)
    const stream = await createStream(org.id)
    const path = `/v1/audit/orgs/${org.id}/streams/${stream.id}`
    // Invoance's Node SDK sends Content-Type: application/json on a DELETE without a body.
    const headers = { 'content-type': 'application/json' }
    expect(
      (await t.call(`/v1/audit/orgs/${other.id}/streams/${stream.id}`, { method: 'DELETE', headers })).status,
    ).toBe(404)
    const deleted = await t.call(path, { method: 'DELETE', headers })
    expect(deleted.status).toBe(200)
    expect(await deleted.json()).toEqual({ deleted: true, id: stream.id })
    expect(await (await t.call(`/v1/audit/orgs/${org.id}/streams`)).json()).toEqual({ streams: [] })
    expect((await t.call(path, { method: 'DELETE' })).status).toBe(404)
  })
})

describe('POST /v1/audit/orgs/:id/streams/:sid/test', () => {
  it.each([
    ['no content type (Python, the viewer)', {}],
    ['Content-Type: application/json and no body (Node, Go, Ruby)', { 'content-type': 'application/json' }],
    ['an unrelated content type', { 'content-type': 'text/plain' }],
  ])('sends a signed stream.test delivery with %s', async (_label, headers) => {
    const org = t.ledger.orgByExternalId('streams-once') ?? t.ledger.createOrg('streams-once', null)
    const stream = await createStream(org.id)
    receiver.secret = stream.signing_secret
    receiver.answer = () => 200
    const before = receiver.received.length
    const response = await t.call(`/v1/audit/orgs/${org.id}/streams/${stream.id}/test`, { method: 'POST', headers })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ delivered: true, http_status: 200, error: null })
    const delivery = receiver.received[before]!
    expect(delivery.verified).toBe(true)
    expect(delivery.type).toBe('stream.test')
    expect(delivery.id).toMatch(/^adlv_test_[0-9a-f]{24}$/)
    expect(JSON.parse(delivery.body)).toEqual({
      type: 'stream.test',
      stream_id: stream.id,
      org_id: org.id,
      sent_at: expect.any(String),
    })
  })

  it('reports a receiver’s error status without passing on its body or headers', async () => {
    const org = t.ledger.createOrg('streams-test-500', null)
    const stream = await createStream(org.id)
    receiver.answer = () => 500
    const response = await t.call(`/v1/audit/orgs/${org.id}/streams/${stream.id}/test`, { method: 'POST' })
    const text = await response.text()
    expect(JSON.parse(text)).toEqual({ delivered: false, http_status: 500, error: 'HTTP 500' })
    expect(text).not.toContain('do-not-leak')
    expect(response.headers.get('x-receiver-secret')).toBeNull()
  })

  it('does not follow a redirect', async () => {
    const org = t.ledger.createOrg('streams-test-302', null)
    const stream = await createStream(org.id)
    const before = receiver.received.length
    receiver.answer = (n) => (n === before ? { status: 302, location: receiver.url + '/elsewhere' } : 200)
    const response = await t.call(`/v1/audit/orgs/${org.id}/streams/${stream.id}/test`, { method: 'POST' })
    expect(await response.json()).toEqual({
      delivered: false,
      http_status: 302,
      error: 'HTTP 302: redirects are not followed',
    })
    expect(receiver.received.length).toBe(before + 1)
  })

  it('reports an unreachable receiver as a connection failure with no status', async () => {
    const closed = await startReceiver()
    await closed.close()
    const org = t.ledger.createOrg('streams-test-down', null)
    const stream = await createStream(org.id, closed.url)
    const response = await t.call(`/v1/audit/orgs/${org.id}/streams/${stream.id}/test`, { method: 'POST' })
    expect(await response.json()).toEqual({
      delivered: false,
      http_status: null,
      error: 'connection failed (ECONNREFUSED)',
    })
  })

  it('answers 404 for a stream of another org', async () => {
    const org = t.ledger.createOrg('streams-test-owner', null)
    const other = t.ledger.createOrg('streams-test-stranger', null)
    const stream = await createStream(org.id)
    expect((await t.call(`/v1/audit/orgs/${other.id}/streams/${stream.id}/test`, { method: 'POST' })).status).toBe(404)
  })
})
