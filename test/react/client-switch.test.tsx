/** An org switch: the host hands the provider another client (or the log another page size). */
import { render, screen, waitFor, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider, ExportButton, VerifyBadge } from '../../src/react/index.js'
import { apiEvent, createSigner, seedFrom, VECTOR_SEED } from '../support/signing.js'
import { fakeClient } from './fake-client.js'

const orgA = createSigner(VECTOR_SEED, 'key_a')
const orgB = createSigner(seedFrom(9), 'key_b')
const eventsA = [orgA.sign(apiEvent({ id: 'aevt_a1', seq: 1, action: 'org_a.thing' })) as unknown as AuditEvent]
/** Rows are redrawn while badges settle: wait for the text, not for one element. */
const shows = (text: string) => waitFor(() => expect(screen.getByText(text)).toBeInTheDocument())
const eventsB = [orgB.sign(apiEvent({ id: 'aevt_b1', seq: 1, action: 'org_b.thing' })) as unknown as AuditEvent]

/**
 * Render a log of org A, run `whileA` once its rows show, then hand the provider org B's client.
 * Resolves once org B's rows show, with what `whileA` saw of org A gone or not.
 */
async function switchOrgs(whileA: () => Promise<void> = async () => {}) {
  const a = fakeClient({ events: eventsA, keys: [orgA.publicKey] })
  const b = fakeClient({ events: eventsB, keys: [orgB.publicKey] })
  const log = (client: typeof a.client) => (
    <AuditLogProvider client={client}>
      <AuditLog />
    </AuditLogProvider>
  )
  const view = render(log(a.client))
  await shows('org_a.thing')
  await whileA()
  view.rerender(log(b.client))
  const aGoneAtOnce = screen.queryByText('org_a.thing') === null
  await shows('org_b.thing')
  return { b, aGoneAtOnce }
}

describe('given a log showing org A, after the host switches to org B', () => {
  it('shows only org B events, loaded through the new client', async () => {
    const { b, aGoneAtOnce } = await switchOrgs()
    expect(aGoneAtOnce).toBe(true)
    expect(b.calls).not.toHaveLength(0)
  })

  it('never checks org B events against the key ring fetched from org A', async () => {
    const a = fakeClient({ events: eventsA, keys: [orgA.publicKey] })
    let releaseKeysB: () => void = () => {}
    const b = fakeClient({ events: eventsB, keys: [orgB.publicKey] })
    const keysB = b.client.getKeys.bind(b.client)
    b.client.getKeys = () => new Promise((resolve) => (releaseKeysB = () => resolve(keysB())))
    const view = render(
      <AuditLogProvider client={a.client}>
        <VerifyBadge event={eventsA[0]!} />
      </AuditLogProvider>,
    )
    expect(await screen.findByText('Verified')).toBeInTheDocument()
    view.rerender(
      <AuditLogProvider client={b.client}>
        <VerifyBadge event={eventsB[0]!} />
      </AuditLogProvider>,
    )
    // Org A's pinned key does not sign org B's event: judged by it, the badge would say Untrusted.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(screen.queryByText('Untrusted key')).not.toBeInTheDocument()
    releaseKeysB()
    expect(await screen.findByText('Verified')).toBeInTheDocument()
  })

  it('closes the event that was open in org A', async () => {
    await switchOrgs(async () => {
      await screen.findByText('Verified') // the cells are drawn anew when the keys arrive
      await userEvent.click(screen.getByText('org_a.thing'))
      expect(await screen.findByRole('dialog')).toBeInTheDocument()
    })
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
  })

  it('forgets the actions seen in org A when suggesting actions to filter by', async () => {
    await switchOrgs()
    const suggestions = [...document.querySelectorAll('datalist option')].map((option) => option.getAttribute('value'))
    expect(suggestions).not.toContain('org_a.thing')
  })
})

it('loads with the new page size when the host changes pageSize', async () => {
  const a = fakeClient({ events: eventsA, keys: [orgA.publicKey] })
  const view = render(
    <AuditLogProvider client={a.client}>
      <AuditLog pageSize={10} />
    </AuditLogProvider>,
  )
  await shows('org_a.thing')
  view.rerender(
    <AuditLogProvider client={a.client}>
      <AuditLog pageSize={25} />
    </AuditLogProvider>,
  )
  await waitFor(() => expect(a.calls.at(-1)?.filters).toMatchObject({ limit: 25 }))
  expect(within(screen.getByRole('grid')).getByText('org_a.thing')).toBeInTheDocument()
})

it("drops a standalone export button's finished export when the client changes", async () => {
  const ready = {
    status: 'ready' as const,
    rowCount: 1,
    downloadUrl: 'https://dl/a',
    expiresAt: '2999-01-01T00:00:00Z',
  }
  const a = fakeClient({ events: [], exports: [ready] })
  const b = fakeClient({ events: [] })
  const view = render(
    <AuditLogProvider client={a.client} trustedKeys={[]}>
      <ExportButton onDownload={() => {}} />
    </AuditLogProvider>,
  )
  await userEvent.click(await screen.findByRole('button', { name: 'Export' }))
  await userEvent.click(screen.getByRole('menuitem', { name: 'CSV' }))
  expect(await screen.findByRole('button', { name: 'Download again' })).toBeInTheDocument()
  view.rerender(
    <AuditLogProvider client={b.client} trustedKeys={[]}>
      <ExportButton onDownload={() => {}} />
    </AuditLogProvider>,
  )
  expect(screen.queryByRole('button', { name: 'Download again' })).not.toBeInTheDocument()
  expect(screen.queryByText('Your download has started.')).not.toBeInTheDocument()
})
