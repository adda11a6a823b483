/**
 * Without server data, `<AuditLog>` asks for its token and its first page while it first
 * renders, not in the effect after the commit: both round trips overlap rendering the rest of
 * the page. Under StrictMode (two renders, two effects) that is still one request each
 * (server-render-requests.test.tsx: a server render asks for nothing). The real client with an injected fetchToken and fetch.
 */
import { render, screen } from '@testing-library/react'
import { StrictMode, type ReactNode } from 'react'
import { describe, expect, it } from 'vitest'
import { createAuditClient } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider } from '../../src/react/index.js'

// The window's code loads on demand after the first page; loaded up front, so it is not still
// loading when the file's tests end.
await import('../../src/core/log/page-window.js')

const NOW = Date.parse('2026-11-20T12:00:00.000Z')

function client() {
  let tokenRequests = 0
  const pageRequests: string[] = []
  const made = createAuditClient({
    now: () => NOW,
    fetchToken: async () => {
      tokenRequests++
      return { token: 'tok', expires_at: new Date(NOW + 300_000).toISOString(), org_id: 'aorg_1' }
    },
    fetch: async (url) => {
      pageRequests.push(String(url))
      return new Response(JSON.stringify({ events: [], next_cursor: null }))
    },
  })
  return { client: made, tokenRequests: () => tokenRequests, pageRequests }
}

/** Renders after <AuditLog> and before any effect runs: what it saw, per render. */
function probe(read: () => number) {
  const seen: number[] = []
  function Probe() {
    seen.push(read())
    return null
  }
  return { seen, Probe }
}

const page = (made: ReturnType<typeof client>['client'], children: ReactNode) => (
  <AuditLogProvider client={made}>{children}</AuditLogProvider>
)

describe('the token and the first page', () => {
  it('the token is requested before anything after <AuditLog> renders, effects included', () => {
    const { client: made, tokenRequests } = client()
    const { seen, Probe } = probe(tokenRequests)
    render(
      page(
        made,
        <>
          <AuditLog />
          <Probe />
        </>,
      ),
    )
    expect(seen[0]).toBe(1)
    expect(tokenRequests()).toBe(1)
  })

  it('the first page is asked for before anything after <AuditLog> renders, effects included', async () => {
    const { client: made, pageRequests } = client()
    // The real client's own listEvents, counted (its fetch waits for the token, after this render).
    let asked = 0
    const listEvents = made.listEvents.bind(made)
    made.listEvents = (query, options) => {
      asked++
      return listEvents(query, options)
    }
    const { seen, Probe } = probe(() => asked)
    render(
      page(
        made,
        <>
          <AuditLog />
          <Probe />
        </>,
      ),
    )
    expect(seen[0]).toBe(1)
    expect(await screen.findByText('No events yet')).toBeInTheDocument()
    expect(asked).toBe(1)
    expect(pageRequests).toHaveLength(1)
  })

  it('under StrictMode, one token request and one first-page request', async () => {
    const { client: made, tokenRequests, pageRequests } = client()
    render(<StrictMode>{page(made, <AuditLog />)}</StrictMode>)
    expect(await screen.findByText('No events yet')).toBeInTheDocument()
    expect(tokenRequests()).toBe(1)
    expect(pageRequests.filter((url) => url.includes('/events?'))).toHaveLength(1)
  })
})
