/**
 * <AuditLog> in real Chromium, with real layout: virtualization at 100,000 rows, keyboard
 * navigation and focus return from the dialog, and axe-core on every state.
 */
import { render, screen, waitFor, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import axe from 'axe-core'
import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider, ExportButton, VerifyBadgeView } from '../../src/react/index.js'
import '../../src/react/styles.css'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'
import { fakeClient, plainEvents } from './fake-client.js'

const ledger = createSigner(VECTOR_SEED)

async function noViolations(element: Element) {
  const result = await axe.run(element, { resultTypes: ['violations'] })
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
}

function renderLog(events: AuditEvent[], singlePage = true) {
  const { client } = fakeClient({ events, keys: [ledger.publicKey], singlePage })
  return render(
    <AuditLogProvider client={client}>
      <div style={{ height: 600, width: 1000 }}>
        <AuditLog />
      </div>
    </AuditLogProvider>,
  )
}

describe('<AuditLog> in Chromium', () => {
  it('keeps only visible rows (plus overscan) in the DOM at 100,000 rows, also after scrolling to row 50,000', async () => {
    const { container } = renderLog(plainEvents(100_000))
    const grid = await screen.findByRole('grid')
    expect(grid).toHaveAttribute('aria-rowcount', '100001')
    const body = container.querySelector<HTMLElement>('.al-grid__body')!
    const rows = () => body.querySelectorAll('[role="row"]')
    expect(rows().length).toBeGreaterThan(5)
    expect(rows().length).toBeLessThan(40)
    body.scrollTop = 50_000 * 52
    await waitFor(() => expect(body.querySelector('[aria-rowindex="50002"]')).not.toBeNull())
    expect(rows().length).toBeLessThan(40)
  })

  it('draws rows flung past (more than a screen in one frame) as placeholders, and in full once scrolling stops', async () => {
    const events = plainEvents(20_000)
    const { container } = renderLog(events)
    await screen.findByRole('grid')
    const body = container.querySelector<HTMLElement>('.al-grid__body')!
    const passing = () => body.querySelectorAll('.al-row--passing').length
    expect(passing()).toBe(0)
    body.scrollTop = 10_000 * 52
    await waitFor(() => expect(body.querySelector('[aria-rowindex="10002"]')).not.toBeNull())
    expect(passing()).toBeGreaterThan(5)
    expect(body.querySelector('[aria-rowindex="10002"]')!.textContent).toBe('')
    // 150 ms after the last scroll event the virtualizer stops "scrolling": every row in full.
    await waitFor(() => expect(passing()).toBe(0), { timeout: 2000 })
    expect(body.querySelector('[aria-rowindex="10002"]')!.textContent).toContain(String(events[10_000]!.action))
    // A short scroll (a few rows, as when reading) never shows placeholders.
    body.scrollTop += 3 * 52
    await waitFor(() => expect(body.querySelector('[aria-rowindex="10020"]')).not.toBeNull())
    expect(passing()).toBe(0)
  })

  it('moves the focused row with the keyboard, opens it with Enter, and returns focus on Escape', async () => {
    const events = Array.from(
      { length: 30 },
      (_, i) =>
        ledger.sign(
          apiEvent({ id: `aevt_${30 - i}`, seq: 30 - i, action: `action.n${30 - i}` }),
        ) as unknown as AuditEvent,
    )
    renderLog(events)
    const grid = await screen.findByRole('grid')
    const first = within(grid).getAllByRole('row')[1]!
    first.focus()
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}')
    await waitFor(() => expect(document.activeElement).toHaveAttribute('aria-rowindex', '5'))
    await userEvent.keyboard('{End}')
    await waitFor(() => expect(document.activeElement).toHaveAttribute('aria-rowindex', '31'))
    await userEvent.keyboard('{Home}{PageDown}')
    await waitFor(() => expect(Number(document.activeElement?.getAttribute('aria-rowindex'))).toBeGreaterThan(6))
    await userEvent.keyboard('{Home}{ArrowDown}{Enter}')
    const dialog = await screen.findByRole('dialog', {}, { timeout: 5000 })
    expect(within(dialog).getByRole('heading', { level: 2 })).toHaveTextContent('action.n29')
    await userEvent.keyboard('{ArrowRight}')
    await waitFor(() => expect(within(dialog).getByRole('heading', { level: 2 })).toHaveTextContent('action.n28'))
    await noViolations(dialog)
    await userEvent.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    await waitFor(() => expect(document.activeElement).toHaveAttribute('aria-rowindex', '4'))
  })

  it('has no axe violations: rows with badges, a seq gap, the empty state', async () => {
    const events = [44, 41, 40].map((seq) => ledger.sign(apiEvent({ id: `aevt_${seq}`, seq })) as unknown as AuditEvent)
    const { container, unmount } = renderLog(events)
    await screen.findByText('2 events missing (seq 42–43)')
    // Verification starts its workers on first use; on a loaded machine that alone can take more
    // than waitFor's default second (seen once while other suites ran alongside).
    await waitFor(() => expect(screen.getAllByText('Verified')).toHaveLength(3), { timeout: 10_000 })
    await noViolations(container)
    unmount()
    const empty = renderLog([])
    await screen.findByText('No events yet')
    await noViolations(empty.container)
  })

  it('numbers every rendered row while pages remain (row count -1), and passes axe that way', async () => {
    const { container } = renderLog(plainEvents(120), false) // pages of 50
    const grid = await screen.findByRole('grid')
    const body = container.querySelector<HTMLElement>('.al-grid__body')!
    body.scrollTop = body.scrollHeight // to the loader row, which asks for page two
    await waitFor(() => expect(grid).toHaveAttribute('data-loaded-rows', '100'))
    expect(grid).toHaveAttribute('aria-rowcount', '-1')
    const rendered = [...body.querySelectorAll('[role="row"]')]
    const indices = rendered.map((row) => Number(row.getAttribute('aria-rowindex')))
    expect(indices.every((index, i) => index >= 2 && (i === 0 || index === indices[i - 1]! + 1))).toBe(true)
    await noViolations(container)
    body.scrollTop = body.scrollHeight
    await waitFor(() => expect(grid).toHaveAttribute('aria-rowcount', '121'))
    expect(grid).toHaveAttribute('data-loaded-rows', '120')
    await waitFor(() => {
      body.scrollTop = body.scrollHeight // the last page made the list longer
      expect(body.querySelector('[aria-rowindex="121"]')).toHaveTextContent('inv_1')
    })
    await noViolations(container)
  })

  it('has no axe violations in any badge or export state', async () => {
    const { client } = fakeClient({
      events: [],
      exports: [{ status: 'queued' }, { status: 'failed', error: 'disk full' }],
    })
    const { container } = render(
      <AuditLogProvider client={client} trustedKeys={[]}>
        {(
          [
            'verified',
            'unpinned',
            'untrusted',
            'tampered',
            'malformed',
            'checking',
            'keys-loading',
            'keys-unavailable',
          ] as const
        ).map((status) => (
          <VerifyBadgeView key={status} status={status} />
        ))}
        <ExportButton onDownload={() => {}} />
      </AuditLogProvider>,
    )
    await noViolations(container)
    await userEvent.click(await screen.findByRole('button', { name: 'Export' }))
    await noViolations(container)
    await userEvent.click(screen.getByRole('menuitem', { name: 'CSV' }))
    await screen.findByText(/disk full/)
    await noViolations(container)
  })

  it('runs the export menu from the keyboard, keeping focus on something useful', async () => {
    const { client } = fakeClient({
      events: [],
      exports: [{ status: 'queued' }, { status: 'failed', error: 'disk full' }],
    })
    render(
      <AuditLogProvider client={client} trustedKeys={[]}>
        <ExportButton onDownload={() => {}} />
      </AuditLogProvider>,
    )
    const trigger = await screen.findByRole('button', { name: 'Export' })
    trigger.focus()
    await userEvent.keyboard('{ArrowDown}')
    await waitFor(() => expect(document.activeElement).toHaveTextContent('CSV'))
    await userEvent.keyboard('{ArrowDown}')
    expect(document.activeElement).toHaveTextContent('NDJSON')
    await userEvent.keyboard('{Escape}')
    expect(screen.queryByRole('menu')).toBeNull()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Export' }))
    await userEvent.keyboard('{Enter}')
    await waitFor(() => expect(document.activeElement).toHaveTextContent('CSV'))
    await userEvent.keyboard('{Enter}')
    await screen.findByText('Export failed: disk full', {}, { timeout: 5000 })
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Export' })))
  })

  it('live tail keeps the row being read in place and offers a pill back to the top', async () => {
    const events = plainEvents(200)
    const { client } = fakeClient({ events, keys: [ledger.publicKey], singlePage: true })
    const { container } = render(
      <AuditLogProvider client={client}>
        <div style={{ height: 600, width: 1000 }}>
          <AuditLog liveTail={{ intervalMs: 100 }} />
        </div>
      </AuditLogProvider>,
    )
    await screen.findByRole('grid')
    const body = container.querySelector<HTMLElement>('.al-grid__body')!
    body.scrollTop = 100 * 52
    await waitFor(() => expect(body.querySelector('[aria-rowindex="102"]')).not.toBeNull())
    // That jump drew rows as placeholders; read once they are drawn in full.
    await waitFor(() => expect(body.querySelector('.al-row--passing')).toBeNull())
    const topRowText = () => {
      const top = body.getBoundingClientRect().top
      const rows = [...body.querySelectorAll<HTMLElement>('[role="row"]')]
      const row = rows.find((candidate) => Math.abs(candidate.getBoundingClientRect().top - top) < 26)
      // Time, actor and action: the badge may move on from Checking meanwhile.
      return [...(row?.querySelectorAll('[role="gridcell"]') ?? [])]
        .slice(0, 3)
        .map((cell) => cell.textContent)
        .join(' | ')
    }
    const reading = topRowText()
    expect(reading).toMatch(/user\.\w+|\w+\.\w+/)
    // Three new events arrive, with a seq gap between them and the old head (a gap row too).
    const head = Number(events[0]!.seq)
    events.unshift(...plainEvents(head + 5).slice(0, 3))
    await screen.findByRole('button', { name: '3 new events' }, { timeout: 3000 })
    await waitFor(() => expect(topRowText()).toBe(reading))
    await userEvent.click(screen.getByRole('button', { name: '3 new events' }))
    await waitFor(() => expect(body.scrollTop).toBe(0))
  })

  it('passes the verification options on: a worker that may not start is reported, and badges still verify', async () => {
    const told: string[] = []
    const { client } = fakeClient({ events: [ledger.sign(apiEvent({ id: 'aevt_csp' })) as unknown as AuditEvent] })
    render(
      <AuditLogProvider
        client={client}
        trustedKeys={[ledger.publicKey]}
        verification={{
          worker: () => {
            throw new DOMException('worker-src blocked by the Content-Security-Policy', 'SecurityError')
          },
          onWorkerUnavailable: (error) => told.push(error.message),
        }}
      >
        <div style={{ height: 400, width: 1000 }}>
          <AuditLog />
        </div>
      </AuditLogProvider>,
    )
    await waitFor(() => expect(screen.getByText('Verified')).toBeInTheDocument())
    expect(told).toEqual([expect.stringContaining('Content-Security-Policy')])
  })
})
