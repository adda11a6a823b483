/**
 * The theme in real Chromium: the nearest data-theme="light" | "dark" wins over any outer one
 * and over prefers-color-scheme, for the log, the components nested in it, and the dialog
 * that portals out to <body>.
 */
import { render, screen, waitFor, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import type { ReactNode } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { cdp } from 'vitest/browser'
import type { AuditEvent } from '../../src/core/index.js'
import { AuditLog, AuditLogProvider } from '../../src/react/index.js'
import '../../src/react/styles.css'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'
import { fakeClient } from './fake-client.js'

const ledger = createSigner(VECTOR_SEED)
const events = [2, 1].map((seq) => ledger.sign(apiEvent({ id: `aevt_${seq}`, seq })) as unknown as AuditEvent)

const LIGHT = { bg: '#ffffff', fg: '#1b1f24', background: 'rgb(255, 255, 255)' }
const DARK = { bg: '#0d1117', fg: '#e6edf3', background: 'rgb(13, 17, 23)' }

/** The colours an element resolved: its custom properties and the background they paint. */
function colours(element: Element) {
  const style = getComputedStyle(element)
  return {
    bg: style.getPropertyValue('--al-bg').trim(),
    fg: style.getPropertyValue('--al-fg').trim(),
    background: style.backgroundColor,
  }
}

async function prefersColorScheme(value: 'light' | 'dark' | '') {
  await cdp().send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value }] })
}

/** `<html data-theme=page>` (as hosts usually theme), then wrappers from outer to inner, then the log. */
async function renderLog(page: string | null, wrappers: string[]) {
  if (page) document.documentElement.dataset.theme = page
  const { client } = fakeClient({ events, keys: [ledger.publicKey] })
  const tree = wrappers.reduceRight<ReactNode>(
    (inner, theme) => <div data-theme={theme}>{inner}</div>,
    <div style={{ height: 400, width: 900 }}>
      <AuditLog />
    </div>,
  )
  const view = render(<AuditLogProvider client={client}>{tree}</AuditLogProvider>)
  await screen.findByRole('grid')
  return view.container.querySelector('.al-log')!
}

afterEach(async () => {
  delete document.documentElement.dataset.theme
  await prefersColorScheme('')
})

describe('the theme in Chromium', () => {
  it.each([
    ['light', 'dark', ['light'], 'light'],
    ['light', 'dark', [], 'dark'],
    ['light', null, ['dark', 'light'], 'light'],
    ['light', 'light', ['dark'], 'dark'],
    ['light', null, ['light', 'dark'], 'dark'],
    ['dark', null, [], 'dark'],
    ['dark', null, ['light'], 'light'],
    ['dark', 'dark', ['light'], 'light'],
    ['dark', 'light', ['dark', 'light'], 'light'],
    ['dark', 'light', ['dark'], 'dark'],
    // A value of the host's own is not ours: the log looks past it to the nearest light or dark.
    ['light', 'dark', ['sepia'], 'dark'],
  ] as const)(
    'with the system in %s, <html data-theme=%s> and wrappers %j, renders %s',
    async (system, page, wrappers, expected) => {
      await prefersColorScheme(system)
      const root = await renderLog(page, [...wrappers])
      const want = expected === 'light' ? LIGHT : DARK
      expect(colours(root)).toEqual(want)
      // A root nested in the log (the Export button) inherits the log's colours.
      const exportRoot = within(root as HTMLElement)
        .getByRole('button', { name: 'Export' })
        .closest('.al-root')!
      expect(exportRoot).not.toBe(root)
      expect(colours(exportRoot).bg).toBe(want.bg)
    },
  )

  it('gives the dialog, portalled to <body>, the theme of the nearest light or dark wrapper, not that of <html>', async () => {
    await prefersColorScheme('dark')
    const root = await renderLog('dark', ['light', 'sepia'])
    expect(colours(root)).toEqual(LIGHT)
    const grid = within(root as HTMLElement).getByRole('grid')
    await userEvent.click(within(grid).getAllByRole('row')[1]!)
    const dialog = await screen.findByRole('dialog', {}, { timeout: 5000 })
    expect(dialog.closest('.al-log')).toBeNull()
    await waitFor(() => expect(colours(dialog)).toEqual(LIGHT))
  })
})
