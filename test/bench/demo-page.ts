/**
 * The browser benches' common start: the built demo (`npm run build:demo`) seeded in memory,
 * Chromium, and a 1280×800 page signed in as Acme with the log on screen.
 */
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
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
