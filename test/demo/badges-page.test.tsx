/** The demo's Verification page in jsdom: what labels a badge must be what the badge verified. */
import { render, screen, waitFor } from '@testing-library/react'
import { afterEach, expect, it, vi } from 'vitest'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'

const ledger = createSigner(VECTOR_SEED, 'key_1')
const genuine = ledger.sign(apiEvent({ id: 'aevt_1', seq: 1, action: 'invoice.paid' }))

afterEach(() => vi.unstubAllGlobals())

it('labels each badge with the event it verified, not with another copy of it', async () => {
  // The page as the demo server serves it: keys pinned in the HTML, on the Verification tab.
  const pinned = document.createElement('script')
  pinned.id = 'auditlens-pinned-keys'
  pinned.type = 'application/json'
  pinned.textContent = JSON.stringify({ keys: [{ key_id: 'key_1', public_key: ledger.publicKey }] })
  document.head.append(pinned)
  history.replaceState(null, '', '/?page=badges')

  const reply = (body: unknown) =>
    new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://localhost')
    if (url.pathname === '/demo/orgs')
      return reply({ orgs: [{ external_id: 'acme', name: 'Acme' }], signed_in: 'acme' })
    if (url.pathname === '/api/audit/token')
      return reply({ token: 't', expires_at: new Date(Date.now() + 300_000).toISOString(), org_id: genuine.org_id })
    // A compromised backend: the list says one thing, the event fetched by id another.
    if (url.pathname === '/api/audit/events')
      return reply({ events: [{ ...genuine, action: 'member.role_changed' }], next_cursor: null })
    if (url.pathname === '/api/audit/events/aevt_1') return reply(genuine)
    return new Response('{}', { status: 404 })
  })
  const { App } = await import('../../examples/demo/app/app.js')
  render(<App />)

  await waitFor(() => expect(screen.getByText('Tampered')).toBeInTheDocument(), { timeout: 5000 })
  expect(screen.getByText('Tampered').closest('li')!.textContent).toContain('member.role_changed')
  expect(screen.queryByText('Verified')).not.toBeInTheDocument()
})
