import { describe, expect, it } from 'vitest'
import { createAuditProxy } from '../../src/proxy/proxy.js'
import { PROXY_SECRET } from '../support/proxy.js'

const proxy = (basePath?: string) =>
  createAuditProxy({
    upstream: {
      baseUrl: 'http://ledger.internal',
      apiKey: 'alk_unused',
      fetch: () => Promise.reject(new Error('unused')),
    },
    secret: PROXY_SECRET,
    ...(basePath === undefined ? {} : { basePath }),
    authorize: () => null,
  })

const call = (handler: ReturnType<typeof proxy>, method: string, path: string) =>
  handler(new Request(`http://host${path}`, { method }))

describe('the proxy’s routes, as the ledger’s router answers them', () => {
  it.each([
    ['DELETE', '/api/audit/keys', 'GET'],
    ['GET', '/api/audit/token', 'POST'],
    ['PUT', '/api/audit/events', 'GET'],
    ['POST', '/api/audit/events/aevt_1', 'GET'],
    ['GET', '/api/audit/exports', 'POST'],
    ['POST', '/api/audit/exports/handle/download', 'GET'],
  ])('answer %s %s with a JSON 405 that allows %s', async (method, path, allow) => {
    const response = await call(proxy(), method, path)
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe(allow)
    expect(await response.json()).toEqual({ error: 'method_not_allowed', message: `Use ${allow} for ${path}.` })
  })

  it.each(['/api/audit/nothing', '/api/audit', '/elsewhere', '/api/audit/events/a/b'])(
    'answer an unknown path (%s) with a JSON 404',
    async (path) => {
      const response = await call(proxy(), 'GET', path)
      expect(response.status).toBe(404)
      expect(await response.json()).toEqual({ error: 'not_found', message: `There is no route GET ${path}.` })
    },
  )

  it('match basePath literally, whatever characters it holds', async () => {
    const dotted = proxy('/audit.v1')
    expect((await call(dotted, 'GET', '/auditXv1/keys')).status).toBe(404)
    expect((await call(dotted, 'GET', '/audit.v1/keys')).status).toBe(401)
  })
})

describe('the proxy’s body limit, with no node:http adapter in front of it', () => {
  it('answers an export request over 16 KiB with a JSON 413, declared or streamed', async () => {
    const handler = createAuditProxy({
      upstream: {
        baseUrl: 'http://ledger.internal',
        apiKey: 'alk_unused',
        fetch: () => Promise.reject(new Error('unused')),
      },
      secret: PROXY_SECRET,
      authorize: () => ({ orgId: 'aorg_1', subject: 'u', scopes: ['audit:read', 'audit:export'] }),
    })
    const minted = await call(handler, 'POST', '/api/audit/token')
    const { token } = (await minted.json()) as { token: string }
    const big = JSON.stringify({ format: 'csv', filters: { actions: 'x'.repeat(17 * 1024) } })
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const declared = new Request('http://host/api/audit/exports', {
      method: 'POST',
      body: big,
      headers: { ...headers, 'content-length': String(big.length) },
    })
    const streamed = new Request('http://host/api/audit/exports', {
      method: 'POST',
      body: new Blob([big]).stream(),
      headers,
      duplex: 'half',
    } as RequestInit)
    for (const request of [declared, streamed]) {
      const response = await handler(request)
      expect(response.status).toBe(413)
      expect(await response.json()).toEqual({
        error: 'payload_too_large',
        message: 'The request body is larger than 16 KiB.',
      })
    }
  })
})
