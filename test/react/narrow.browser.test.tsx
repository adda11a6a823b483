/**
 * <AuditLog> on narrow screens, in real Chromium at phone widths (375 and 320 px): events are
 * cards with time, actor, action and badge in view and nothing scrolling sideways, the filters
 * fold behind a disclosure, the dialog is a full-screen sheet, and the grid's keyboard model
 * and roles are those of the wide table. What decides is the log's own width, not the viewport's.
 */
import { render, screen, waitFor, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import axe from 'axe-core'
import { afterAll, describe, expect, it } from 'vitest'
import { page } from 'vitest/browser'
import type { AuditEvent } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider, type AuditLogProps } from '../../src/react/index.js'
import '../../src/react/styles.css'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'
import { fakeClient } from './fake-client.js'

const ledger = createSigner(VECTOR_SEED)

/** 30 signed events, newest first, with long names that must be cut, not pushed off screen. */
const events = Array.from(
  { length: 30 },
  (_, i) =>
    ledger.sign(
      apiEvent({
        id: `aevt_${30 - i}`,
        seq: 30 - i,
        action: `organization.billing.invoice_payment_method_changed.n${30 - i}`,
        actor: { type: 'user', id: `user_${i}`, name: `Maximiliana Wolfeschlegelsteinhausen ${i}` },
      }),
    ) as unknown as AuditEvent,
)

afterAll(() => page.viewport(414, 896))

function renderLog(props: AuditLogProps = {}, width = '100%') {
  const { client } = fakeClient({ events, keys: [ledger.publicKey], singlePage: true })
  return render(
    <AuditLogProvider client={client}>
      <div style={{ height: 560, width }}>
        <AuditLog {...props} />
      </div>
    </AuditLogProvider>,
  )
}

const rect = (element: Element) => element.getBoundingClientRect()
/** `inner` lies inside `outer` (to the half pixel): drawn in full, not clipped or pushed out. */
function inside(inner: Element, outer: DOMRect) {
  const r = rect(inner)
  expect(r.width).toBeGreaterThan(0)
  expect(r.left).toBeGreaterThanOrEqual(outer.left - 0.5)
  expect(r.right).toBeLessThanOrEqual(outer.right + 0.5)
  expect(r.top).toBeGreaterThanOrEqual(outer.top - 0.5)
  expect(r.bottom).toBeLessThanOrEqual(outer.bottom + 0.5)
}

const eventRows = (grid: HTMLElement) =>
  within(grid)
    .getAllByRole('row')
    .filter((row) => row.hasAttribute('data-item-index'))

/** Every event row in view shows its time, actor, action and badge inside the row and the viewport. */
async function expectCards(grid: HTMLElement) {
  await waitFor(() => expect(within(grid).getAllByText('Verified').length).toBeGreaterThan(4), { timeout: 10_000 })
  const viewport = new DOMRect(0, 0, document.documentElement.clientWidth, window.innerHeight)
  const body = grid.querySelector<HTMLElement>('.al-grid__body')!
  const seen = eventRows(grid).filter((row) => rect(row).top < rect(body).bottom)
  expect(seen.length).toBeGreaterThan(4)
  for (const row of seen.filter((r) => rect(r).bottom <= rect(body).bottom)) {
    const event = events.find((e) => row.textContent!.includes(e.action))!
    const box = rect(row)
    inside(row, viewport)
    // Each one's cell (long text is cut with an ellipsis inside it) lies inside the card.
    for (const part of [
      row.querySelector('time')!,
      within(row).getByText(event.action),
      within(row).getByText(event.actor.name!),
      within(row).getByText('Verified'),
    ]) {
      inside(part.closest('[role="gridcell"]')!, box)
    }
  }
  expect(body.scrollWidth).toBeLessThanOrEqual(body.clientWidth)
  expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(document.documentElement.clientWidth)
}

async function noViolations(element: Element) {
  const result = await axe.run(element, { resultTypes: ['violations'] })
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([])
}

describe('<AuditLog> at 375 px', () => {
  it('draws each event as a card: time, actor, action and badge in view, nothing scrolls sideways', async () => {
    await page.viewport(375, 667)
    const { container } = renderLog()
    const grid = await screen.findByRole('grid')
    await expectCards(grid)
    // Still a grid of rows and cells, with its column headers for screen readers.
    expect(grid).toHaveAttribute('aria-rowcount', '31')
    expect(
      within(grid)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Time', 'Actor', 'Action', 'Verification'])
    const rows = eventRows(grid)
    expect(rows.map((row) => row.getAttribute('aria-rowindex')).slice(0, 3)).toEqual(['2', '3', '4'])
    expect(within(rows[0]!).getAllByRole('gridcell')).toHaveLength(4)
    // Cards do not overlap: the virtualizer spaces them by the card's height.
    expect(rect(rows[1]!).top).toBeGreaterThanOrEqual(rect(rows[0]!).bottom - 1)
    await noViolations(container)
  })

  it('moves through cards with the keyboard, opens a full-screen sheet with Enter, traps focus in it, and Escape returns to the card', async () => {
    await page.viewport(375, 667)
    renderLog()
    const grid = await screen.findByRole('grid')
    eventRows(grid)[0]!.focus()
    await userEvent.keyboard('{ArrowDown}{ArrowDown}')
    await waitFor(() => expect(document.activeElement).toHaveAttribute('aria-rowindex', '4'))
    await userEvent.keyboard('{End}')
    await waitFor(() => expect(document.activeElement).toHaveAttribute('aria-rowindex', '31'))
    await userEvent.keyboard('{PageUp}')
    await waitFor(() => expect(Number(document.activeElement?.getAttribute('aria-rowindex'))).toBeLessThan(31))
    await userEvent.keyboard('{Home}{ArrowDown}{Enter}')
    const dialog = await screen.findByRole('dialog', {}, { timeout: 5000 })
    expect(within(dialog).getByRole('heading', { level: 2 })).toHaveTextContent(events[1]!.action)
    const sheet = rect(dialog)
    expect([sheet.left, sheet.top, sheet.width, sheet.height]).toEqual([0, 0, window.innerWidth, window.innerHeight])
    expect(dialog.scrollWidth).toBeLessThanOrEqual(dialog.clientWidth)
    // Radix moves focus into the sheet once it has mounted; from there Tab stays inside.
    await waitFor(() => expect(dialog.contains(document.activeElement)).toBe(true))
    for (let i = 0; i < 12; i++) {
      await userEvent.tab()
      expect(dialog.contains(document.activeElement)).toBe(true)
    }
    await userEvent.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    await waitFor(() => expect(document.activeElement).toHaveAttribute('aria-rowindex', '3'))
  })

  it('folds the filters behind a disclosure that says whether it is open and how many filters are set', async () => {
    await page.viewport(375, 667)
    renderLog()
    await screen.findByRole('grid')
    const toggle = screen.getByRole('button', { name: 'Filters' })
    expect(toggle).toHaveAttribute('aria-expanded', 'false')
    const fields = document.getElementById(toggle.getAttribute('aria-controls')!)!
    expect(fields).not.toBeVisible()
    expect(screen.queryByRole('textbox', { name: 'Actor' })).toBeNull()
    // Live and Export stay in reach.
    expect(screen.getByRole('checkbox', { name: 'Live' })).toBeVisible()

    await userEvent.click(toggle)
    expect(toggle).toHaveAttribute('aria-expanded', 'true')
    const actor = screen.getByRole('textbox', { name: 'Actor' })
    expect(fields).toContainElement(actor)
    const bar = screen.getByRole('search')
    for (const field of [actor, screen.getByRole('combobox', { name: 'Actions' }), screen.getByLabelText('Date range')])
      inside(field, rect(bar))
    expect(bar.scrollWidth).toBeLessThanOrEqual(bar.clientWidth)

    await userEvent.type(actor, 'user_3{Enter}')
    await waitFor(() => expect(toggle).toHaveAccessibleName('Filters 1 active'))
    await userEvent.click(toggle)
    expect(toggle).toHaveAttribute('aria-expanded', 'false')
    expect(fields).not.toBeVisible()
  })

  it('shows host columns in each card, on a labelled line of their own', async () => {
    await page.viewport(375, 667)
    const region = { id: 'region', header: 'Region', cell: (e: AuditEvent) => `eu-west-${e.seq}` }
    renderLog({ columns: [region] })
    const grid = await screen.findByRole('grid')
    await expectCards(grid)
    const [first, second] = eventRows(grid)
    inside(within(first!).getByText('eu-west-30'), rect(first!))
    inside(within(first!).getByText('Region'), rect(first!))
    expect(rect(second!).top).toBeGreaterThanOrEqual(rect(first!).bottom - 1)
    expect(within(grid).getAllByRole('columnheader').at(-1)).toHaveTextContent('Region')
  })

  it('holds together at 320 px', async () => {
    await page.viewport(320, 568)
    renderLog()
    await expectCards(await screen.findByRole('grid'))
    await userEvent.click(screen.getByRole('button', { name: 'Filters' }))
    const bar = screen.getByRole('search')
    expect(bar.scrollWidth).toBeLessThanOrEqual(bar.clientWidth)
    expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(320)
  })
})

describe('<AuditLog> on a wide screen', () => {
  it('keeps the table at 1280 px: one line per event, visible headers, no filter toggle, a centred dialog', async () => {
    await page.viewport(1280, 800)
    renderLog()
    const grid = await screen.findByRole('grid')
    await waitFor(() => expect(within(grid).getAllByText('Verified').length).toBeGreaterThan(4), { timeout: 10_000 })
    expect(within(grid).getAllByRole('columnheader')[0]).toBeVisible()
    expect(rect(within(grid).getAllByRole('row')[0]!).height).toBe(34)
    const row = eventRows(grid)[0]!
    expect(rect(row).height).toBe(52)
    expect(Math.abs(rect(row.querySelector('time')!).top - rect(within(row).getByText('Verified')).top)).toBeLessThan(
      10,
    )
    expect(screen.queryByRole('button', { name: 'Filters' })).toBeNull()
    expect(screen.getByRole('textbox', { name: 'Actor' })).toBeVisible()
    await userEvent.click(row)
    const dialog = await screen.findByRole('dialog', {}, { timeout: 5000 })
    expect(rect(dialog).width).toBeLessThanOrEqual(642) // 640 and its border
    expect(rect(dialog).left).toBeGreaterThan(100)
  })

  it('draws cards in a narrow column of a wide page (the log’s own width decides)', async () => {
    await page.viewport(1280, 800)
    renderLog({}, '360px')
    const grid = await screen.findByRole('grid')
    await expectCards(grid)
    expect(screen.getByRole('button', { name: 'Filters' })).toBeVisible()
    expect(rect(eventRows(grid)[0]!).height).toBe(64)
  })
})
