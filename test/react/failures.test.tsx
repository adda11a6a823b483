/** Failures are shown and reported, never swallowed: keys, deep links, live tail, downloads, copy. */
import { render, screen, waitFor, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { AuditError, type AuditEvent, type ExportInfo } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider, ExportButton, VerifyBadge } from '../../src/react/index.js'
import { KEY_RETRY } from '../../src/core/log/pinned-keys.js'
import { exportInfo } from '../support/export-info.js'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'
import { fakeClient } from './fake-client.js'

const ledger = createSigner(VECTOR_SEED)
const signed = (overrides: Record<string, unknown>) => ledger.sign(apiEvent(overrides)) as unknown as AuditEvent
const events = [signed({ id: 'aevt_2', seq: 2, action: 'invoice.paid' }), signed({ id: 'aevt_1', seq: 1 })]
const down = () => new AuditError('network', 'The audit service could not be reached.')

/** A fake client whose key fetch fails `failures` times, with sleeps recorded instead of waited. */
function flakyKeys(failures: number) {
  const fake = fakeClient({ events, keys: [ledger.publicKey] })
  const sleeps: number[] = []
  const getKeys = fake.client.getKeys.bind(fake.client)
  let calls = 0
  Object.assign(fake.client, {
    platform: { ...fake.client.platform, random: () => 0.5, sleep: async (ms: number) => void sleeps.push(ms) },
    getKeys: async () => {
      if (++calls <= failures) throw down()
      return getKeys()
    },
  })
  return { ...fake, sleeps, calls: () => calls }
}

describe('the pinned keys', () => {
  it('are retried with growing, jittered waits, and badges say "Checking keys" meanwhile, not "Unpinned key"', async () => {
    const fake = flakyKeys(2)
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const sleep = fake.client.platform.sleep
    Object.assign(fake.client.platform, { sleep: async (ms: number) => (await sleep(ms), gate) })
    render(
      <AuditLogProvider client={fake.client}>
        <VerifyBadge event={events[0]!} />
      </AuditLogProvider>,
    )
    expect(await screen.findByText('Checking keys')).toBeInTheDocument()
    release()
    expect(await screen.findByText('Verified')).toBeInTheDocument()
    expect(fake.calls()).toBe(3)
    // Full jitter (random() = 0.5) over base, 2 x base: exponential, within the cap.
    expect(fake.sleeps).toEqual([KEY_RETRY.baseDelayMs * 0.5, KEY_RETRY.baseDelayMs])
  })

  it('that cannot be had are said to be unavailable, reported once, and can be retried from the log', async () => {
    const onError = vi.fn()
    const fake = flakyKeys(KEY_RETRY.attempts)
    render(
      <AuditLogProvider client={fake.client} onError={onError}>
        <AuditLog />
      </AuditLogProvider>,
    )
    const alert = await screen.findByText('The signing keys could not be loaded, so no event has been checked.')
    expect(screen.getAllByText('Keys unavailable')).toHaveLength(2)
    expect(screen.queryByText('Unpinned key')).not.toBeInTheDocument()
    expect(fake.calls()).toBe(KEY_RETRY.attempts)
    expect(fake.sleeps).toHaveLength(KEY_RETRY.attempts - 1)
    expect(Math.max(...fake.sleeps)).toBeLessThanOrEqual(KEY_RETRY.maxDelayMs)
    expect(onError).toHaveBeenCalledTimes(1)
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'network' }), 'keys')

    await userEvent.click(within(alert.closest('[role="alert"]')!).getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(screen.getAllByText('Verified')).toHaveLength(2))
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
  })

  it('that failed leave the dialog saying nothing about whether the signing key is pinned', async () => {
    const fake = flakyKeys(KEY_RETRY.attempts)
    render(
      <AuditLogProvider client={fake.client}>
        <AuditLog defaultSelectedEventId="aevt_2" />
      </AuditLogProvider>,
    )
    const dialog = await screen.findByRole('dialog', {}, { timeout: 5000 })
    await waitFor(() => expect(within(dialog).getAllByText('Keys unavailable').length).toBeGreaterThan(0))
    expect(within(dialog).queryByText('This key is not pinned.')).not.toBeInTheDocument()
    expect(within(dialog).queryByText('This key is pinned.')).not.toBeInTheDocument()
  })

  it('are not retried when the answer will not change (forbidden)', async () => {
    const fake = fakeClient({ events, keys: [ledger.publicKey] })
    let calls = 0
    fake.client.getKeys = async () => {
      calls++
      throw new AuditError('forbidden', 'No.', { status: 403 })
    }
    render(
      <AuditLogProvider client={fake.client}>
        <VerifyBadge event={events[0]!} />
      </AuditLogProvider>,
    )
    expect(await screen.findByText('Keys unavailable')).toBeInTheDocument()
    expect(calls).toBe(1)
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument()
  })
})

it('says when the event of a deep link cannot be loaded, reports it, and retries', async () => {
  const onError = vi.fn()
  const fake = fakeClient({ events, keys: [ledger.publicKey] })
  const extra = signed({ id: 'aevt_old', seq: 0, action: 'old.thing' })
  let fail = true
  fake.client.getEvent = async (id) => {
    if (fail) throw down()
    if (id === extra.id) return extra
    throw new AuditError('not-found', 'No such event', { status: 404 })
  }
  render(
    <AuditLogProvider client={fake.client} onError={onError}>
      <AuditLog defaultSelectedEventId="aevt_old" />
    </AuditLogProvider>,
  )
  const alert = (await screen.findByText('The linked event could not be loaded.')).closest('[role="alert"]')!
  expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'network' }), 'event')
  fail = false
  await userEvent.click(within(alert as HTMLElement).getByRole('button', { name: 'Try again' }))
  const dialog = await screen.findByRole('dialog', {}, { timeout: 5000 })
  expect(within(dialog).getByRole('heading', { name: 'old.thing' })).toBeInTheDocument()
  expect(screen.queryByText('The linked event could not be loaded.')).not.toBeInTheDocument()
})

it('shows a calm notice while live tail cannot reach the server, reports the first failure, and clears it on recovery', async () => {
  const onError = vi.fn()
  let failing = false
  const fake = fakeClient({ events, keys: [ledger.publicKey], fail: () => (failing ? down() : null) })
  render(
    <AuditLogProvider client={fake.client} onError={onError}>
      <AuditLog liveTail={{ intervalMs: 20 }} />
    </AuditLogProvider>,
  )
  await screen.findByRole('grid')
  failing = true
  const notice = await screen.findByText(/Live updates paused/)
  expect(notice.closest('[role="status"]')).not.toBeNull()
  await waitFor(() => expect(fake.calls.length).toBeGreaterThan(4))
  expect(onError).toHaveBeenCalledTimes(1)
  expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'network' }), 'live-tail')
  failing = false
  await waitFor(() => expect(screen.queryByText(/Live updates paused/)).not.toBeInTheDocument())
})

/**
 * An ExportButton whose export comes back ready with an expired link, CSV chosen: the download
 * must ask `getExport` (given, or the fake's) for a fresh link. A second creation gets one.
 */
async function exportWithExpiredLink(getExport?: () => Promise<ExportInfo>) {
  const onError = vi.fn()
  const onDownload = vi.fn()
  const { client } = fakeClient({
    events: [],
    exports: [{ status: 'ready', rowCount: 3, downloadUrl: 'https://dl/old', expiresAt: '2000-01-01T00:00:00Z' }],
  })
  let creations = 0
  const create = client.createExport.bind(client)
  const fresh = exportInfo({
    status: 'ready',
    rowCount: 3,
    downloadUrl: 'https://dl/new',
    expiresAt: '2999-01-01T00:00:00Z',
  })
  client.createExport = async (...args) => (++creations === 1 ? create(...args) : fresh)
  if (getExport) client.getExport = getExport
  render(
    <AuditLogProvider client={client} trustedKeys={[]} onError={onError}>
      <ExportButton onDownload={onDownload} />
    </AuditLogProvider>,
  )
  await userEvent.click(await screen.findByRole('button', { name: 'Export' }))
  await userEvent.click(screen.getByRole('menuitem', { name: 'CSV' }))
  return { client, onError, onDownload, creations: () => creations }
}

it('says so in the export UI when the automatic download cannot start, and reports it', async () => {
  const { onError, onDownload } = await exportWithExpiredLink(async () => {
    throw down()
  })
  expect(await screen.findByText('The download could not start.')).toBeInTheDocument()
  expect(screen.queryByText('Your download has started.')).not.toBeInTheDocument()
  expect(screen.getByRole('button', { name: 'Download again' })).toBeInTheDocument()
  expect(onDownload).not.toHaveBeenCalled()
  expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'network' }), 'download')
})

describe('"Download again" after the link has expired', () => {
  /** Click "Download again" once the first download is done, with `getExport` answering. */
  async function readyThenAgain(getExport: () => Promise<ExportInfo>) {
    const exported = await exportWithExpiredLink()
    await screen.findByRole('button', { name: 'Download again' })
    exported.client.getExport = getExport
    exported.onError.mockClear()
    await userEvent.click(screen.getByRole('button', { name: 'Download again' }))
    return exported
  }

  it('reports a network failure and starts no second export upstream', async () => {
    const { onError, creations } = await readyThenAgain(async () => {
      throw down()
    })
    await waitFor(() => expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'network' }), 'download'))
    expect(creations()).toBe(1)
  })

  it('makes the export again when it is gone, without calling it an error', async () => {
    const { onError, onDownload, creations } = await readyThenAgain(async () =>
      exportInfo({ status: 'failed', error: 'expired' }),
    )
    await waitFor(() => expect(onDownload).toHaveBeenCalledWith('https://dl/new'))
    expect(creations()).toBe(2)
    expect(onError).not.toHaveBeenCalled()
  })
})

it('says "Copy failed" when the clipboard refuses', async () => {
  Object.defineProperty(navigator, 'clipboard', {
    value: { writeText: async () => Promise.reject(new Error('denied')) },
    configurable: true,
  })
  const { client } = fakeClient({ events, keys: [ledger.publicKey] })
  render(
    <AuditLogProvider client={client}>
      <AuditLog defaultSelectedEventId="aevt_2" />
    </AuditLogProvider>,
  )
  const dialog = await screen.findByRole('dialog', {}, { timeout: 5000 })
  await userEvent.click(within(dialog).getByRole('button', { name: 'Copy Raw JSON' }))
  expect(await within(dialog).findByText('Copy failed')).toBeInTheDocument()
})
