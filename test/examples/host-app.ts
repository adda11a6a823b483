/**
 * The checks every example host app must pass, as a person would use it in Chromium at
 * http://127.0.0.1:<port>: sign in, rows appear, badges say Verified, the detail dialog opens,
 * and an NDJSON export downloads from the browsed origin and passes `auditlens verify` (the
 * tarball's own binary) against the ledger's published keys.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { TestLedger } from '../support/ledger.js'
import { launchChromium, startSeededLedger, type RunningApp } from './support.js'

export interface HostAppSetup {
  /** The built example's directory (its node_modules holds the installed tarball). */
  dir: string
  start(ledger: TestLedger): Promise<RunningApp>
}

/** `auditlens ...args` from the example's install, as `npx auditlens` would run it. */
function auditlensBin(dir: string, args: string[]) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(join(dir, 'node_modules', '.bin', 'auditlens'), args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

export interface HostAppExpectations {
  /**
   * The server puts the token and first page in the HTML (`<AuditLog initialData>`): rows are
   * in the HTML the server sends, and the browser asks for neither the first page nor a token.
   */
  serverRendersFirstPage?: boolean
}

/** Register the host-app checks; `prepare` installs and builds the example (in beforeAll). */
export function hostAppChecks(prepare: () => Promise<HostAppSetup>, expectations: HostAppExpectations = {}) {
  let setup: HostAppSetup
  let ledger: TestLedger
  let app: RunningApp
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    const [prepared, seeded, launched] = await Promise.all([prepare(), startSeededLedger(), launchChromium()])
    setup = prepared
    ledger = seeded
    browser = launched
    app = await setup.start(ledger)
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
    page = await context.newPage()
    page.setDefaultTimeout(15_000)
    page.on('console', (message) => {
      // The examples ship no favicon; the browser's 404 for it is no error of the app's.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico'))
        consoleErrors.push(`${message.text()} (${message.location().url})`)
    })
  })
  afterAll(async () => {
    await browser?.close()
    await app?.stop()
    await ledger?.close()
  })

  it('signs in on 127.0.0.1 and shows the tenant’s rows, with Verified badges', async () => {
    expect(new URL(app.origin).hostname).toBe('127.0.0.1')
    await page.goto(app.origin + '/')
    await page.getByRole('button', { name: 'Sign in as Acme Corporation' }).click()
    await page.getByRole('grid', { name: 'Audit log' }).waitFor()
    await expect.poll(() => page.locator('.al-grid__body [role="row"][aria-rowindex]').count()).toBeGreaterThan(5)
    await expect.poll(() => page.getByText('Verified', { exact: true }).count()).toBeGreaterThan(0)
    // The keys are pinned from what the server handed the page, never fetched next to the events.
    const requested = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name))
    if (expectations.serverRendersFirstPage) {
      // The first page and its token came with the HTML: neither is asked for again. (The integrity
      // line's proofs, /events/:id/inclusion, are other requests.)
      expect(requested.filter((url) => /\/api\/audit\/(events(\?|$)|token)/.test(url))).toEqual([])
    } else expect(requested.some((url) => url.includes('/api/audit/events'))).toBe(true)
    expect(requested.filter((url) => url.includes('/keys'))).toEqual([])
    // React reports a server/browser mismatch (hydration) as a console error.
    expect(consoleErrors).toEqual([])
    // Any alert with text (Next.js keeps an empty one, its route announcer).
    expect(await page.getByRole('alert').filter({ hasText: /\S/ }).allTextContents()).toEqual([])
  })

  if (expectations.serverRendersFirstPage) {
    it('sends the rows in the HTML for the signed-in session, and none without one', async () => {
      const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
      const rowsIn = async (headers: Record<string, string>) => {
        const html = await (await fetch(app.origin + '/', { headers })).text()
        return (html.match(/aria-rowindex="\d+"/g) ?? []).length
      }
      // 50 events and the header row (the grid draws what fits its first 600 px, at least).
      expect(await rowsIn({ cookie })).toBeGreaterThan(5)
      expect(await rowsIn({})).toBe(0)
    })
  }

  it('opens the detail dialog for a row', async () => {
    await page.locator('.al-grid__body [role="row"][aria-rowindex]').nth(1).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    await expect.poll(() => dialog.getByRole('heading', { level: 2 }).textContent()).toBeTruthy()
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
  })

  it('downloads an NDJSON export from the browsed origin that `auditlens verify` accepts', async () => {
    await page.getByRole('button', { name: 'Export' }).click()
    const downloading = page.waitForEvent('download')
    await page.getByRole('menuitem', { name: 'NDJSON (verifiable)' }).click()
    const download = await downloading
    expect(new URL(download.url()).origin).toBe(app.origin)
    const dir = mkdtempSync(join(tmpdir(), 'auditlens-example-'))
    const file = join(dir, download.suggestedFilename())
    await download.saveAs(file)
    // The keys the ledger publishes, fetched here from the ledger itself, not from the app.
    const keys = await ledger.call('/v1/audit/keys')
    writeFileSync(join(dir, 'keys.json'), await keys.text())
    const verified = await auditlensBin(setup.dir, ['verify', file, '--keys', join(dir, 'keys.json')])
    // All of acme's seeded events, each checked against a pinned key (exit 0 also allows unpinned).
    expect(verified.output).toContain('300 events: 300 verified\n')
    expect(verified.code, verified.output).toBe(0)
  })
}
