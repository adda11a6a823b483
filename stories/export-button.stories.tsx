import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, userEvent, within } from 'storybook/test'
import { ExportButton } from '../src/react/index.js'
import { auditHandlers, type HandlerOptions } from './fixtures/handlers.js'

const meta = {
  title: 'ExportButton',
  component: ExportButton,
  args: { filters: { actions: ['invoice.paid'] }, onDownload: () => {} },
  parameters: { layout: 'padded' },
} satisfies Meta<typeof ExportButton>

export default meta
type Story = StoryObj<typeof meta>

const using = (options: HandlerOptions = {}): Story['beforeEach'] =>
  function ({ msw }) {
    msw.use(...auditHandlers(options))
  }

const choose = async (canvasElement: HTMLElement, format: 'CSV' | 'NDJSON (verifiable)') => {
  const canvas = within(canvasElement)
  await userEvent.click(await canvas.findByRole('button', { name: 'Export' }))
  await userEvent.click(canvas.getByRole('menuitem', { name: format }))
  return canvas
}

export const Idle: Story = { beforeEach: using() }

export const Preparing: Story = {
  beforeEach: using({
    exportSteps: [
      { status: 'queued', row_count: 0 },
      { status: 'running', row_count: 48_200 },
    ],
  }),
  play: async ({ canvasElement }) => {
    const canvas = await choose(canvasElement, 'CSV')
    await expect(await canvas.findByText(/Preparing… 48,200 rows/, {}, { timeout: 5000 })).toBeVisible()
    await expect(canvas.getByRole('button', { name: 'Cancel' })).toBeVisible()
  },
}

export const Ready: Story = {
  beforeEach: using(),
  play: async ({ canvasElement }) => {
    const canvas = await choose(canvasElement, 'NDJSON (verifiable)')
    await expect(await canvas.findByText('Your download has started.', {}, { timeout: 5000 })).toBeVisible()
    await expect(canvas.getByRole('button', { name: 'Download again' })).toBeVisible()
  },
}

export const Failed: Story = {
  beforeEach: using({ exportSteps: [{ status: 'failed', error: 'The export could not be written: disk full' }] }),
  play: async ({ canvasElement }) => {
    const canvas = await choose(canvasElement, 'CSV')
    await expect(await canvas.findByText(/disk full/)).toBeVisible()
    await expect(canvas.getByRole('button', { name: 'Retry' })).toBeVisible()
  },
}

export const WithoutExportScope: Story = {
  beforeEach: using({ scopes: ['audit:read'] }),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await expect(await canvas.findByText('Your account may not export the audit log.')).toBeVisible()
  },
}
