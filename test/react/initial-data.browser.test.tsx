/**
 * `<AuditLog initialData>` in real Chromium: a page the host's server fetched renders rows in
 * the server's HTML (renderToString, as a server component's client part is prerendered),
 * hydrates without a mismatch and without a request for the first page or a token, and badges
 * still verify in the browser. One that does not fit (another org) is never shown. The real
 * client with its platform injected: a fetch that answers as the proxy would.
 */
import { act } from 'react'
import { hydrateRoot, type Root } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAuditClient, type AuditLogInitialData, type AuditToken } from '../../src/core/index.js'
import { eventsQuery } from '../../src/core/log/client.js'
import { firstPageQuery } from '../../src/core/log/initial-page.js'
import { AuditLog, AuditLogProvider } from '../../src/react/index.js'
import '../../src/react/styles.css'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'

// React's act() outside Testing Library's render: say this is a test environment.
;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

const signer = createSigner(VECTOR_SEED)
const ORG = 'aorg_01JTEST0000000000000000000'
const events = Array.from({ length: 3 }, (_, i) =>
  signer.sign(apiEvent({ id: `aevt_${3 - i}`, seq: 3 - i, action: `report.exported_${3 - i}` })),
)
const token = (): AuditToken => ({
  token: 'tok_from_server',
  expires_at: new Date(Date.now() + 300_000).toISOString(),
  org_id: ORG,
  scopes: ['audit:read'],
})
const initialData = (page = events): AuditLogInitialData => ({
  token: token(),
  query: eventsQuery(firstPageQuery({}, 50)),
  page: JSON.stringify({ events: page, next_cursor: null }),
})

/** The real client; its network answers as the proxy would, and every request is recorded. */
function browserClient() {
  const requests: string[] = []
  let tokenRequests = 0
  const client = createAuditClient({
    baseUrl: '/api/audit',
    fetchToken: async () => {
      tokenRequests++
      return token()
    },
    fetch: async (input) => {
      const path = new URL(String(input), location.href).pathname
      requests.push(path)
      if (path.endsWith('/prune_markers')) return new Response(JSON.stringify({ markers: [] }))
      return new Response(JSON.stringify({ events, next_cursor: null }))
    },
  })
  return { client, requests, tokens: () => tokenRequests }
}

const page = (client: ReturnType<typeof createAuditClient>, data: AuditLogInitialData) => (
  <AuditLogProvider client={client} trustedKeys={[signer.publicKey]} timeZone="UTC" locale="en-US">
    <div style={{ height: 600, width: 1000 }}>
      <AuditLog initialData={data} />
    </div>
  </AuditLogProvider>
)

let root: Root | null = null
let container: HTMLElement | null = null
afterEach(() => {
  act(() => root?.unmount())
  container?.remove()
  root = null
  vi.restoreAllMocks()
})

/** Server HTML for `data` (a server-side client of its own), then hydrated in this page. */
async function serverRenderThenHydrate(data: AuditLogInitialData) {
  const html = renderToString(page(browserClient().client, data))
  container = document.createElement('div')
  container.innerHTML = html
  document.body.append(container)
  const rowsInServerHtml = container.querySelectorAll('.al-grid__body [role="row"][aria-rowindex]').length
  const recoverable: unknown[] = []
  const errors = vi.spyOn(console, 'error')
  const browser = browserClient()
  await act(async () => {
    root = hydrateRoot(container!, page(browser.client, data), { onRecoverableError: (e) => recoverable.push(e) })
  })
  return { html, rowsInServerHtml, recoverable, errors, ...browser }
}

describe('<AuditLog initialData> rendered on a server, then hydrated', () => {
  it('has the rows in the server’s HTML, never a Verified badge there', async () => {
    const { html, rowsInServerHtml } = await serverRenderThenHydrate(initialData())
    expect(rowsInServerHtml).toBe(3)
    expect(html).toContain('report.exported_3')
    expect(html).not.toContain('Verified')
  })

  it('hydrates without a mismatch, fetching neither the first page nor a token', async () => {
    const run = await serverRenderThenHydrate(initialData())
    expect(run.recoverable).toEqual([])
    expect(run.errors.mock.calls.map((call) => String(call[0]).slice(0, 400))).toEqual([])
    expect(container!.querySelectorAll('.al-grid__body [role="row"][aria-rowindex]')).toHaveLength(3)
    // The prune-marker check may ask for its list; nobody asks for events or a token.
    await act(async () => new Promise((resolve) => setTimeout(resolve, 50)))
    expect(run.requests.filter((path) => path.endsWith('/events'))).toEqual([])
    expect(run.tokens()).toBe(0)
  })

  it('verifies the rows’ badges in the browser', async () => {
    await serverRenderThenHydrate(initialData())
    await vi.waitFor(() => expect(container!.querySelectorAll('[data-status="verified"]')).toHaveLength(3), {
      timeout: 5000,
    })
  })

  it('never shows a page holding another org’s event: it warns and fetches the first page', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const foreign = [events[0]!, signer.sign(apiEvent({ id: 'aevt_9', seq: 9, org_id: 'aorg_other' }))]
    const html = renderToString(page(browserClient().client, initialData(foreign)))
    expect(html).not.toContain('aevt_9')
    expect(html).not.toContain('report.exported_3')
    expect(warn).toHaveBeenCalled()
    const browser = browserClient()
    container = document.createElement('div')
    container.innerHTML = html
    document.body.append(container)
    await act(async () => {
      root = hydrateRoot(container!, page(browser.client, initialData(foreign)))
    })
    await vi.waitFor(() => expect(browser.requests.filter((path) => path.endsWith('/events'))).toHaveLength(1))
    await vi.waitFor(() =>
      expect(container!.querySelectorAll('.al-grid__body [role="row"][aria-rowindex]')).toHaveLength(3),
    )
  })
})
