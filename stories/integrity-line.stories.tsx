import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, userEvent, within } from 'storybook/test'
import { CHECKING, type IntegritySnapshot } from '../src/core/proof/integrity-types.js'
import { IntegrityLineView } from '../src/react/integrity-line.js'
import '../src/react/styles.css'

/** Snapshots as the integrity monitor makes them; the notes are shortened C2SP checkpoints. */
const base: IntegritySnapshot = CHECKING
const seen = Date.parse('2026-11-02T09:30:00Z')
const now = Date.parse('2026-11-29T14:05:00Z')

const meta = {
  title: 'IntegrityLine',
  component: IntegrityLineView,
  args: { snapshot: base, locale: 'en-US', timeZone: 'UTC' },
  parameters: { layout: 'padded' },
} satisfies Meta<typeof IntegrityLineView>

export default meta
type Story = StoryObj<typeof meta>

export const Checking: Story = {}

export const Complete: Story = {
  args: { snapshot: { ...base, status: 'complete', size: 100_203, time: now, firstSeenAt: seen } },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('status')).toHaveTextContent(
      'Complete up to #100,203 as of Nov 29, 2026, 2:05 PM · consistent with what this browser saw on Nov 2, 2026',
    )
  },
}

/** The remembered checkpoint no longer verified (a key rotation dropped its pin): said, not alarmed. */
export const MemoryRestarted: Story = {
  args: {
    snapshot: {
      ...base,
      status: 'complete',
      size: 100_203,
      time: now,
      firstSeenAt: now,
      restarted: { from: seen, at: now, reason: 'unverifiable' },
    },
  },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('status')).toHaveTextContent(
      'Complete up to #100,203 as of Nov 29, 2026, 2:05 PM · consistent with what this browser saw on Nov 29, 2026 · ' +
        'this browser’s earlier record of this log, from Nov 2, 2026, could not be checked (the pinned keys may have changed) and was started afresh on Nov 29, 2026',
    )
    await expect(within(canvasElement.ownerDocument.body).queryByRole('alertdialog')).toBeNull()
  },
}

export const NoCheckpoints: Story = {
  args: { snapshot: { ...base, status: 'no-checkpoints', firstSeenAt: seen } },
}

export const Unavailable: Story = {
  args: { snapshot: { ...base, status: 'unavailable' } },
}

export const ForkAlarm: Story = {
  args: {
    snapshot: {
      ...base,
      status: 'alarm',
      firstSeenAt: seen,
      problem: { kind: 'forked', size: 24, previousSize: 22 },
      evidence: {
        format: 'auditlens.integrity-evidence/1',
        org: 'aorg_demo',
        detectedAt: new Date(now).toISOString(),
        problem: 'The log of 24 events does not extend the log of 22 events this browser saw before.',
        previousCheckpoint: 'auditlens.local/demo/orgs/aorg_demo\n22\n…\n',
        checkpoint: 'auditlens.local/demo/orgs/aorg_demo\n24\n…\n',
        proof: { type: 'consistency', first: 22, second: 24, hashes: [] },
      },
    },
  },
  play: async ({ canvasElement }) => {
    const page = within(canvasElement.ownerDocument.body)
    const alarm = await page.findByRole('alertdialog')
    await expect(alarm).toHaveTextContent('its history was rewritten')
    await userEvent.click(within(alarm).getByRole('button', { name: 'Keep reviewing with caution' }))
    await expect(within(canvasElement).getByRole('button', { name: 'Show what failed' })).toBeVisible()
  },
}

export const TruncationAlarm: Story = {
  args: {
    snapshot: {
      ...base,
      status: 'alarm',
      problem: { kind: 'truncated', size: 20, previousSize: 23 },
    },
  },
}
