import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { AuditLog } from '../src/react/index.js'
import { FixtureLedger } from './fixtures/fixture-ledger.js'
import { auditHandlers, type HandlerOptions } from './fixtures/handlers.js'

const meta = {
  title: 'AuditLog',
  component: AuditLog,
  render: (args) => (
    <div style={{ height: 560 }}>
      <AuditLog {...args} />
    </div>
  ),
} satisfies Meta<typeof AuditLog>

export default meta
type Story = StoryObj<typeof meta>

const using = (options: HandlerOptions = {}): Story['beforeEach'] =>
  function ({ msw }) {
    msw.use(...auditHandlers(options))
  }

/** Really signed events: verified rows, one tampered, one re-signed with a foreign key, a seq gap, an XSS string. */
export const Default: Story = {
  beforeEach: using(),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await canvas.findByRole('grid')
    // The first story to verify also starts the verification worker, which the dev server
    // compiles on first request: allow it more than waitFor's default second.
    await waitFor(() => expect(canvas.getAllByText('Verified').length).toBeGreaterThan(3), { timeout: 10_000 })
    await expect(canvas.getByText('Tampered')).toBeVisible()
    await expect(canvas.getByText('Untrusted key')).toBeVisible()
    await expect(canvasElement.querySelector('img')).toBeNull()
  },
}

export const Loading: Story = {
  beforeEach: using({ hang: true }),
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText('Loading events…')).toBeInTheDocument()
  },
}

export const Empty: Story = {
  beforeEach: using({ ledger: new FixtureLedger({ count: 0 }) }),
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText('No events yet')).toBeVisible()
  },
}

export const EmptyWithFilters: Story = {
  args: { defaultFilters: { actions: ['nothing.matches'] } },
  beforeEach: using(),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await expect(await canvas.findByText('No events match')).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Clear filters' }))
    await expect(await canvas.findByRole('grid')).toBeVisible()
  },
}

export const LoadFailed: Story = {
  beforeEach: using({ failWith: 502 }),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    // The client retries a 502 with backoff before giving up, so this takes a moment.
    await expect(await canvas.findByText('The audit log could not be loaded.', {}, { timeout: 8000 })).toBeVisible()
    await expect(canvas.getByRole('button', { name: 'Try again' })).toBeVisible()
  },
}

/** The pinned keys cannot be fetched: badges say so (never "Unpinned key"), with a retry above the list. */
export const KeysUnavailable: Story = {
  beforeEach: using({ keysFailWith: 403 }),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await expect(
      await canvas.findByText('The signing keys could not be loaded, so no event has been checked.'),
    ).toBeVisible()
    await waitFor(() => expect(canvas.getAllByText('Keys unavailable').length).toBeGreaterThan(3))
    await expect(canvas.queryByText('Unpinned key')).toBeNull()
  },
}

export const SessionExpired: Story = {
  beforeEach: using({ sessionExpired: true }),
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText('Your session has ended.')).toBeVisible()
  },
}

export const HundredThousandRows: Story = {
  args: { pageSize: 200 },
  beforeEach: using({ ledger: new FixtureLedger({ count: 100_000 }) }),
  play: async ({ canvasElement }) => {
    const grid = await within(canvasElement).findByRole('grid')
    // One page of 200 is in; more exist, so the total is unknown to assistive technology (-1).
    await waitFor(() => expect(grid.getAttribute('data-loaded-rows')).toBe('200'))
    expect(grid.getAttribute('aria-rowcount')).toBe('-1')
    expect(canvasElement.querySelectorAll('[role="row"]').length).toBeLessThan(40)
  },
}

export const SeqGap: Story = {
  beforeEach: using({ ledger: new FixtureLedger({ count: 60, missing: [56, 57], specials: false }) }),
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText('2 events missing (seq 56–57)')).toBeVisible()
  },
}

const live = new FixtureLedger({ count: 40, specials: false })
export const LiveTail: Story = {
  args: { defaultLiveTail: { intervalMs: 1000 } },
  beforeEach: function ({ msw }) {
    msw.use(...auditHandlers({ ledger: live }))
    const timer = setInterval(() => live.append(), 1500)
    return () => clearInterval(timer)
  },
}

export const Compact: Story = { args: { density: 'compact' }, beforeEach: using() }

export const Dark: Story = { globals: { theme: 'dark' }, beforeEach: using() }

export const FilterAndOpenDetail: Story = {
  beforeEach: using(),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await canvas.findByRole('grid')
    await userEvent.type(canvas.getByLabelText('Actions'), 'invoice.paid{enter}')
    await waitFor(() => expect(canvas.getAllByText('invoice.paid').length).toBeGreaterThan(2), { timeout: 5000 })
    const rows = within(canvas.getByRole('grid')).getAllByRole('row')
    await userEvent.click(rows[1]!)
    const dialog = await within(document.body).findByRole('dialog', {}, { timeout: 5000 })
    await expect(within(dialog).getByRole('heading', { level: 2 })).toHaveTextContent('invoice.paid')
    await waitFor(() => expect(within(dialog).getByText('The recomputed hash matches the stored one.')).toBeVisible())
    await userEvent.keyboard('{Escape}')
  },
}

/** An actor name that is HTML (it must render as text) and a very long target name (it must truncate). */
export const LongTextAndXss: Story = {
  beforeEach: using(),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await expect(await canvas.findByText('<img src=x onerror="alert(1)"> <script>alert(2)</script>')).toBeVisible()
    await expect(canvasElement.querySelector('img, script')).toBeNull()
    // The text sits in an isolate (<bdi>) inside the line that truncates.
    const long = (await canvas.findByText(/Quarterly board deck — Quarterly board deck/)).closest('.al-truncate')!
    await expect(long.scrollWidth).toBeGreaterThan(long.clientWidth)
  },
}
