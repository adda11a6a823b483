import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEV_KEY, startLedger, type TestLedger } from '../support/ledger.js'
import { sdkRequest, type Sdk } from '../support/sdk.js'

let t: TestLedger
const now = Date.parse('2026-07-01T00:00:00.000Z')

beforeAll(async () => {
  t = await startLedger({ now: () => now })
})
afterAll(() => t.close())

const me = (sdk: Sdk, key: string | null) =>
  t.call('/v1/me', {
    ...sdkRequest(sdk, 'GET'),
    headers: {
      ...(sdkRequest(sdk, 'GET').headers as Record<string, string>),
      authorization: key ? `Bearer ${key}` : '',
    },
  })

describe('GET /v1/me (Node validate()/me(), Go Client.Me/Validate, Ruby me/validate)', () => {
  it('describes the calling key in the shape the SDKs read, for a key of any single scope', async () => {
    const reader = t.ledger.apiKeys.create(['audit:read'])
    const response = await me('node', reader.secret)
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, Record<string, unknown>>
    expect(body).toEqual({
      valid: true,
      organization: {
        id: expect.stringMatching(/^aldg_[0-9A-Z]{26}$/),
        name: 'auditlens reference ledger',
        issuer_name: null,
        primary_domain: null,
        domain_verified: false,
        plan_tier: null,
      },
      tenant: { id: body.organization!.id, name: 'auditlens reference ledger' },
      api_key: {
        id: reader.id,
        name: null,
        key_prefix: 'alk',
        key_last4: null,
        scopes: ['audit:read'],
        created_at: '2026-07-01T00:00:00.000Z',
      },
      limits: { rate_limit_per_sec: null },
    })
    const writer = t.ledger.apiKeys.create(['audit:write'])
    const again = (await (await me('go', writer.secret)).json()) as typeof body
    expect(again.organization!.id).toBe(body.organization!.id)
    expect(again.api_key).toMatchObject({ id: writer.id, scopes: ['audit:write'] })
  })

  it('lists every scope for the development key', async () => {
    const response = await me('ruby', DEV_KEY)
    expect(((await response.json()) as { api_key: unknown }).api_key).toMatchObject({
      id: 'dev',
      scopes: ['audit:admin', 'audit:read', 'audit:write'],
      created_at: null,
    })
  })

  it.each([
    ['an unknown key', 'alk_not_a_key'],
    ['no key', null],
  ])('answers %s with 401 invalid_api_key in the error envelope', async (_label, key) => {
    const response = await me('go', key)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="auditlens"')
    expect(await response.json()).toEqual({ error: 'invalid_api_key', message: expect.stringMatching(/API key/) })
  })
})

describe('GET /v1/events (Python 0.2.0 validate())', () => {
  it('answers a valid key with an empty page and a bad one with 401 invalid_api_key', async () => {
    const ok = await t.call('/v1/events?limit=1', sdkRequest('python', 'GET'))
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ events: [], next_cursor: null })
    const bad = await t.call('/v1/events?limit=1', { headers: { authorization: 'Bearer alk_wrong' } })
    expect(bad.status).toBe(401)
    expect(await bad.json()).toMatchObject({ error: 'invalid_api_key' })
  })
})
