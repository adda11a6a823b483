import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearerToken } from '../../src/http/bearer.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { createLedgerHandler } from '../../src/ledger/routes.js'
import { createAuditProxy } from '../../src/proxy/proxy.js'

/** Authorization headers, with how each wraps the token `T` (null: no token at all). */
const FORMS: [string | null, 'T' | null][] = [
  ['Bearer T', 'T'],
  ['bearer T', 'T'],
  ['BEARER   T', 'T'],
  ['Bearer\tT', 'T'],
  ['Bearer T   ', 'T'],
  [null, null],
  ['', null],
  ['T', null],
  ['Bearer', null],
  ['Bearer ', null],
  ['BearerT', null],
  ['Basic T', null],
  ['Bearer T T', null],
]

const request = (header: string | null, token: string, url = 'http://host/') =>
  new Request(url, { headers: header === null ? {} : { authorization: header.replace('T', token) } })

describe('bearerToken', () => {
  it.each(FORMS)('reads %j as %j', (header, expected) => {
    expect(bearerToken(request(header, 'alk_secret'))).toBe(expected && 'alk_secret')
  })
})

describe('the proxy, the ledger’s API keys and its portal tokens', () => {
  let ledger: Ledger
  let portalToken: string
  let proxyToken: string
  const apiKey = 'alk_bearer_test_key'
  let ledgerHandler: (request: Request) => Promise<Response>
  let proxy: (request: Request) => Promise<Response>

  beforeAll(async () => {
    ledger = new Ledger({ db: ':memory:', devApiKey: apiKey })
    ledgerHandler = createLedgerHandler(ledger)
    const org = ledger.createOrg('acme', null)
    portalToken = (await ledger.portal.exchange(ledger.portal.create(org.id, 600).token)).token
    proxy = createAuditProxy({
      upstream: {
        baseUrl: 'http://ledger.internal',
        apiKey,
        fetch: (input, init) => ledgerHandler(new Request(input, init)),
      },
      secret: 'test-secret-that-is-at-least-32-bytes-long!',
      trustedKeys: [],
      authorize: () => ({ orgId: org.id, subject: 'u', scopes: ['audit:read'] }),
    })
    const minted = await proxy(new Request('http://host/api/audit/token', { method: 'POST' }))
    proxyToken = ((await minted.json()) as { token: string }).token
  })
  afterAll(() => ledger.close())

  it.each(FORMS)('all accept or all refuse %j, each with its own 401 realm', async (header, expected) => {
    const statuses = await Promise.all([
      proxy(request(header, proxyToken, 'http://host/api/audit/keys')),
      ledgerHandler(request(header, apiKey, 'http://ledger.internal/v1/audit/orgs')),
      ledgerHandler(request(header, portalToken, 'http://ledger.internal/v1/audit/portal/org')),
    ])
    expect(statuses.map((r) => r.status)).toEqual(expected ? [200, 200, 200] : [401, 401, 401])
    if (!expected) {
      expect(statuses.map((r) => r.headers.get('www-authenticate'))).toEqual([
        'Bearer realm="auditlens"',
        'Bearer realm="auditlens"',
        'Bearer realm="auditlens-portal"',
      ])
    }
  })
})
