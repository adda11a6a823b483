import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, within } from 'storybook/test'
import { VerifyBadge, VerifyBadgeView } from '../src/react/index.js'
import { FixtureLedger } from './fixtures/fixture-ledger.js'
import { auditHandlers } from './fixtures/handlers.js'

const meta = {
  title: 'VerifyBadge',
  component: VerifyBadgeView,
  args: { status: 'verified' },
  parameters: { layout: 'padded' },
} satisfies Meta<typeof VerifyBadgeView>

export default meta
type Story = StoryObj<typeof meta>

export const Verified: Story = { args: { status: 'verified' } }
export const UnpinnedKey: Story = { args: { status: 'unpinned' } }
export const UntrustedKey: Story = { args: { status: 'untrusted' } }
export const Tampered: Story = { args: { status: 'tampered' } }
export const Malformed: Story = { args: { status: 'malformed' } }
export const Checking: Story = { args: { status: 'checking' } }
export const CheckingKeys: Story = { args: { status: 'keys-loading' } }
export const KeysUnavailable: Story = { args: { status: 'keys-unavailable' } }

const ledger = new FixtureLedger({ count: 10 })

/**
 * Real verification in the browser, against the key the msw proxy publishes: the badge of
 * fixture event `seq` must come to say `word`. The first story to verify also starts the
 * verification worker, which the dev server compiles on first request, hence the longer wait.
 */
const forReal = (seq: number, word: string): Story => ({
  beforeEach({ msw }) {
    msw.use(...auditHandlers({ ledger }))
  },
  render: () => <VerifyBadge event={ledger.event(seq)} />,
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText(word, {}, { timeout: 10_000 })).toBeVisible()
  },
})

export const VerifiedForReal = forReal(1, 'Verified')
export const TamperedForReal = forReal(8, 'Tampered')
export const UntrustedForReal = forReal(7, 'Untrusted key')
