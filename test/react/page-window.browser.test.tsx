/**
 * The window of pages in real Chromium, over real HTTP to a real ledger behind the token proxy
 * (the integrity commands' scenario): pages of 20 and a window of 3, so a few hundred events
 * drop and re-fetch pages. Scroll height, focus and the open event stay put across both.
 */
import { render, screen, waitFor, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { commands } from 'vitest/browser'
import { createAuditClient, type AuditToken } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider } from '../../src/react/index.js'
import '../../src/react/styles.css'

declare module 'vitest/browser' {
  interface BrowserCommands {
    integrityStart(shared: number): Promise<{ baseUrl: string; orgId: string }>
    integrityAppend(which: 'a' | 'b', count: number): Promise<void>
    integrityToken(): Promise<AuditToken>
    integrityStop(): Promise<void>
  }
}

const EVENTS = 300
const ROW = 52
let baseUrl = ''

beforeEach(async () => {
  ;({ baseUrl } = await commands.integrityStart(EVENTS))
})
afterAll(() => commands.integrityStop())

function mount(extra: { liveTail?: { intervalMs: number } } = {}) {
  const client = createAuditClient({ baseUrl, retry: { attempts: 1 }, fetchToken: () => commands.integrityToken() })
  const view = render(
    <AuditLogProvider client={client} verification={{ worker: false }}>
      <div style={{ height: 500, width: 1000 }}>
        <AuditLog pageSize={20} windowPages={3} {...(extra.liveTail ? { liveTail: extra.liveTail } : {})} />
      </div>
    </AuditLogProvider>,
  )
  const body = () => view.container.querySelector<HTMLElement>('.al-grid__body')!
  // Not by role: an open dialog hides the rest of the page from the accessibility tree.
  const grid = () => view.container.querySelector<HTMLElement>('[role="grid"]')!
  const held = () => Number(grid().getAttribute('data-held-rows'))
  const row = (index: number) => body().querySelector<HTMLElement>(`[aria-rowindex="${index}"]`)
  return { view, body, grid, held, row }
}

/** Scroll to the bottom in steps until every page is in (the loader row asks for each). */
async function walkToBottom(log: ReturnType<typeof mount>) {
  await waitFor(() => expect(log.grid()).not.toBeNull(), { timeout: 10_000 })
  await waitFor(
    () => {
      log.body().scrollTop = log.body().scrollHeight
      expect(log.grid()).toHaveAttribute('aria-rowcount', String(EVENTS + 1))
    },
    { timeout: 20_000, interval: 100 },
  )
}

describe('the window of pages in Chromium', () => {
  it('holds at most the window while the row count and scroll height stay, and fills placeholders back in', async () => {
    const log = mount()
    await walkToBottom(log)
    expect(log.grid()).toHaveAttribute('data-loaded-rows', String(EVENTS))
    expect(log.held()).toBeLessThanOrEqual(3 * 20)
    const height = log.body().scrollHeight
    expect(height).toBeGreaterThanOrEqual(EVENTS * ROW)
    // Back to the top: the first pages were dropped; their rows are busy placeholders, in place.
    log.body().scrollTop = 0
    await waitFor(() => expect(log.row(2)).not.toBeNull())
    const first = log.row(2)!
    expect(first).toHaveAttribute('role', 'row')
    // Then the page comes back by its cursor and the same row shows its event.
    await waitFor(() => expect(log.row(2)!.getAttribute('aria-busy')).toBeNull(), { timeout: 10_000 })
    expect(within(log.row(2)!).getAllByRole('gridcell').length).toBeGreaterThan(1)
    expect(log.body().scrollHeight).toBe(height)
    expect(log.body().scrollTop).toBe(0)
    expect(log.held()).toBeLessThanOrEqual(3 * 20)
  })

  it('draws a dropped row as a busy placeholder with a loading label and its aria-rowindex', async () => {
    const log = mount()
    await walkToBottom(log)
    log.body().scrollTop = 0
    // Caught before the re-fetch lands, or already filled: either way never another event's row.
    await waitFor(() => expect(log.row(2)).not.toBeNull())
    const placeholder = log.view.container.querySelector('.al-row--placeholder')
    if (placeholder) {
      expect(placeholder).toHaveAttribute('aria-busy', 'true')
      expect(within(placeholder as HTMLElement).getByRole('gridcell')).toHaveAccessibleName('Loading event…')
      expect(Number(placeholder.getAttribute('aria-rowindex'))).toBeGreaterThanOrEqual(2)
    }
    await waitFor(() => expect(log.view.container.querySelector('.al-row--placeholder')).toBeNull(), {
      timeout: 10_000,
    })
  })

  it('keeps keyboard focus on the row’s index while its page is dropped and fetched again', async () => {
    const log = mount()
    await walkToBottom(log)
    log.body().scrollTop = 0
    await waitFor(() => expect(log.row(2)?.getAttribute('aria-busy')).toBeNull(), { timeout: 10_000 })
    log.row(2)!.focus()
    // End goes to the last row, far below: the top pages are dropped on the way.
    await userEvent.keyboard('{End}')
    await waitFor(() => expect(document.activeElement).toHaveAttribute('aria-rowindex', String(EVENTS + 1)))
    await waitFor(() => expect(log.held()).toBeLessThanOrEqual(3 * 20))
    // Home comes back to a dropped page: focus lands on row 1's place and stays as it fills in.
    await userEvent.keyboard('{Home}')
    await waitFor(() => expect(document.activeElement).toHaveAttribute('aria-rowindex', '2'))
    await waitFor(() => expect(log.row(2)!.getAttribute('aria-busy')).toBeNull(), { timeout: 10_000 })
    expect(document.activeElement).toBe(log.row(2))
    expect(log.body().scrollTop).toBe(0)
  })

  it('keeps the open event shown in the dialog when its page is dropped', async () => {
    const log = mount()
    await screen.findByRole('grid', {}, { timeout: 10_000 })
    await waitFor(() => expect(log.row(2)).not.toBeNull())
    await userEvent.click(log.row(2)!)
    const dialog = await screen.findByRole('dialog', {}, { timeout: 5000 })
    const heading = within(dialog).getByRole('heading', { level: 2 }).textContent
    // Behind the dialog, the list walks to the bottom: the open event's page is dropped.
    await walkToBottom(log)
    expect(log.held()).toBeLessThanOrEqual(3 * 20)
    expect(within(screen.getByRole('dialog')).getByRole('heading', { level: 2 })).toHaveTextContent(heading!)
  })

  // A walk to the bottom plus 100 appended events and their tail polls: 45 s, so a loaded
  // machine does not time it out (its waits are 10 s each).
  it('keeps live tail bounded while the reader is deep, and counts the new events in the pill', async () => {
    const log = mount({ liveTail: { intervalMs: 200 } })
    await walkToBottom(log)
    await commands.integrityAppend('a', 100)
    await waitFor(() => expect(log.grid()).toHaveAttribute('data-loaded-rows', String(EVENTS + 100)), {
      timeout: 10_000,
    })
    // The pill counts a poll's events once the poll has read down to the head, which can be a
    // page request after the rows landed: on a loaded machine that is more than waitFor's 1 s.
    await waitFor(() => expect(screen.getByRole('button', { name: /100 new events/ })).toBeInTheDocument(), {
      timeout: 10_000,
    })
    expect(log.held()).toBeLessThanOrEqual(3 * 20)
    // The reader's place did not move: the bottom rows are still on screen.
    expect(log.row(EVENTS + 100 + 1)).not.toBeNull()
  }, 45_000)
})
