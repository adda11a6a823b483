/** What a real host does to components: StrictMode, failing pages, odd events, re-renders. */
import { render, screen, waitFor, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { StrictMode, useState } from 'react'
import { describe, expect, it } from 'vitest'
import { AuditError, type AuditEvent, type AuditFilters } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider, VerifyBadge } from '../../src/react/index.js'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'
import { fakeClient } from './fake-client.js'

const ledger = createSigner(VECTOR_SEED)
const signed = (overrides: Record<string, unknown>) => ledger.sign(apiEvent(overrides)) as unknown as AuditEvent
const events = Array.from({ length: 5 }, (_, i) => signed({ id: `aevt_${5 - i}`, seq: 5 - i }))

describe('under React.StrictMode (effects run twice in development)', () => {
  it('the log still loads', async () => {
    const { client } = fakeClient({ events, keys: [ledger.publicKey] })
    render(
      <StrictMode>
        <AuditLogProvider client={client}>
          <AuditLog />
        </AuditLogProvider>
      </StrictMode>,
    )
    expect(await screen.findByRole('grid')).toBeInTheDocument()
    await waitFor(() => expect(screen.getAllByText('Verified')).toHaveLength(5))
  })

  it('badges with pinned keys still verify', async () => {
    const { client } = fakeClient({ events: [] })
    render(
      <StrictMode>
        <AuditLogProvider client={client} trustedKeys={[ledger.publicKey]}>
          <VerifyBadge event={events[0]!} />
        </AuditLogProvider>
      </StrictMode>,
    )
    expect(await screen.findByText('Verified')).toBeInTheDocument()
  })
})

it('does not retry a failing page in a loop: it says so once and waits for Retry', async () => {
  const many = Array.from({ length: 120 }, (_, i) => signed({ id: `aevt_m${i}`, seq: 120 - i }))
  let failing = true
  const { client, calls } = fakeClient({
    events: many,
    keys: [ledger.publicKey],
    fail: () => (failing && calls.at(-1)?.cursor ? new AuditError('upstream', 'down', { status: 502 }) : null),
  })
  render(
    <AuditLogProvider client={client}>
      <AuditLog pageSize={10} />
    </AuditLogProvider>,
  )
  await screen.findByRole('grid')
  await screen.findByText('More events could not be loaded.')
  await new Promise((resolve) => setTimeout(resolve, 300))
  const pageRequests = calls.filter((c) => c.cursor).length
  expect(pageRequests).toBe(1)
  failing = false
  await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
  await waitFor(() => expect(calls.filter((c) => c.cursor).length).toBeGreaterThan(1))
  await waitFor(() => expect(screen.queryByText('More events could not be loaded.')).toBeNull())
})

it('shows a malformed event (no time, an object as action) instead of crashing, and opens it', async () => {
  const odd = {
    ...signed({ id: 'aevt_odd', seq: 9 }),
    occurred_at: undefined,
    action: { not: 'a string' },
  } as unknown as AuditEvent
  const { client } = fakeClient({ events: [odd, ...events], keys: [ledger.publicKey], singlePage: true })
  render(
    <AuditLogProvider client={client}>
      <AuditLog />
    </AuditLogProvider>,
  )
  const grid = await screen.findByRole('grid')
  await waitFor(() => expect(within(grid).getByText('Malformed')).toBeInTheDocument())
  await userEvent.click(within(grid).getAllByRole('row')[1]!)
  const dialog = await screen.findByRole('dialog', {}, { timeout: 5000 })
  // The odd action reads the same in the grid and the dialog: as its JSON.
  expect(within(grid).getByText('{"not":"a string"}')).toBeInTheDocument()
  expect(within(dialog).getByRole('heading', { level: 2 }).textContent).toBe('{"not":"a string"}')
})

it('follows the host when it changes controlled filters', async () => {
  function Host() {
    const [filters, setFilters] = useState<AuditFilters>({ actorId: 'nobody' })
    return (
      <>
        <button onClick={() => setFilters({})}>reset from host</button>
        <AuditLog filters={filters} onFiltersChange={setFilters} />
      </>
    )
  }
  const { client, calls } = fakeClient({ events, keys: [ledger.publicKey] })
  render(
    <AuditLogProvider client={client}>
      <Host />
    </AuditLogProvider>,
  )
  expect(await screen.findByText('No events match')).toBeInTheDocument()
  await userEvent.click(screen.getByRole('button', { name: 'reset from host' }))
  expect(await screen.findByRole('grid')).toBeInTheDocument()
  expect(calls.at(-1)!.filters.actorId).toBeUndefined()
})

it('keeps verification results when the host re-renders with an inline trustedKeys array', async () => {
  function Host() {
    const [count, setCount] = useState(0)
    const { client } = fakeClient({ events: [] })
    const [stable] = useState(client)
    return (
      <AuditLogProvider client={stable} trustedKeys={[ledger.publicKey]}>
        <button onClick={() => setCount(count + 1)}>re-render {count}</button>
        <VerifyBadge event={events[0]!} />
      </AuditLogProvider>
    )
  }
  render(<Host />)
  expect(await screen.findByText('Verified')).toBeInTheDocument()
  await userEvent.click(screen.getByRole('button', { name: /re-render/ }))
  expect(screen.getByText('Verified')).toBeInTheDocument()
  expect(screen.queryByText('Checking')).toBeNull()
})
