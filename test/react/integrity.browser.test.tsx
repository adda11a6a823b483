/**
 * The integrity line and alarm in real Chromium, over real HTTP to real ledgers (driven
 * through Vitest browser commands), with localStorage as the browser's memory. Each "visit" is
 * a fresh mount of <AuditLog> with a fresh client, as after a reload; localStorage persists.
 */
import { render, screen, waitFor, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import axe from 'axe-core'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { commands } from 'vitest/browser'
import { createAuditClient, type AuditToken } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider } from '../../src/react/index.js'
import '../../src/react/styles.css'

declare module 'vitest/browser' {
  interface BrowserCommands {
    integrityStart(shared: number): Promise<{ baseUrl: string; orgId: string }>
    integrityAppend(which: 'a' | 'b', count: number): Promise<void>
    integritySwap(which: 'a' | 'b' | 'empty'): Promise<void>
    integrityToken(): Promise<AuditToken>
    integrityStop(): Promise<void>
  }
}

let baseUrl = ''

beforeEach(async () => {
  localStorage.clear()
  ;({ baseUrl } = await commands.integrityStart(20))
})
afterAll(() => commands.integrityStop())

/** One visit: mount the log with a new client; resolves when the integrity line settled. */
async function visit(options: { withProofs?: boolean } = {}) {
  const made = createAuditClient({ baseUrl, retry: { attempts: 1 }, fetchToken: () => commands.integrityToken() })
  // A service that publishes no checkpoints (Invoance's hosted API today): the client says none.
  const client = options.withProofs === false ? { ...made, getCheckpoint: async () => null } : made
  const view = render(
    <AuditLogProvider client={client} verification={{ worker: false }}>
      <div style={{ height: 500, width: 1000 }}>
        <AuditLog />
      </div>
    </AuditLogProvider>,
  )
  await waitFor(
    () =>
      expect(document.querySelector('[data-integrity]')?.getAttribute('data-integrity')).toMatch(
        /complete|no-checkpoints|alarm|unavailable/,
      ),
    { timeout: 10_000 },
  )
  return view
}

const line = () => document.querySelector('[data-integrity]')!

describe('the integrity line', () => {
  it('tells a returning viewer the log is complete and consistent with what this browser saw', async () => {
    const first = await visit()
    expect(line()).toHaveAttribute('data-integrity', 'complete')
    expect(within(line() as HTMLElement).getByRole('status')).toHaveTextContent(
      /Complete up to #20 as of .* · consistent with what this browser saw on/,
    )
    first.unmount()
    await commands.integrityAppend('a', 3)
    await visit()
    expect(line()).toHaveAttribute('data-integrity', 'complete')
    expect(line()).toHaveTextContent('Complete up to #23')
    expect(screen.queryByRole('alertdialog')).toBeNull()
  })

  it('raises a blocking alarm on a same-key fork, with the evidence as a download', async () => {
    await commands.integrityAppend('a', 2)
    await commands.integrityAppend('b', 4)
    ;(await visit()).unmount()
    await commands.integritySwap('b')
    await visit()
    const alarm = await screen.findByRole('alertdialog')
    expect(alarm).toHaveTextContent('The log of 24 events does not extend the 22 events this browser saw before')
    const audit = await axe.run(document.body, { resultTypes: ['violations'] })
    expect(audit.violations.map((v) => v.id)).toEqual([])
    // Focus is inside the alarm, and Escape does not wave it away.
    expect(alarm.contains(document.activeElement)).toBe(true)
    await userEvent.keyboard('{Escape}')
    expect(screen.getByRole('alertdialog')).toBeVisible()
    const clicked: string[] = []
    const blobs: Blob[] = []
    const click = HTMLAnchorElement.prototype.click
    const createObjectURL = URL.createObjectURL
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this.download)
    }
    URL.createObjectURL = (blob: Blob) => (blobs.push(blob), createObjectURL(blob))
    try {
      await userEvent.click(within(alarm).getByRole('button', { name: 'Download evidence (JSON)' }))
    } finally {
      HTMLAnchorElement.prototype.click = click
      URL.createObjectURL = createObjectURL
    }
    expect(clicked[0]).toMatch(/^auditlens-integrity-evidence-.*\.json$/)
    const evidence = JSON.parse(await blobs[0]!.text()) as Record<string, unknown>
    expect(evidence.previousCheckpoint).toMatch(/\n22\n/)
    expect(evidence.checkpoint).toMatch(/\n24\n/)
    expect((evidence.proof as { type: string }).type).toBe('consistency')
    // Closing it leaves the line red, with the way back.
    await userEvent.click(within(alarm).getByRole('button', { name: 'Keep reviewing with caution' }))
    expect(line()).toHaveAttribute('data-integrity', 'alarm')
    await userEvent.click(within(line() as HTMLElement).getByRole('button', { name: 'Show what failed' }))
    expect(await screen.findByRole('alertdialog')).toBeVisible()
  })

  it('catches tail truncation for a returning viewer', async () => {
    await commands.integrityAppend('a', 3)
    ;(await visit()).unmount()
    await commands.integritySwap('b')
    await visit()
    expect(await screen.findByRole('alertdialog')).toHaveTextContent(
      'The log now holds 20 events where it held 23 before: the newest events were removed.',
    )
  })

  it('catches whole-log deletion for a returning viewer', async () => {
    ;(await visit()).unmount()
    await commands.integritySwap('empty')
    await visit()
    expect(await screen.findByRole('alertdialog')).toHaveTextContent('The log this browser saw before is gone.')
  })

  it('says, without an alarm, that the memory started afresh when the remembered checkpoint no longer verifies', async () => {
    ;(await visit()).unmount()
    // Storage edited (as a key rotation that dropped the old pin would also leave it): the
    // remembered note's signature no longer covers its text.
    const key = Object.keys(localStorage).find((k) => k.startsWith('auditlens.checkpoint:'))!
    localStorage.setItem(key, localStorage.getItem(key)!.replace(/\n20\n/, '\n19\n'))
    await commands.integrityAppend('a', 1)
    await visit()
    expect(line()).toHaveAttribute('data-integrity', 'complete')
    expect(line()).toHaveAttribute('data-memory', 'restarted')
    expect(within(line() as HTMLElement).getByRole('status')).toHaveTextContent(
      /Complete up to #21 .* · this browser’s earlier record of this log, from .+, could not be checked \(the pinned keys may have changed\) and was started afresh on /,
    )
    expect(screen.queryByRole('alertdialog')).toBeNull()
  })

  it('says the memory started afresh only until a later visit proved the log consistent with it', async () => {
    ;(await visit()).unmount()
    const key = Object.keys(localStorage).find((k) => k.startsWith('auditlens.checkpoint:'))!
    localStorage.setItem(key, localStorage.getItem(key)!.replace(/\n20\n/, '\n19\n'))
    const restartVisit = await visit()
    expect(line()).toHaveAttribute('data-memory', 'restarted')
    restartVisit.unmount()
    await commands.integrityAppend('a', 2)
    await visit()
    expect(line()).toHaveAttribute('data-integrity', 'complete')
    expect(line()).not.toHaveAttribute('data-memory')
    // The date is the restart's: what this browser has proven since then, and no more.
    const text = within(line() as HTMLElement).getByRole('status').textContent!
    expect(text).toMatch(/^Complete up to #22 as of .+ · consistent with what this browser saw on [^·]+$/)
    expect(text).not.toMatch(/started afresh/)
  })

  it('without checkpoints says so, and alarms when an event seen before changed', async () => {
    await commands.integrityAppend('a', 2)
    await commands.integrityAppend('b', 2)
    const first = await visit({ withProofs: false })
    expect(line()).toHaveTextContent(
      'This audit service publishes no checkpoints: only signatures and gaps between loaded events are checked',
    )
    first.unmount()
    await commands.integritySwap('b')
    await visit({ withProofs: false })
    expect(await screen.findByRole('alertdialog')).toHaveTextContent('Event #22 has changed since this browser saw it.')
  })
})

describe('Verify entire log', () => {
  it('walks every event, checks each signature and the root, and reports in words', async () => {
    await visit()
    await userEvent.click(within(line() as HTMLElement).getByRole('button', { name: 'Verify entire log' }))
    await waitFor(() => expect(line().querySelector('[data-walk]')).not.toBeNull(), { timeout: 10_000 })
    expect(line().querySelector('[data-walk]')).toHaveAttribute('data-walk', 'ok')
    expect(line()).toHaveTextContent(
      /20 events verified, 0 gaps, 0 tampered, 0 untrusted, root matches the checkpoint \(\d+\.\d s\)/,
    )
  })

  it('shows progress with a cancel that stops the walk, while the rows stay usable', async () => {
    await commands.integrityAppend('a', 3000)
    await visit()
    await userEvent.click(within(line() as HTMLElement).getByRole('button', { name: 'Verify entire log' }))
    const progress = await within(line() as HTMLElement).findByRole('progressbar')
    expect(progress).toHaveAttribute('max', '3020')
    // The table is still there and can be opened while the walk runs.
    expect(screen.getByRole('grid')).toBeVisible()
    await userEvent.click(within(line() as HTMLElement).getByRole('button', { name: 'Cancel' }))
    expect(within(line() as HTMLElement).queryByRole('progressbar')).toBeNull()
    expect(within(line() as HTMLElement).getByRole('button', { name: 'Verify entire log' })).toBeVisible()
    expect(line().querySelector('[data-walk]')).toBeNull()
  })
})
