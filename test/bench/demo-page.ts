/**
 * The browser benches' common start: the built demo (`npm run build:demo`) seeded in memory,
 * Chromium, and a 1280×800 page signed in as Acme with the log on screen; and the two things
 * several benches do in it: fetch events for the page's verifier, and load rows into the log.
 */
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.js'
import { startDemo } from '../../examples/demo/server.js'

/** Chromium flags for reading the heap after a full collection (`window.gc()`). */
export const HEAP_ARGS = ['--enable-precise-memory-info', '--js-flags=--expose-gc']

export async function openDemo(options: { seed: number; args?: readonly string[] }) {
  const demo = await startDemo({
    appDir: fileURLToPath(new URL('../../dist-demo/examples/demo/app/', import.meta.url)),
    port: 0,
    db: ':memory:',
    seed: options.seed,
    log: () => {},
  })
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  })
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  // tsx (esbuild) wraps named functions in __name(); callbacks sent to the page need it defined.
  await context.addInitScript('window.__name = (fn) => fn')
  const page = await context.newPage()
  await page.goto(demo.url + '/')
  await page.getByRole('button', { name: /Acme/ }).click()
  await page.getByRole('grid').waitFor()
  return { demo, browser, context, page }
}

type Hooks = typeof import('../../examples/demo/app/bench-hooks.js')

/** What a `?bench` page holds for the benches' timed code (see {@link fetchBenchEvents}). */
export interface BenchWindow {
  auditlensBench: Hooks
  benchEvents: unknown[]
  benchKeys: InstanceType<Hooks['KeyRing']>
}

/**
 * Fetch up to `count` distinct events of the signed-in org through the demo's proxy, 200 a
 * page, parsed losslessly as the components parse them, and the keys it publishes; left on
 * `window.benchEvents` and `window.benchKeys` for the page's timed code, so fetching is never
 * timed. The page must be open with `?bench` (the bench hooks). Returns how many were fetched.
 */
export async function fetchBenchEvents(page: Page, count: number): Promise<number> {
  await page.waitForFunction(() => 'auditlensBench' in window)
  return page.evaluate(async (count) => {
    const w = window as unknown as BenchWindow
    const hooks = w.auditlensBench
    const { token } = await (await fetch('/api/audit/token', { method: 'POST' })).json()
    const auth = { authorization: `Bearer ${token}` }
    w.benchKeys = new hooks.KeyRing(
      hooks.parseKeysDocument(await (await fetch('/api/audit/keys', { headers: auth })).json()),
    )
    const events: unknown[] = []
    let cursor: string | null = null
    while (events.length < count) {
      const url: string = `/api/audit/events?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
      const page = hooks.parseAuditJson(await (await fetch(url, { headers: auth })).text()) as {
        events: unknown[]
        next_cursor: string | null
      }
      events.push(...page.events)
      cursor = page.next_cursor
      if (!cursor) break
    }
    w.benchEvents = events
    return events.length
  }, count)
}

/**
 * The demo's path for a log that holds `rows` events with none dropped: `?window=` (pages of
 * 200 held at most) twice what they fill, as the library's default window (20 pages) would
 * drop all but the last 4,000 and the heap figures would not be of `rows` events.
 */
export const holdingAll = (rows: number) => `/?window=${Math.ceil(rows / 200) * 2}`

/**
 * Scroll the log's body to its end until it has loaded `wanted` rows, waiting up to 10 s for
 * each next page; returns the rows loaded (fewer when the org has fewer, or pages stop coming).
 * Open the page at {@link holdingAll} first for a heap figure of `wanted` held events.
 */
export async function loadRows(page: Page, wanted: number): Promise<number> {
  const grid = page.getByRole('grid')
  const body = page.locator('.al-grid__body')
  const loaded = async () => Number(await grid.getAttribute('data-loaded-rows'))
  // Each scroll to the end brings at least one page of 200; twice that many tries is plenty.
  for (let i = 0; i < Math.ceil(wanted / 200) * 2; i++) {
    const rows = await loaded()
    if (rows >= wanted) break
    await body.evaluate((el) => (el.scrollTop = el.scrollHeight))
    await page
      .waitForFunction(
        (before) => Number(document.querySelector('[role="grid"]')!.getAttribute('data-loaded-rows')) > before,
        rows,
        { timeout: 10_000 },
      )
      .catch(() => {})
  }
  return loaded()
}
