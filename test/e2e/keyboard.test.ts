/**
 * The whole demo with the keyboard alone: Tab, Shift+Tab, Enter, Space, arrows and Escape, no
 * mouse and no programmatic focus. Every stop asserts what has focus (role and accessible name
 * as Chromium's accessibility tree computes them) and that a focus indicator is drawn on it.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { focusInfo, launchDemo, type DemoHarness } from './support.js'

// One page of events (the demo app asks for 200), so End reaches the last event, not the loader.
const ACTION = 'member.role_changed'

// The tab order once signed in: the header, then the filter bar (Clear shows while a filter is
// set), then the grid's one tab stop.
const TO_ACTIONS = [
  'button "Audit log"',
  'button "Verification"',
  'button "Dark theme"',
  'button "Sign out"',
  'combobox "Actions"',
]
const TO_GRID = [
  'textbox "Actor"',
  'textbox "Target"',
  'combobox "Date range"',
  'button "Clear"',
  'checkbox "Live"',
  'button "Export"',
  // The integrity line above the table (issue 14), once the checkpoint has been checked.
  'button "Verify entire log"',
  'row 2',
]

/** The integrity line loads after the first rows; its button is a tab stop once it has settled. */
async function integritySettled(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Verify entire log' }).waitFor()
}

let harness: DemoHarness

beforeAll(async () => {
  harness = await launchDemo()
})
afterAll(async () => {
  await harness?.close()
})

/** Wait until `target` has focus and shows a focus indicator. */
async function expectFocus(page: Page, target: string): Promise<void> {
  await expect.poll(() => focusInfo(page), { timeout: 2000 }).toEqual({ target, ring: true })
}

/** Press `key` once per stop, asserting each one in turn. */
async function pressThrough(page: Page, key: string, stops: readonly string[]): Promise<void> {
  for (const stop of stops) {
    await page.keyboard.press(key)
    await expectFocus(page, stop)
  }
}

/** The number in `row 12`, the focused row's aria-rowindex. */
async function focusedRow(page: Page): Promise<number> {
  const { target } = await focusInfo(page)
  expect(target).toMatch(/^row \d+$/)
  return Number(target.slice(4))
}

async function signInWithKeyboard(): Promise<Page> {
  const page = await harness.signInScreen()
  await pressThrough(page, 'Tab', ['button "Sign in as Acme Corporation"'])
  await page.keyboard.press('Enter')
  await page.getByRole('grid', { name: 'Audit log' }).waitFor()
  // The sign-in button is gone with its screen: focus moves to the new page's heading.
  await expectFocus(page, 'heading "Audit log"')
  return page
}

describe('the demo with the keyboard alone, signed in as acme', () => {
  let page: Page
  const dialog = () => page.getByRole('dialog')
  const dialogSeq = async () => {
    const text = await dialog()
      .getByText(/· seq \d+/)
      .textContent()
    return Number(/seq (\d+)/.exec(text ?? '')?.[1])
  }
  const focusInDialog = () => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))

  it('signs in from the sign-in screen and reaches the Audit log tab', async () => {
    page = await signInWithKeyboard()
    await pressThrough(page, 'Shift+Tab', [
      'button "Sign out"',
      'button "Dark theme"',
      'button "Verification"',
      'button "Audit log"',
    ])
    expect(await page.getByRole('button', { name: 'Audit log' }).getAttribute('aria-current')).toBe('page')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Audit log')
    expect(new URL(page.url()).search).toBe('')
  })

  it('sets an action filter from the filter bar, which the URL keeps', async () => {
    await pressThrough(page, 'Tab', TO_ACTIONS.slice(1))
    await page.keyboard.type(ACTION)
    await page.keyboard.press('Enter')
    await expect.poll(() => new URL(page.url()).searchParams.get('actions')).toBe(ACTION)
    await expectFocus(page, 'combobox "Actions"')
    await page.getByRole('button', { name: `Remove ${ACTION}` }).waitFor()
    const actions = page.locator('.al-grid__body [role="row"] .al-mono')
    await expect.poll(async () => (await actions.allTextContents()).every((text) => text === ACTION)).toBe(true)
  })

  it('tabs on through the filter bar to the grid, and moves with the arrows, PageDown, End and Home', async () => {
    await integritySettled(page)
    await pressThrough(page, 'Tab', TO_GRID)
    await pressThrough(page, 'ArrowDown', ['row 3', 'row 4'])
    await pressThrough(page, 'ArrowUp', ['row 3'])
    await page.keyboard.press('PageDown')
    await expect.poll(() => focusedRow(page)).toBeGreaterThan(5)
    await expectFocus(page, `row ${await focusedRow(page)}`)
    await pressThrough(page, 'PageUp', ['row 3'])
    const acme = harness.demo.ledger.orgByExternalId('acme')!.id
    const { count } = harness.demo.ledger.db
      .prepare('SELECT count(*) AS count FROM events WHERE org_id = ? AND action = ?')
      .get(acme, ACTION) as { count: number }
    expect(count).toBeLessThan(200)
    await pressThrough(page, 'End', [`row ${count + 1}`])
    await pressThrough(page, 'Home', ['row 2'])
    await pressThrough(page, 'ArrowDown', ['row 3'])
  })

  it('opens the event with Enter, steps to the next with ArrowRight, and Escape returns focus to its row', async () => {
    await page.keyboard.press('Enter')
    await dialog().waitFor()
    expect(await dialog().getByRole('heading', { level: 2 }).textContent()).toBe(ACTION)
    await expectFocus(page, 'button "Previous event"')
    const first = await dialogSeq()
    await page.keyboard.press('ArrowRight')
    await expect.poll(dialogSeq).toBeLessThan(first) // newest first: the next event is older
    await expectFocus(page, 'button "Previous event"')
    await pressThrough(page, 'Tab', ['button "Next event"', 'button "Close"'])
    await pressThrough(page, 'Shift+Tab', ['button "Next event"', 'button "Previous event"'])
    // Focus is trapped: back past the first control is the dialog's last, and on again its first.
    await page.keyboard.press('Shift+Tab')
    expect(await focusInDialog()).toBe(true)
    await pressThrough(page, 'Tab', ['button "Previous event"'])
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog().count()).toBe(0)
    await expectFocus(page, 'row 4')
  })

  it('opens the export menu, closes it with Escape, and exports NDJSON from it', async () => {
    await pressThrough(page, 'Shift+Tab', ['button "Verify entire log"', 'button "Export"'])
    const trigger = page.getByRole('button', { name: 'Export' })
    await pressThrough(page, 'Enter', ['menuitem "CSV"'])
    expect(await trigger.getAttribute('aria-expanded')).toBe('true')
    await pressThrough(page, 'Escape', ['button "Export"'])
    expect(await page.getByRole('menu').count()).toBe(0)
    await pressThrough(page, 'ArrowDown', ['menuitem "CSV"'])
    await pressThrough(page, 'ArrowDown', ['menuitem "NDJSON (verifiable)"'])
    const downloading = page.waitForEvent('download')
    await page.keyboard.press('Enter')
    await page.getByRole('status').filter({ hasText: 'Your download has started.' }).waitFor({ timeout: 20_000 })
    expect((await downloading).suggestedFilename()).toMatch(/\.ndjson$/)
    await expectFocus(page, 'button "Export"')
  })

  it('goes back to the header, opens the Verification page, and switches the theme with Space and Enter', async () => {
    await pressThrough(page, 'Shift+Tab', [
      'checkbox "Live"',
      'button "Clear"',
      'combobox "Date range"',
      'textbox "Target"',
      'textbox "Actor"',
      'combobox "Actions"',
      `button "Remove ${ACTION}"`,
      'button "Sign out"',
      'button "Dark theme"',
      'button "Verification"',
    ])
    await page.keyboard.press('Enter')
    await expect.poll(() => new URL(page.url()).searchParams.get('page')).toBe('badges')
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Verification')
    await expect.poll(() => page.getByText('Verified', { exact: true }).count()).toBeGreaterThan(0)
    await expectFocus(page, 'button "Verification"')
    expect(await page.getByRole('button', { name: 'Verification' }).getAttribute('aria-current')).toBe('page')

    const theme = () => page.evaluate(() => document.documentElement.dataset.theme)
    await pressThrough(page, 'Tab', ['button "Dark theme"'])
    await page.keyboard.press('Space')
    await expect.poll(theme).toBe('dark')
    await expectFocus(page, 'button "Light theme"')
    await page.keyboard.press('Enter')
    await expect.poll(theme).toBe('light')
    await expectFocus(page, 'button "Dark theme"')

    await pressThrough(page, 'Shift+Tab', ['button "Verification"', 'button "Audit log"'])
    await page.keyboard.press('Enter')
    await expect.poll(() => new URL(page.url()).search).toBe(`?actions=${ACTION}`)
    await page.getByRole('grid', { name: 'Audit log' }).waitFor()
    await expectFocus(page, 'button "Audit log"')
  })

  it('signs out with the keyboard, and focus moves to the sign-in heading', async () => {
    await pressThrough(page, 'Tab', ['button "Verification"', 'button "Dark theme"', 'button "Sign out"'])
    await page.keyboard.press('Enter')
    await expectFocus(page, 'heading "Sign in to Acme Cloud"')
    await pressThrough(page, 'Tab', ['button "Sign in as Acme Corporation"'])
  })
})

/** Where focus goes when the element holding it goes away (each was a bug once: focus fell to <body>). */
describe('focus is never dropped', () => {
  it('End with more pages to load stops on the last loaded row, and focus stays in the grid once the next page lands', async () => {
    // End used to focus the loader row, which moved to the new end of the list when its page
    // landed, taking focus with it.
    const page = await signInWithKeyboard()
    await integritySettled(page)
    await pressThrough(page, 'Tab', ['combobox "Actions"', ...TO_GRID.filter((stop) => stop !== 'button "Clear"')])
    await page.evaluate(() =>
      document.addEventListener('focusin', (event) => {
        const index = (event.target as HTMLElement).dataset.itemIndex
        if (index) document.body.dataset.lastFocusedItem = index
      }),
    )
    const lastFocused = () => page.evaluate(() => Number(document.body.dataset.lastFocusedItem))
    const lastRendered = () =>
      page.evaluate(() => {
        const rows = document.querySelectorAll<HTMLElement>('[data-item-index]')
        return Math.max(...Array.from(rows, (row) => Number(row.dataset.itemIndex)))
      })
    await page.keyboard.press('End')
    await expect.poll(lastFocused).toBeGreaterThan(100)
    const end = await lastFocused()
    await expect.poll(lastRendered, { timeout: 10_000 }).toBeGreaterThan(end) // the next page is in
    await page.keyboard.press('ArrowUp')
    await expect.poll(async () => (await focusInfo(page)).target).toMatch(/^row \d+$/)
  })

  it('removing an action chip with the keyboard moves focus to the Actions field', async () => {
    // The chip's remove button goes away with the chip.
    const page = await signInWithKeyboard()
    await pressThrough(page, 'Tab', ['combobox "Actions"'])
    await page.keyboard.type(ACTION)
    await page.keyboard.press('Enter')
    await pressThrough(page, 'Shift+Tab', [`button "Remove ${ACTION}"`])
    await page.keyboard.press('Enter')
    await expect.poll(() => new URL(page.url()).search).toBe('')
    await expectFocus(page, 'combobox "Actions"')
  })

  it('Clear moves focus to the Actions field', async () => {
    // The Clear button only shows while a filter is set: clearing removes it.
    const page = await signInWithKeyboard()
    await pressThrough(page, 'Tab', ['combobox "Actions"'])
    await page.keyboard.type(ACTION)
    await page.keyboard.press('Enter')
    await pressThrough(page, 'Tab', TO_GRID.slice(0, 4))
    await page.keyboard.press('Enter')
    await expect.poll(() => new URL(page.url()).search).toBe('')
    await expectFocus(page, 'combobox "Actions"')
  })
})
