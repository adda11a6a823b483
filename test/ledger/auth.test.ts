import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventBody, startLedger, type TestLedger } from '../support/ledger.js'

let t: TestLedger
let readOnly: string
let writeOnly: string
beforeAll(async () => {
  t = await startLedger()
  readOnly = t.ledger.apiKeys.create(['audit:read']).secret
  writeOnly = t.ledger.apiKeys.create(['audit:write']).secret
})
afterAll(() => t.close())

const as = (key: string) => ({ authorization: key === '' ? '' : `Bearer ${key}` })
const ingest = (key: string) =>
  t.call('/v1/audit/events', {
    method: 'POST',
    json: eventBody(),
    headers: { ...as(key), 'idempotency-key': crypto.randomUUID() },
  })

describe('API keys', () => {
  it('answer 401 with a Bearer challenge when the key is missing or unknown', async () => {
    for (const key of ['', 'alk_not_a_real_key']) {
      const response = await t.call('/v1/audit/orgs', { headers: as(key) })
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/)
      expect(await response.json()).toEqual({ error: 'unauthorized', message: expect.any(String) })
    }
  })

  it('answer 403 naming the scope a key lacks', async () => {
    const write = await ingest(readOnly)
    expect(write.status).toBe(403)
    expect(await write.json()).toEqual({
      error: 'forbidden',
      message: 'This API key lacks the audit:write scope needed here.',
    })
    const read = await t.call('/v1/audit/orgs', { headers: as(writeOnly) })
    expect(read.status).toBe(403)
  })

  it('let each scope do its own work', async () => {
    expect((await ingest(writeOnly)).status).toBe(201)
    expect((await t.call('/v1/audit/orgs', { headers: as(readOnly) })).status).toBe(200)
  })

  it('are stored only as hashes', () => {
    const rows = t.ledger.db.prepare('SELECT * FROM api_keys').all() as Record<string, string>[]
    expect(rows).toHaveLength(2)
    for (const row of rows) expect(Object.values(row).join(' ')).not.toContain(readOnly)
  })

  it('refuse unknown scopes when created', () => {
    expect(() => t.ledger.apiKeys.create(['audit:root' as 'audit:read'])).toThrowError(/scopes must be/)
  })
})

describe('every error is JSON', () => {
  it('answers an unknown route with a JSON 404 and a wrong method with a JSON 405', async () => {
    const missing = await t.call('/v1/audit/nothing')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ error: 'not_found', message: 'There is no route GET /v1/audit/nothing.' })
    const wrong = await t.call('/v1/audit/keys', { method: 'DELETE' })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET')
    expect(await wrong.json()).toMatchObject({ error: 'method_not_allowed' })
  })

  it('refuses a body over the route’s limit before reading it', async () => {
    const response = await t.call('/v1/audit/orgs', {
      method: 'POST',
      body: 'x'.repeat(2 * 1024 * 1024),
      headers: { 'content-type': 'application/json' },
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: 'payload_too_large' })
  })
})
