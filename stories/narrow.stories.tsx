import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { AuditLog } from '../src/react/index.js'
import { auditHandlers } from './fixtures/handlers.js'

/**
 * `<AuditLog>` on a phone, 375 × 667 (the Storybook test runner sets this viewport from the
 * story's globals): cards, the filters behind their toggle, and the dialog as a full-screen sheet.
 */
const meta = {
  title: 'AuditLog/Narrow (375 px)',
  component: AuditLog,
  render: (args) => (
    <div style={{ height: 600 }}>
      <AuditLog {...args} />
    </div>
  ),
  parameters: {
    viewport: {
      options: { phone375: { name: 'Phone (375 px)', styles: { width: '375px', height: '667px' }, type: 'mobile' } },
    },
  },
  globals: { viewport: { value: 'phone375', isRotated: false } },
  beforeEach: function ({ msw }) {
    msw.use(...auditHandlers())
  },
} satisfies Meta<typeof AuditLog>

export default meta
type Story = StoryObj<typeof meta>

/** Each event a card: action and badge, actor and time; a host column on a labelled line. */
export const Cards: Story = {
  args: { columns: [{ id: 'region', header: 'Region', cell: () => 'eu-west-1' }] },
  play: async ({ canvasElement }) => {
    const grid = await within(canvasElement).findByRole('grid')
    await waitFor(() => expect(within(grid).getAllByText('Verified').length).toBeGreaterThan(3), { timeout: 10_000 })
    await expect(within(grid).getAllByText('Region')[0]).toBeVisible()
    const body = grid.querySelector<HTMLElement>('.al-grid__body')!
    await expect(body.scrollWidth).toBeLessThanOrEqual(body.clientWidth)
  },
}

/** The filters opened from their toggle, with one filter set (the count is on the button). */
export const FiltersOpen: Story = {
  args: { defaultFilters: { actions: ['invoice.paid'] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const toggle = await canvas.findByRole('button', { name: 'Filters 1 active' })
    await expect(toggle).toHaveAttribute('aria-expanded', 'false')
    await userEvent.click(toggle)
    await expect(toggle).toHaveAttribute('aria-expanded', 'true')
    await expect(canvas.getByRole('textbox', { name: 'Actor' })).toBeVisible()
  },
}

/** A card opened with the keyboard: the dialog fills the screen. */
export const DialogSheet: Story = {
  play: async ({ canvasElement }) => {
    const grid = await within(canvasElement).findByRole('grid')
    const first = within(grid)
      .getAllByRole('row')
      .find((row) => row.hasAttribute('data-item-index'))!
    first.focus()
    await userEvent.keyboard('{ArrowDown}{Enter}')
    const dialog = await within(document.body).findByRole('dialog', {}, { timeout: 5000 })
    const box = dialog.getBoundingClientRect()
    await expect([box.left, box.top, box.width, box.height]).toEqual([0, 0, window.innerWidth, window.innerHeight])
  },
}
