/**
 * The demo as a person uses it: real Chromium (playwright-core, Debian's binary) against the
 * real chain on 127.0.0.1: demo host app -> token proxy -> reference ledger -> SQLite.
 * Needs the built demo app (npm test builds it first; or npm run build:demo).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../support/cli.js'
import { launchDemo, pngSize, type DemoHarness, type DemoOrg } from './support.js'

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url))

let proxyClockOffset = 0
let harness: DemoHarness
let demo: DemoHarness['demo']

beforeAll(async () => {
  harness = await launchDemo({ now: () => Date.now() + proxyClockOffset })
  demo = harness.demo
})
afterAll(async () => {
  await harness?.close()
})

const signIn = (org: DemoOrg, path?: string): Promise<Page> => harness.signIn(org, path)

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE })
  return page.evaluate(async () => {
    type Violation = { id: string; nodes: { target: string[] }[] }
    const result = await (
      window as unknown as { axe: { run: (c: Document) => Promise<{ violations: Violation[] }> } }
    ).axe.run(document)
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  })
}

/** Open `path`, export through the Export menu's `item`, and save the download in a new temporary folder. */
async function exportThroughMenu(page: Page, path: string, item: string) {
  await page.goto(demo.url + path)
  await page.getByRole('grid').waitFor()
  await page.getByRole('button', { name: 'Export' }).click()
  const downloading = page.waitForEvent('download')
  await page.getByRole('menuitem', { name: item }).click()
  const download = await downloading
  const dir = mkdtempSync(join(tmpdir(), 'auditlens-e2e-'))
  const file = join(dir, download.suggestedFilename())
  await download.saveAs(file)
  return { dir, file, suggestedName: download.suggestedFilename() }
}

describe('the demo, signed in as acme', () => {
  let page: Page
  beforeAll(async () => {
    page = await signIn('acme')
  })

  it('shows rows with honest badges: Verified, Tampered, Untrusted key, and the seq gap', async () => {
    await expect.poll(() => page.getByText('Verified', { exact: true }).count()).toBeGreaterThan(5)
    const row = (action: string) => page.getByRole('row').filter({ hasText: action })
    await expect.poll(() => row('demo.tampered_example').getByText('Tampered', { exact: true }).count()).toBe(1)
    await expect.poll(() => row('demo.foreign_key_example').getByText('Untrusted key', { exact: true }).count()).toBe(1)
    await expect.poll(() => page.getByText(/2 events missing \(seq \d+–\d+\)/).count()).toBe(1)
    expect(await axeViolations(page)).toEqual([])
    // Pinned from the page the host served, never fetched next to the events they vouch for.
    const requested = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name))
    expect(requested.some((url) => url.includes('/api/audit/events'))).toBe(true)
    expect(requested.filter((url) => url.includes('/keys'))).toEqual([])
  })

  it('keeps at most 60 rows in the DOM after scrolling to row 5,000', async () => {
    const body = page.locator('.al-grid__body')
    for (let i = 0; i < 80; i++) {
      await body.evaluate((el) => (el.scrollTop = el.scrollHeight))
      const loaded = Number(await page.getByRole('grid').getAttribute('data-loaded-rows'))
      if (loaded >= 5000) break
      await page.waitForTimeout(150)
    }
    await body.evaluate((el) => (el.scrollTop = 5000 * 52))
    await expect.poll(() => page.locator('[aria-rowindex="5001"]').count()).toBe(1)
    expect(await page.locator('.al-grid__body [role="row"]').count()).toBeLessThanOrEqual(60)
  })

  it('keeps scrolling without an error after the token expires mid-session', async () => {
    proxyClockOffset += 61_000 // the proxy now refuses the browser's token; it must refresh and retry
    const body = page.locator('.al-grid__body')
    const before = Number(await page.getByRole('grid').getAttribute('data-loaded-rows'))
    await body.evaluate((el) => (el.scrollTop = el.scrollHeight))
    await expect
      .poll(async () => Number(await page.getByRole('grid').getAttribute('data-loaded-rows')))
      .toBeGreaterThan(before)
    expect(await page.getByRole('alert').count()).toBe(0)
  })

  it('filters by action through the UI, and keeps the filter in the URL', async () => {
    await page.goto(demo.url + '/')
    await page.getByRole('grid').waitFor()
    await page.getByLabel('Actions').fill('invoice.paid')
    await page.getByLabel('Actions').press('Enter')
    await expect.poll(() => page.url()).toContain('actions=invoice.paid')
    await expect
      .poll(async () =>
        (await page.locator('.al-grid__body [role="row"]').allTextContents()).every((t) => t.includes('invoice.paid')),
      )
      .toBe(true)
  })

  it('opens an event, steps to the next with the arrow key, and returns focus to the row on Escape', async () => {
    await page.goto(demo.url + '/')
    await page.getByRole('grid').waitFor()
    const rows = page.locator('.al-grid__body [role="row"][aria-rowindex]')
    await rows.nth(2).focus()
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    const first = await dialog.getByRole('heading', { level: 2 }).textContent()
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => dialog.getByRole('heading', { level: 2 }).textContent()).not.toBe(first)
    expect(await axeViolations(page)).toEqual([])
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
    // Opened on the row at aria-rowindex 4, moved to the next event: focus returns to that one's row.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-rowindex'))).toBe('5')
  })

  it('exports NDJSON that auditlens verify checks against the page’s pinned keys: all verified but the two planted events', async () => {
    const { dir, file } = await exportThroughMenu(
      page,
      '/?actions=demo.tampered_example,demo.foreign_key_example,user.signed_in',
      'NDJSON (verifiable)',
    )
    const keys = await page.evaluate(() => document.getElementById('auditlens-pinned-keys')!.textContent!)
    writeFileSync(join(dir, 'keys.json'), keys)
    const result = await runCli(['verify', file, '--keys', join(dir, 'keys.json'), '--json'])
    const output = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status?: string; id?: string; completeness?: string })
    const lines = output.filter((l) => l.status !== undefined)
    expect(result.code).toBe(1)
    expect(lines.length).toBeGreaterThan(10)
    const failed = lines.filter((l) => l.status !== 'verified')
    expect(failed.map((l) => l.status).sort()).toEqual(['tampered', 'untrusted'])
    // The export's trailer proves every other event in the signed tree; the event edited in the
    // database after it was appended is not the leaf the tree holds.
    const tampered = failed.find((l) => l.status === 'tampered')!.id!
    expect(output.filter((l) => l.completeness !== undefined).map((l) => l.completeness)).toEqual([
      expect.stringMatching(new RegExp(`^NOT IN CHECKPOINT: event ${tampered} `)),
    ])
  })
})

describe('more of the demo, signed in as acme', () => {
  let page: Page
  beforeAll(async () => {
    page = await signIn('acme')
  })

  it('filters by a date range preset through the UI', async () => {
    await page.getByLabel('Date range').selectOption('day')
    await expect.poll(() => page.url()).toContain('from=')
    const from = new URL(page.url()).searchParams.get('from')!
    expect(Date.now() - Date.parse(from)).toBeLessThan(86_400_000 + 60_000)
    await expect.poll(() => page.locator('.al-grid__body [role="row"][aria-rowindex]').count()).toBeGreaterThan(0)
    const times = await page
      .locator('.al-grid__body time')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime')!))
    expect(times.every((t) => Date.parse(t) >= Date.parse(from))).toBe(true)
  })

  it('exports CSV with the documented header', async () => {
    const { file, suggestedName } = await exportThroughMenu(page, '/?actions=invoice.paid', 'CSV')
    expect(suggestedName).toMatch(/^audit-log-aorg_\w+-\d{4}-\d\d-\d\d\.csv$/)
    const text = readFileSync(file, 'utf8')
    const [header, ...rows] = text.trimEnd().split('\r\n')
    expect(header).toBe(
      'id,seq,occurred_at,ingested_at,action,actor_type,actor_id,actor_name,targets,context,metadata,payload_hash,signature,key_id',
    )
    expect(rows.length).toBeGreaterThan(10)
    expect(rows.every((row) => row.includes(',invoice.paid,'))).toBe(true)
  })

  it('has a Verification page with standalone badges and no axe violations', async () => {
    await page.goto(demo.url + '/')
    await page.getByRole('button', { name: 'Verification' }).click()
    await expect.poll(() => page.getByText('Verified', { exact: true }).count()).toBeGreaterThan(0)
    expect(await axeViolations(page)).toEqual([])
  })
})

describe('the demo, signed in as globex', () => {
  it('never shows or serves an acme event', async () => {
    const page = await signIn('globex')
    const acme = demo.ledger.orgByExternalId('acme')!.id
    const bodies: string[] = []
    page.on('response', async (response) => {
      if (response.url().includes('/api/audit/events')) bodies.push(await response.text().catch(() => ''))
    })
    await page.locator('.al-grid__body').evaluate((el) => (el.scrollTop = el.scrollHeight))
    await expect.poll(() => bodies.length).toBeGreaterThan(0)
    await expect.poll(() => page.getByText('Verified', { exact: true }).count()).toBeGreaterThan(3)
    expect(bodies.join('\n')).not.toContain(acme)
    expect(await page.getByText('demo.tampered_example').count()).toBe(0)
  })
})

describe('screenshots for the README', () => {
  // Written into the repository only when asked (AUDITLENS_UPDATE_SCREENSHOTS=1); every other run
  // takes the same shots into the OS temp directory, so they keep working without churning the PNGs.
  const destination = (name: string) => {
    if (process.env.AUDITLENS_UPDATE_SCREENSHOTS !== '1') {
      return join(mkdtempSync(join(tmpdir(), 'auditlens-screenshots-')), name)
    }
    mkdirSync(SCREENSHOTS, { recursive: true })
    return join(SCREENSHOTS, name)
  }

  for (const [theme, name] of [
    ['light', 'audit-log.png'],
    ['dark', 'audit-log-dark.png'],
  ] as const) {
    it(`takes a 1280x800 PNG of acme's log, Verified badges and the Tampered row in view (${theme} theme)`, async () => {
      const page = await signIn('acme')
      if (theme === 'dark') await page.getByRole('button', { name: 'Dark theme' }).click()
      await page.mouse.move(900, 26) // the empty middle of the header: no row is hovered
      const row = (action: string) => page.getByRole('row').filter({ hasText: action })
      await expect.poll(() => page.getByText('Verified', { exact: true }).count()).toBeGreaterThan(5)
      await expect.poll(() => row('demo.tampered_example').getByText('Tampered', { exact: true }).count()).toBe(1)
      await expect.poll(() => page.locator('.al-grid__body [data-status="checking"]').count()).toBe(0)
      const tampered = await row('demo.tampered_example').boundingBox()
      expect(tampered!.y + tampered!.height).toBeLessThanOrEqual(800)
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme)

      const file = destination(name)
      await page.screenshot({ path: file })
      expect(pngSize(readFileSync(file))).toEqual({ png: true, width: 1280, height: 800 })
    })
  }
})
