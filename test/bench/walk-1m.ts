/**
 * walk_1m: the demo over a ledger of 1,000,000 events in acme, scrolled from the top to the
 * bottom in steps (each step scrolls to the loader row, so every page of 200 loads once), then
 * the JS heap after a forced GC (Chromium with --expose-gc and --enable-precise-memory-info).
 * The database is the ledger benchmark's (`npm run bench:ledger` seeds .auditlens/bench-1000000.db
 * in minutes): copied once to .auditlens/walk-1m/ledger.db with its org renamed to acme so the
 * demo signs in to it, and reused by later runs.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import type { Browser } from 'playwright-core'
import { startDemo } from '../../examples/demo/server.js'

const DIR = '.auditlens/walk-1m'
const DB = `${DIR}/ledger.db`
const SOURCE = '.auditlens/bench-1000000.db'

/** The 1M-event database for the demo, made once from the ledger benchmark's. */
function prepareDatabase(log: (line: string) => void): void {
  if (existsSync(DB)) return
  if (!existsSync(SOURCE)) throw new Error(`${SOURCE} is missing: run npm run bench:ledger once to seed it.`)
  log(`Copying ${SOURCE} to ${DB} (once; later runs reuse it)…`)
  mkdirSync(DIR, { recursive: true })
  copyFileSync(SOURCE, DB)
  // The signing key lives beside the database (Ledger's dataDir/keys).
  cpSync('.auditlens/keys', `${DIR}/keys`, { recursive: true })
  const db = new Database(DB)
  db.exec("UPDATE orgs SET external_id = 'acme', name = 'Acme Corp' WHERE external_id = 'bench'")
  db.close()
}

export async function walk1m(browser: Browser, log: (line: string) => void) {
  prepareDatabase(log)
  const demo = await startDemo({
    appDir: fileURLToPath(new URL('../../dist-demo/examples/demo/app/', import.meta.url)),
    port: 0,
    db: DB,
    seed: 0,
    log: () => {},
  })
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript('window.__name = (fn) => fn')
  const page = await context.newPage()
  try {
    await page.goto(demo.url + '/')
    await page.getByRole('button', { name: /Acme/ }).click()
    await page.getByRole('grid').waitFor()
    log('Walking 1,000,000 rows to the bottom…')
    const walk = await page.evaluate(async () => {
      const grid = document.querySelector('[role="grid"]')!
      const body = grid.querySelector<HTMLElement>('.al-grid__body')!
      const loaded = () => Number(grid.getAttribute('data-loaded-rows'))
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve))
      const start = performance.now()
      let heldMax = 0
      // A safeguard: should the loader row go out of reach (as it did at about 645,000 rows,
      // Chromium's 2^25 px layout limit, before the grid's scroll space was capped at 2^24 px),
      // the walk stops and says so (`capped`) rather than waiting forever.
      let capped = false
      while (grid.getAttribute('aria-rowcount') === '-1' && !capped) {
        const before = loaded()
        body.scrollTop = body.scrollHeight
        for (let waited = 0; loaded() === before && grid.getAttribute('aria-rowcount') === '-1'; waited++) {
          if (waited > 1200) {
            capped = true
            break
          }
          await frame()
        }
        heldMax = Math.max(heldMax, Number(grid.getAttribute('data-held-rows')))
      }
      const scrollHeight = body.scrollHeight
      return { seconds: (performance.now() - start) / 1000, rows: loaded(), heldMax, capped, scrollHeight }
    })
    const heapMb = await page.evaluate(() => {
      ;(window as unknown as { gc?: () => void }).gc?.()
      return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize / 1e6
    })
    return { ...walk, heapMb }
  } finally {
    await context.close()
    await demo.close()
  }
}
