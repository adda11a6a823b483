import { render, screen, waitFor, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { renderToString } from 'react-dom/server'
import { describe, expect, it, vi } from 'vitest'
import { AuditError, type AuditEvent } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider, ExportButton, VerifyBadge } from '../../src/react/index.js'
import { apiEvent, createSigner, seedFrom, VECTOR_SEED } from '../support/signing.js'
import { fakeClient, plainEvents } from './fake-client.js'

const ledger = createSigner(VECTOR_SEED, 'key_ledger')
const stranger = createSigner(seedFrom(5), 'key_other')
const signed = (overrides: Record<string, unknown>) => ledger.sign(apiEvent(overrides)) as unknown as AuditEvent

describe('<AuditLogProvider>', () => {
  it('is required, and the error says how to fix it', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => render(<VerifyBadge event={signed({})} />)).toThrowError(
      /<VerifyBadge> must be rendered inside <AuditLogProvider>.*baseUrl="\/api\/audit"/,
    )
  })
})

describe('<VerifyBadge>', () => {
  const cases: [string, AuditEvent, string][] = [
    ['a verified event', signed({ id: 'aevt_ok' }), 'Verified'],
    ['a tampered event', { ...signed({ id: 'aevt_bad' }), action: 'invoice.voided' }, 'Tampered'],
    [
      'an event re-signed with another key',
      stranger.sign(apiEvent({ id: 'aevt_x' })) as unknown as AuditEvent,
      'Untrusted key',
    ],
    [
      'an event without a signature',
      { ...signed({ id: 'aevt_m' }), signature: undefined } as unknown as AuditEvent,
      'Malformed',
    ],
  ]
  it.each(cases)('shows %s with its word and explanation', async (_label, event, word) => {
    const { client } = fakeClient({ events: [] })
    render(
      <AuditLogProvider client={client} trustedKeys={[ledger.publicKey]}>
        <VerifyBadge event={event} />
      </AuditLogProvider>,
    )
    expect(screen.getByText('Checking')).toBeInTheDocument()
    await waitFor(() => expect(screen.getByText(word)).toBeInTheDocument())
    const badge = screen.getByText(word).closest('.al-badge')!
    expect(badge.getAttribute('title')).toMatch(/\w+/)
    expect(badge.textContent).toContain(badge.getAttribute('title'))
  })

  it('takes a translated word while keeping the default explanation it was not given', async () => {
    const { client } = fakeClient({ events: [] })
    render(
      <AuditLogProvider
        client={client}
        trustedKeys={[ledger.publicKey]}
        messages={{ badge: { verified: { word: 'Geprüft' } } }}
      >
        <VerifyBadge event={signed({ id: 'aevt_de' })} />
      </AuditLogProvider>,
    )
    await waitFor(() => expect(screen.getByText('Geprüft')).toBeInTheDocument())
    expect(screen.getByText('Geprüft').closest('.al-badge')).toHaveAttribute(
      'title',
      'Signed by a pinned key; the content is exactly what was signed.',
    )
  })

  it('says "Unpinned key" when no key is pinned', async () => {
    const { client } = fakeClient({ events: [], keys: [] })
    render(
      <AuditLogProvider client={client}>
        <VerifyBadge event={signed({ id: 'aevt_u' })} />
      </AuditLogProvider>,
    )
    await waitFor(() => expect(screen.getByText('Unpinned key')).toBeInTheDocument())
  })

  it('fetches an event by id, and says it was not checked when it cannot be loaded', async () => {
    const event = signed({ id: 'aevt_by_id' })
    const { client } = fakeClient({ events: [event], keys: [ledger.publicKey] })
    render(
      <AuditLogProvider client={client}>
        <VerifyBadge eventId="aevt_by_id" />
        <VerifyBadge eventId="aevt_missing" />
      </AuditLogProvider>,
    )
    await waitFor(() => expect(screen.getByText('Verified')).toBeInTheDocument())
    expect(screen.getByText(/Not checked/)).toBeInTheDocument()
  })
})

describe('<AuditLog>', () => {
  const events = [
    signed({
      id: 'aevt_3',
      seq: 3,
      action: 'invoice.paid',
      actor: { type: 'user', id: 'u1', name: '<img src=x onerror=alert(1)>' },
    }),
    signed({ id: 'aevt_2', seq: 2, action: 'user.signed_in' }),
    signed({ id: 'aevt_1', seq: 1, action: 'invoice.paid' }),
  ]

  function renderLog(props: Parameters<typeof AuditLog>[0] = {}, options = {}) {
    const fake = fakeClient({ events, keys: [ledger.publicKey], ...options })
    const view = render(
      <AuditLogProvider client={fake.client}>
        <div style={{ height: 600 }}>
          <AuditLog {...props} />
        </div>
      </AuditLogProvider>,
    )
    return { ...fake, ...view }
  }

  it('shows a loading state, then a grid of rows with badges', async () => {
    renderLog()
    expect(screen.getByText('Loading events…')).toBeInTheDocument()
    const grid = await screen.findByRole('grid', { name: 'Audit log' })
    expect(grid).toHaveAttribute('aria-rowcount', '4')
    await waitFor(() => expect(within(grid).getAllByText('Verified')).toHaveLength(3))
    expect(within(grid).getAllByRole('row')[1]).toHaveAttribute('aria-rowindex', '2')
  })

  it('adds host columns, replaces built-in ones by id, and re-renders every row when columns or their visibility change', async () => {
    const fake = fakeClient({ events, keys: [ledger.publicKey] })
    const seqColumn = { id: 'seq', header: 'Seq', cell: (event: AuditEvent) => `#${String(event.seq)}` }
    const shout = { id: 'action', header: 'Action', cell: (event: AuditEvent) => String(event.action).toUpperCase() }
    const view = (props: Parameters<typeof AuditLog>[0]) => (
      <AuditLogProvider client={fake.client}>
        <div style={{ height: 600 }}>
          <AuditLog {...props} />
        </div>
      </AuditLogProvider>
    )
    const { rerender } = render(view({ columns: [seqColumn], columnVisibility: { actor: false } }))
    const grid = await screen.findByRole('grid')
    expect(
      within(grid)
        .getAllByRole('columnheader')
        .map((header) => header.textContent),
    ).toEqual(['Time', 'Action', 'Verification', 'Seq'])
    expect(within(grid).getByText('#3')).toBeInTheDocument()
    expect(within(grid).queryByText('<img src=x onerror=alert(1)>')).toBeNull()

    rerender(view({ columns: [seqColumn, shout], columnVisibility: {} }))
    await waitFor(() => expect(within(grid).getAllByText('INVOICE.PAID')).toHaveLength(2))
    expect(within(grid).getByText('<img src=x onerror=alert(1)>')).toBeInTheDocument() // the actor column is back
    expect(within(grid).queryByText('invoice.paid')).toBeNull()
  })

  it('renders event text as text, never as HTML', async () => {
    const { container } = renderLog()
    await screen.findByText('<img src=x onerror=alert(1)>')
    expect(container.querySelector('img')).toBeNull()
  })

  it('tells onFiltersChange, and loads with the new filters (uncontrolled)', async () => {
    const onFiltersChange = vi.fn()
    const { calls } = renderLog({ onFiltersChange })
    await screen.findByRole('grid')
    const input = screen.getByLabelText('Actions')
    await userEvent.type(input, 'invoice.paid{enter}')
    expect(onFiltersChange).toHaveBeenLastCalledWith({ actions: ['invoice.paid'] })
    await waitFor(() => expect(calls.at(-1)!.filters.actions).toEqual(['invoice.paid']))
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(3)) // header + 2 events
  })

  it('shows an error with a retry that loads again', async () => {
    let fail = true
    renderLog(
      {},
      { fail: () => (fail ? new AuditError('upstream', 'The audit API failed (HTTP 502).', { status: 502 }) : null) },
    )
    expect(await screen.findByRole('alert')).toHaveTextContent('The audit API failed (HTTP 502).')
    fail = false
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByRole('grid')).toBeInTheDocument()
  })

  it('shows session expired and calls onSessionExpired once', async () => {
    const onSessionExpired = vi.fn()
    renderLog({ onSessionExpired }, { fail: () => new AuditError('session-expired', 'ended', { status: 401 }) })
    expect(await screen.findByText('Your session has ended.')).toBeInTheDocument()
    expect(onSessionExpired).toHaveBeenCalledTimes(1)
    // "Sign in again" hands over to the host's sign-in, rather than retrying a dead session.
    await userEvent.click(screen.getByRole('button', { name: 'Sign in again' }))
    expect(onSessionExpired).toHaveBeenCalledTimes(2)
  })

  it('marks a seq gap between neighbours', async () => {
    const gappy = [
      signed({ id: 'aevt_44', seq: 44 }),
      signed({ id: 'aevt_41', seq: 41 }),
      ...[40, 39].map((seq) => signed({ id: `aevt_${seq}`, seq })),
    ]
    const { client } = fakeClient({ events: gappy.concat(plainEvents(38)), keys: [ledger.publicKey], singlePage: true })
    render(
      <AuditLogProvider client={client}>
        <AuditLog />
      </AuditLogProvider>,
    )
    expect(await screen.findByText('2 events missing (seq 42–43)')).toBeInTheDocument()
  })

  it('numbers every row, gap and loader included, and leaves the row count unknown (-1) until the last page', async () => {
    const paged = [10, 9, 7, 6, 5, 4, 3, 2, 1].map((seq) => signed({ id: `aevt_${seq}`, seq }))
    const { client } = fakeClient({ events: paged, keys: [ledger.publicKey] })
    let release = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const gated = {
      ...client,
      listEvents: async (...args: Parameters<typeof client.listEvents>) => {
        if (args[0].cursor) await gate // pages after the first wait until the test lets them through
        return client.listEvents(...args)
      },
    }
    render(
      <AuditLogProvider client={gated}>
        <AuditLog pageSize={3} />
      </AuditLogProvider>,
    )
    const grid = await screen.findByRole('grid')
    const indices = () =>
      within(grid)
        .getAllByRole('row')
        .map((row) => Number(row.getAttribute('aria-rowindex')))
    const rowOf = (text: string) => within(grid).getByText(text).closest('[role="row"]')!

    // Page one (seq 10, 9, 7) is in, with the gap for seq 8; the loader row asks for page two.
    await screen.findByText('Loading more events…')
    expect(grid).toHaveAttribute('aria-rowcount', '-1')
    expect(grid).toHaveAttribute('data-loaded-rows', '3')
    expect(indices()).toEqual([1, 2, 3, 4, 5, 6]) // header, 10, 9, gap, 7, loader
    expect(rowOf('1 event missing (seq 8)')).toHaveAttribute('aria-rowindex', '4')
    expect(rowOf('Loading more events…')).toHaveAttribute('aria-rowindex', '6')

    // Everything loaded: the exact total, header + 9 events + 1 gap, and no loader row.
    release()
    await waitFor(() => expect(grid).toHaveAttribute('data-loaded-rows', '9'))
    await waitFor(() => expect(grid).toHaveAttribute('aria-rowcount', '11'))
    expect(indices()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    expect(rowOf('1 event missing (seq 8)')).toHaveAttribute('aria-rowindex', '4')
    expect(screen.queryByText('Loading more events…')).toBeNull()
  })

  it('opens the detail dialog for a clicked row, with the proof in words', async () => {
    const onSelectedEventChange = vi.fn()
    renderLog({ onSelectedEventChange })
    const grid = await screen.findByRole('grid')
    await userEvent.click(within(grid).getAllByRole('row')[2]!)
    expect(onSelectedEventChange).toHaveBeenCalledWith('aevt_2')
    const dialog = await screen.findByRole('dialog', {}, { timeout: 5000 })
    expect(within(dialog).getByRole('heading', { name: 'user.signed_in' })).toBeInTheDocument()
    await waitFor(() =>
      expect(within(dialog).getByText('The recomputed hash matches the stored one.')).toBeInTheDocument(),
    )
    expect(within(dialog).getByText('This key is pinned.')).toBeInTheDocument()
    // The signed bytes: one <pre>, its string literals each in an isolate (see event-text.tsx).
    expect(dialog.querySelector('pre')?.textContent).toMatch(/"schema_id":"invoance.audit\/1"/)
  })
})

describe('<ExportButton>', () => {
  it('goes creating -> preparing with a row count -> ready, starting the download', async () => {
    const onDownload = vi.fn()
    const { client } = fakeClient({
      events: [],
      exports: [
        { status: 'queued' },
        { rowCount: 1200 },
        { status: 'ready', rowCount: 2000, downloadUrl: 'https://dl/1', expiresAt: '2999-01-01T00:00:00Z' },
      ],
    })
    render(
      <AuditLogProvider client={client} trustedKeys={[]}>
        <ExportButton filters={{ actions: ['invoice.paid'] }} onDownload={onDownload} />
      </AuditLogProvider>,
    )
    await userEvent.click(await screen.findByRole('button', { name: 'Export' }))
    await userEvent.click(screen.getByRole('menuitem', { name: 'NDJSON (verifiable)' }))
    await waitFor(() => expect(onDownload).toHaveBeenCalledWith('https://dl/1'))
    expect(screen.getByText('Your download has started.')).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Download again' }))
    expect(onDownload).toHaveBeenCalledTimes(2)
  })

  it('shows the reason and a retry when the export fails', async () => {
    const { client } = fakeClient({ events: [], exports: [{ status: 'failed', error: 'disk full' }] })
    render(
      <AuditLogProvider client={client} trustedKeys={[]}>
        <ExportButton />
      </AuditLogProvider>,
    )
    await userEvent.click(await screen.findByRole('button', { name: 'Export' }))
    await userEvent.click(screen.getByRole('menuitem', { name: 'CSV' }))
    expect(await screen.findByText('Export failed: disk full')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument()
  })

  it('is disabled with an explanation when the session lacks the export scope', async () => {
    const { client } = fakeClient({ events: [], scopes: ['audit:read'] })
    render(
      <AuditLogProvider client={client} trustedKeys={[]}>
        <ExportButton />
      </AuditLogProvider>,
    )
    await waitFor(() => expect(screen.getByRole('button', { name: 'Export' })).toBeDisabled())
    expect(screen.getByRole('button', { name: 'Export' })).toHaveAccessibleDescription(
      'Your account may not export the audit log.',
    )
  })
})

describe('server rendering', () => {
  it('renders each component to a string without throwing, showing the loading state', () => {
    const { client } = fakeClient({ events: [] })
    const html = renderToString(
      <AuditLogProvider client={client} trustedKeys={[ledger.publicKey]}>
        <AuditLog />
        <VerifyBadge event={signed({})} />
        <ExportButton />
      </AuditLogProvider>,
    )
    expect(html).toContain('Loading events…')
    expect(html).toContain('Checking')
    expect(html).toContain('Export')
  })
})
