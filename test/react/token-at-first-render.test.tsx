/**
 * Without server data, `<AuditLog>` asks for its token while it first renders, not in the
 * effect after the commit: the token's round trip overlaps rendering the rest of the page.
 * The real client with an injected fetchToken and fetch.
 */
import { render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { createAuditClient } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider } from '../../src/react/index.js'

function client() {
  let tokenRequests = 0
  const made = createAuditClient({
    fetchToken: async () => {
      tokenRequests++
      return { token: 'tok', expires_at: new Date(Date.now() + 300_000).toISOString(), org_id: 'aorg_1' }
    },
    fetch: async () => new Response(JSON.stringify({ events: [], next_cursor: null })),
  })
  return { client: made, tokenRequests: () => tokenRequests }
}

describe('the token for the first page', () => {
  it('is requested before anything after <AuditLog> renders, effects included', () => {
    const { client: made, tokenRequests } = client()
    const seen: number[] = []
    // Renders after <AuditLog> and before any effect runs.
    function Probe() {
      seen.push(tokenRequests())
      return null
    }
    render(
      <AuditLogProvider client={made}>
        <AuditLog />
        <Probe />
      </AuditLogProvider>,
    )
    expect(seen[0]).toBe(1)
    expect(tokenRequests()).toBe(1)
  })
})
