/** The client with an injected fetch, clock and sleep: no network, no real waiting. */
import { describe, expect, it } from 'vitest'
import { AuditError, createAuditClient, LosslessNumber, type AuditToken } from '../../../src/core/index.js'

interface Call {
  url: string
  init: RequestInit
}

/** A fake environment: `respond` decides each API answer; tokens are counted. */
function environment(respond: (call: Call, n: number) => Response | Promise<Response> | Error, org?: string) {
  let now = Date.parse('2026-11-20T12:00:00Z')
  const calls: Call[] = []
  const sleeps: number[] = []
  let tokenRequests = 0
  const fetchToken = async (): Promise<AuditToken> => {
    tokenRequests++
    await Promise.resolve()
    return {
      token: `tok_${tokenRequests}`,
      expires_at: new Date(now + 300_000).toISOString(),
      scopes: ['audit:read'],
      ...(org ? { org_id: org } : {}),
    }
  }
  const client = createAuditClient({
    baseUrl: 'https://host.example/api/audit',
    fetchToken,
    now: () => now,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    fetch: async (input, init = {}) => {
      const call = { url: String(input), init }
      calls.push(call)
      const answer = await respond(call, calls.length)
      if (answer instanceof Error) throw answer
      return answer
    },
  })
  return {
    client,
    calls,
    sleeps,
    tokens: () => tokenRequests,
    advance: (ms: number) => (now += ms),
  }
}

const page = (events: unknown[] = [], next: string | null = null) =>
  new Response(JSON.stringify({ events, next_cursor: next }), { status: 200 })
const error = (status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ error: 'x', message: `status ${status}` }), { status, headers })

describe('tokens', () => {
  it('makes one token request however many calls wait for it', async () => {
    const env = environment(() => page())
    await Promise.all(Array.from({ length: 20 }, () => env.client.listEvents({})))
    expect(env.tokens()).toBe(1)
    expect(env.calls).toHaveLength(20)
    expect(new Set(env.calls.map((c) => (c.init.headers as Record<string, string>).authorization))).toEqual(
      new Set(['Bearer tok_1']),
    )
  })

  it('refreshes in the background after 80% of the lifetime, still using the current token meanwhile', async () => {
    const env = environment(() => page())
    await env.client.listEvents({})
    env.advance(239_000) // 79.7%
    await env.client.listEvents({})
    expect(env.tokens()).toBe(1)
    env.advance(2_000) // 80.3%
    await env.client.listEvents({})
    expect((env.calls[2]!.init.headers as Record<string, string>).authorization).toBe('Bearer tok_1')
    await Promise.resolve()
    expect(env.tokens()).toBe(2)
    await env.client.listEvents({})
    expect((env.calls[3]!.init.headers as Record<string, string>).authorization).toBe('Bearer tok_2')
  })

  it('fetches a new token once the old one has expired, before calling', async () => {
    const env = environment(() => page())
    await env.client.listEvents({})
    env.advance(301_000)
    await env.client.listEvents({})
    expect((env.calls[1]!.init.headers as Record<string, string>).authorization).toBe('Bearer tok_2')
  })

  it('on a 401 refreshes once and retries once', async () => {
    const env = environment((_call, n) => (n === 1 ? error(401) : page()))
    await env.client.listEvents({})
    expect(env.tokens()).toBe(2)
    expect(env.calls.map((c) => (c.init.headers as Record<string, string>).authorization)).toEqual([
      'Bearer tok_1',
      'Bearer tok_2',
    ])
  })

  it('says session-expired when the fresh token is refused too', async () => {
    const env = environment(() => error(401))
    await expect(env.client.listEvents({})).rejects.toMatchObject({
      code: 'session-expired',
      status: 401,
      retryable: false,
    })
    expect(env.calls).toHaveLength(2)
  })
})

describe('retries', () => {
  it('honours Retry-After on a 429', async () => {
    const env = environment((_c, n) => (n === 1 ? error(429, { 'retry-after': '2' }) : page()))
    await env.client.listEvents({})
    expect(env.sleeps).toEqual([2000])
  })

  it('backs off exponentially with jitter on 5xx and network errors, then succeeds', async () => {
    const env = environment((_c, n) =>
      n === 1 ? error(503) : n === 2 ? new TypeError('fetch failed') : n === 3 ? error(502) : page(),
    )
    await env.client.listEvents({})
    // base 300 ms doubled per try, times the injected jitter of 0.5
    expect(env.sleeps).toEqual([150, 300, 600])
  })

  it('gives up after the attempt budget with the last error', async () => {
    const env = environment(() => error(500))
    await expect(env.client.listEvents({})).rejects.toMatchObject({ code: 'upstream', status: 500, retryable: true })
    expect(env.calls).toHaveLength(4)
  })

  it('fails at once when Retry-After asks for longer than it will wait', async () => {
    const env = environment(() => error(429, { 'retry-after': '120' }))
    await expect(env.client.listEvents({})).rejects.toMatchObject({ code: 'rate-limited', retryAfterMs: 120_000 })
    expect(env.calls).toHaveLength(1)
  })

  it.each([
    [400, 'invalid-request'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [405, 'invalid-request'],
    [410, 'invalid-request'],
    [422, 'invalid-request'],
  ] as const)('never retries a %i (%s), and keeps the server’s message', async (status, code) => {
    const env = environment(() => error(status))
    await expect(env.client.getEvent('aevt_1')).rejects.toMatchObject({ code, status, message: `status ${status}` })
    expect(env.calls).toHaveLength(1)
  })

  it('stops at once when aborted, without retrying', async () => {
    const controller = new AbortController()
    const env = environment(() => {
      controller.abort()
      return new DOMException('aborted', 'AbortError')
    })
    const result = env.client.listEvents({}, { signal: controller.signal })
    await expect(result).rejects.toBeInstanceOf(AuditError)
    await expect(result).rejects.toMatchObject({ code: 'aborted' })
    expect(env.calls).toHaveLength(1)
  })
})

describe('the keys document', () => {
  const key = { key_id: 'akey_1', algorithm: 'Ed25519', public_key: 'ab'.repeat(32), not_before: null, not_after: null }

  it('is read into keys to pin', async () => {
    const env = environment(() => new Response(JSON.stringify({ keys: [key] })))
    await expect(env.client.getKeys()).resolves.toEqual([
      { publicKey: key.public_key, keyId: 'akey_1', notBefore: null, notAfter: null },
    ])
  })

  it.each([
    ['another algorithm', { ...key, algorithm: 'RSA' }],
    ['a key that is not 64 hex characters', { ...key, public_key: 'abc' }],
    ['a window that is not a string', { ...key, not_before: 5 }],
    ['a bare hex string', key.public_key],
  ])('with %s is refused once, as an upstream error, not retried', async (_label, entry) => {
    const env = environment(() => new Response(JSON.stringify({ keys: [entry] })))
    await expect(env.client.getKeys()).rejects.toMatchObject({ code: 'upstream', retryable: false })
    expect(env.calls).toHaveLength(1)
  })
})

describe('the server’s error envelope', () => {
  const envelope = (status: number, code: string) =>
    new Response(JSON.stringify({ error: code, message: `it was ${code}` }), { status })

  it.each([
    [504, 'gateway_timeout', 'timeout', true],
    [408, 'request_timeout', 'timeout', true],
    [502, 'bad_gateway', 'upstream', true],
    [409, 'conflict', 'invalid-request', false],
    [413, 'payload_too_large', 'invalid-request', false],
    [429, 'rate_limited', 'rate-limited', true],
  ] as const)('a %i with code %s is the client’s %s', async (status, code, expected, retryable) => {
    const env = environment(() => envelope(status, code))
    await expect(env.client.getEvent('aevt_1')).rejects.toMatchObject({
      code: expected,
      status,
      retryable,
      message: `it was ${code}`,
    })
  })

  it('decides by status when the code is unknown or the body is not JSON', async () => {
    const env = environment((_call, n) =>
      n === 1 ? envelope(504, 'something_new') : new Response('<html>', { status: 504 }),
    )
    await expect(env.client.getEvent('aevt_1')).rejects.toMatchObject({ code: 'timeout', status: 504 })
  })
})

describe('requests and responses', () => {
  it('sends filters in the proxy’s names and parses numbers losslessly', async () => {
    const env = environment(
      () => new Response('{"events":[{"id":"e1","seq":7,"metadata":{"n":9223372036854775807}}],"next_cursor":"c2"}'),
    )
    const result = await env.client.listEvents({
      actions: ['a.b', 'c.d'],
      actorId: 'u1',
      targetId: 't1',
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z',
      limit: 25,
      cursor: 'c1',
    })
    const url = new URL(env.calls[0]!.url)
    expect(url.pathname).toBe('/api/audit/events')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      actions: 'a.b,c.d',
      actor_id: 'u1',
      target_id: 't1',
      occurred_after: '2026-01-01T00:00:00Z',
      occurred_before: '2026-02-01T00:00:00Z',
      limit: '25',
      cursor: 'c1',
    })
    expect(result.nextCursor).toBe('c2')
    expect((result.events[0]!.metadata as { n: LosslessNumber }).n.text).toBe('9223372036854775807')
  })

  it('reports a non-JSON answer as an upstream error', async () => {
    const env = environment(() => new Response('<html>', { status: 200 }))
    await expect(env.client.getKeys()).rejects.toMatchObject({ code: 'upstream' })
  })
})

describe('given a token for one org', () => {
  const mine = { id: 'aevt_1', org_id: 'aorg_mine', seq: 1 }
  const theirs = { id: 'aevt_2', org_id: 'aorg_theirs', seq: 2 }

  it('takes a page of the org’s own events', async () => {
    const env = environment(() => page([mine]), 'aorg_mine')
    await expect(env.client.listEvents({})).resolves.toMatchObject({ events: [mine] })
  })

  it.each([
    ['another org’s event', theirs],
    ['an event without an org', { id: 'aevt_3', seq: 3 }],
    ['something that is not an event', 'aevt_4'],
  ])('refuses a page holding %s as an upstream error, never as rows', async (_label, intruder) => {
    const env = environment(() => page([mine, intruder]), 'aorg_mine')
    await expect(env.client.listEvents({})).rejects.toMatchObject({ code: 'upstream', retryable: false })
    expect(env.calls).toHaveLength(1)
  })

  it('refuses another event than the one asked for by id', async () => {
    const env = environment(() => new Response(JSON.stringify(mine)), 'aorg_mine')
    await expect(env.client.getEvent('aevt_1')).resolves.toMatchObject(mine)
    await expect(env.client.getEvent('aevt_9')).rejects.toMatchObject({ code: 'upstream' })
  })

  it('refuses another org’s event fetched by id', async () => {
    const env = environment(() => new Response(JSON.stringify(theirs)), 'aorg_mine')
    await expect(env.client.getEvent('aevt_2')).rejects.toMatchObject({ code: 'upstream' })
  })
})

describe('creating an export', () => {
  const job = { id: 'exp_1', format: 'csv', status: 'queued', row_count: 0 }

  it('sends one Idempotency-Key for every try of one creation, and a new one for the next', async () => {
    const env = environment((_call, n) =>
      n === 1 ? error(504) : n === 2 ? new TypeError('fetch failed') : new Response(JSON.stringify(job)),
    )
    await env.client.createExport({ format: 'csv' })
    await env.client.createExport({ format: 'csv' })
    const keys = env.calls.map((c) => (c.init.headers as Record<string, string>)['idempotency-key'])
    expect(keys).toHaveLength(4)
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(keys[1]).toBe(keys[0])
    expect(keys[2]).toBe(keys[0])
    expect(keys[3]).not.toBe(keys[0])
  })
})

describe('an export answer', () => {
  const ready = (download_url: unknown) =>
    new Response(
      JSON.stringify({
        id: 'exp_1',
        format: 'ndjson',
        status: 'ready',
        row_count: 3,
        download_url,
        expires_at: '2026-11-20T12:01:00Z',
      }),
    )

  it.each([
    '/api/audit/exports/exp_1/download?sig=abc',
    'https://host.example/api/audit/exports/exp_1/download?sig=abc',
  ])('with a download link on the proxy’s origin (%s) is taken', async (link) => {
    const env = environment(() => ready(link))
    await expect(env.client.getExport('exp_1')).resolves.toMatchObject({ downloadUrl: link, status: 'ready' })
  })

  it.each([
    ['a javascript: link', 'javascript:alert(document.cookie)'],
    ['a data: link', 'data:text/html,<script>alert(1)</script>'],
    ['a link to another site', 'https://evil.example/exports/exp_1'],
    ['a protocol-relative link to another site', '//evil.example/x'],
    ['a link that is not a URL', 'http://['],
  ])('with %s is refused as an upstream error, so the page never follows it', async (_label, link) => {
    const env = environment(() => ready(link))
    await expect(env.client.getExport('exp_1')).rejects.toMatchObject({ code: 'upstream', retryable: false })
  })

  it.each([
    ['an unknown status', { status: 'done' }],
    ['an unknown format', { format: 'xlsx' }],
  ])('with %s is refused as an upstream error', async (_label, change) => {
    const body = { id: 'exp_1', format: 'csv', status: 'queued', row_count: 0, ...change }
    const env = environment(() => new Response(JSON.stringify(body)))
    await expect(env.client.getExport('exp_1')).rejects.toMatchObject({ code: 'upstream' })
  })
})

describe('the token endpoint', () => {
  it('is retried like any call when it answers 503', async () => {
    let tokenCalls = 0
    const sleeps: number[] = []
    const client = createAuditClient({
      baseUrl: 'https://host.example/api/audit',
      random: () => 0.5,
      sleep: async (ms) => void sleeps.push(ms),
      fetch: async (input) => {
        if (String(input).endsWith('/token')) {
          tokenCalls++
          return tokenCalls === 1
            ? error(503)
            : new Response(JSON.stringify({ token: 't', expires_at: new Date(Date.now() + 60_000).toISOString() }))
        }
        return page()
      },
    })
    await client.listEvents({})
    expect(tokenCalls).toBe(2)
    expect(sleeps).toEqual([150])
  })
})
