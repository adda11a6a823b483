/**
 * A first page fetched by the host's server (`<AuditLog initialData>`): decoded and checked like
 * a fetched page, its token held for the next calls, and refused with a warning, never shown,
 * when it does not fit. The client with an injected fetch and clock: no network.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  createAuditClient,
  LosslessNumber,
  type AuditLogInitialData,
  type AuditToken,
} from '../../../src/core/index.js'
import { adoptInitialPage } from '../../../src/core/log/initial-page.js'

const NOW = Date.parse('2026-11-20T12:00:00Z')
const token = (org: string | undefined, overrides: Partial<AuditToken> = {}): AuditToken => ({
  token: `tok_server_${org}`,
  expires_at: new Date(NOW + 300_000).toISOString(),
  ...(org ? { org_id: org } : {}),
  ...overrides,
})
const event = (seq: number, org = 'aorg_mine') => ({ id: `aevt_${seq}`, org_id: org, seq })
const pageText = (events: unknown[], next: string | null = 'c1') => JSON.stringify({ events, next_cursor: next })
const data = (overrides: Partial<AuditLogInitialData> = {}): AuditLogInitialData => ({
  token: token('aorg_mine'),
  query: 'actions=user.login&limit=50',
  page: pageText([event(2), event(1)]),
  ...overrides,
})
const QUERY = { actions: ['user.login'], limit: 50 }

function environment(fetchedOrg = 'aorg_mine') {
  const authorizations: string[] = []
  let tokenRequests = 0
  const client = createAuditClient({
    baseUrl: 'https://host.example/api/audit',
    now: () => NOW,
    fetchToken: async () => {
      tokenRequests++
      return token(fetchedOrg, { token: `tok_fetched_${tokenRequests}` })
    },
    fetch: async (_url, init = {}) => {
      authorizations.push((init.headers as Record<string, string>).authorization!)
      return new Response(pageText([event(3, fetchedOrg)], null))
    },
  })
  return { client, authorizations, tokenRequests: () => tokenRequests }
}

let warn: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => warn.mockRestore())

describe('a first page from the host’s server', () => {
  it('is decoded losslessly into the events and cursor a fetched page gives', () => {
    const { client } = environment()
    // Written by hand: the number is beyond a double, as only the text can hold it.
    const exact =
      '{"events":[{"id":"aevt_1","org_id":"aorg_mine","seq":1,"amount":12345678901234567890}],"next_cursor":"c1"}'
    const decoded = adoptInitialPage(client, data({ page: exact }), QUERY)
    expect(decoded?.nextCursor).toBe('c1')
    const { amount } = decoded?.events[0] as unknown as { amount: unknown }
    expect(amount).toBeInstanceOf(LosslessNumber)
    expect(String(amount)).toBe('12345678901234567890')
  })

  it('hands its token to the next call instead of fetching one', async () => {
    const env = environment()
    expect(adoptInitialPage(env.client, data(), QUERY)?.events.map((e) => e.id)).toEqual(['aevt_2', 'aevt_1'])
    await env.client.listEvents({ ...QUERY, cursor: 'c1' })
    expect(env.tokenRequests()).toBe(0)
    expect(env.authorizations).toEqual(['Bearer tok_server_aorg_mine'])
    expect(warn).not.toHaveBeenCalled()
  })

  it.each([
    ['answers other filters', data({ query: 'actions=user.logout&limit=50' })],
    ['answers another page size', data({ query: 'actions=user.login&limit=200' })],
    ['holds another org’s event', data({ page: pageText([event(2), event(1, 'aorg_theirs')]) })],
    ['has a token without an org', data({ token: token(undefined) })],
    ['has an expired token', data({ token: token('aorg_mine', { expires_at: new Date(NOW - 1).toISOString() }) })],
    ['has no token', data({ token: null as unknown as AuditToken })],
    ['is not JSON', data({ page: '<html>' })],
    ['has no events list', data({ page: '{"next_cursor":null}' })],
    ['is not an object', 'hello' as unknown as AuditLogInitialData],
  ])('is ignored with a warning when it %s, and the page and token are fetched', async (_label, given) => {
    const env = environment()
    expect(adoptInitialPage(env.client, given, QUERY)).toBeNull()
    expect(warn).toHaveBeenCalledOnce()
    expect(String(warn.mock.calls[0]![0])).toMatch(/initialData. not used/)
    await env.client.listEvents(QUERY)
    expect(env.tokenRequests()).toBe(1)
    expect(env.authorizations).toEqual(['Bearer tok_fetched_1'])
  })

  it('is ignored when the client already holds a token of another org', async () => {
    const env = environment('aorg_other')
    await env.client.listEvents(QUERY)
    expect(adoptInitialPage(env.client, data(), QUERY)).toBeNull()
    expect(warn).toHaveBeenCalledOnce()
    await env.client.listEvents(QUERY)
    expect(env.authorizations).toEqual(['Bearer tok_fetched_1', 'Bearer tok_fetched_1'])
  })

  it('is taken beside a held token of the same org, which stays', async () => {
    const env = environment()
    await env.client.listEvents(QUERY)
    expect(adoptInitialPage(env.client, data(), QUERY)?.events).toHaveLength(2)
    await env.client.listEvents(QUERY)
    expect(env.authorizations).toEqual(['Bearer tok_fetched_1', 'Bearer tok_fetched_1'])
  })
})
