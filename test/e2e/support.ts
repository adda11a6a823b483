/**
 * What every e2e file needs: the demo (`startDemo`, the same chain as `npm start`) on a free
 * port with an in-memory ledger, Debian's Chromium, fresh 1280x800 pages, and a way to ask
 * Chromium itself what has focus and whether it is drawn.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startDemo } from '../../examples/demo/server.js'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.js'

const APP_DIR = fileURLToPath(new URL('../../dist-demo/examples/demo/app/', import.meta.url))
const APP = join(APP_DIR, 'index.html')

export type DemoOrg = 'acme' | 'globex'

export interface DemoHarness {
  demo: Awaited<ReturnType<typeof startDemo>>
  browser: Browser
  /** A fresh page (its own cookies) on the sign-in screen, its org buttons rendered. */
  signInScreen(): Promise<Page>
  /** A fresh page signed in as `org` (by clicking), then on `path`, once the grid is there. */
  signIn(org: DemoOrg, path?: string): Promise<Page>
  close(): Promise<void>
}

/** Start the demo (10,000 seeded events, 60 s tokens) and Chromium; `now` is the proxy's clock. */
export async function launchDemo(options: { now?: () => number } = {}): Promise<DemoHarness> {
  if (!existsSync(APP)) throw new Error(`${APP} is missing: run 'npm run build:demo' (npm test does it for you)`)
  const demo = await startDemo({
    appDir: APP_DIR,
    port: 0,
    db: ':memory:',
    seed: 10_000,
    tokenTtlSeconds: 60,
    ...(options.now ? { now: options.now } : {}),
    log: () => {},
  })
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })

  const signInScreen = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
    const page = await context.newPage()
    await page.goto(demo.url + '/')
    await page
      .getByRole('button', { name: /Sign in as/ })
      .first()
      .waitFor()
    return page
  }
  return {
    demo,
    browser,
    signInScreen,
    async signIn(org, path = '/') {
      const page = await signInScreen()
      await page.getByRole('button', { name: new RegExp(org === 'acme' ? 'Acme' : 'Globex') }).click()
      if (path !== '/') await page.goto(demo.url + path)
      await page.getByRole('grid', { name: 'Audit log' }).waitFor()
      return page
    },
    async close() {
      await browser.close()
      await demo.close()
    },
  }
}

export interface FocusInfo {
  /** `button "Audit log"`, `row 4` (by aria-rowindex), or `body` when nothing has focus. */
  target: string
  /** An outline or box-shadow is drawn on it (what a sighted keyboard user sees). */
  ring: boolean
}

/**
 * The focused element as Chromium's accessibility tree names it (role and accessible name,
 * over the DevTools protocol), and whether its computed style draws a focus indicator.
 */
export async function focusInfo(page: Page): Promise<FocusInfo> {
  const cdp = await page.context().newCDPSession(page)
  try {
    const { result } = await cdp.send('Runtime.evaluate', { expression: 'document.activeElement' })
    const style = await page.evaluate(() => {
      const element = document.activeElement
      if (!element || element === document.body) return null
      const css = getComputedStyle(element)
      const outline = css.outlineStyle !== 'none' && parseFloat(css.outlineWidth) > 0
      return { ring: outline || css.boxShadow !== 'none', rowIndex: element.getAttribute('aria-rowindex') }
    })
    if (!style || !result.objectId) return { target: 'body', ring: false }
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', {
      objectId: result.objectId,
      fetchRelatives: false,
    })
    const role = String(nodes[0]?.role?.value ?? 'none')
    const name = String(nodes[0]?.name?.value ?? '')
    const target = role === 'row' && style.rowIndex ? `row ${style.rowIndex}` : `${role} "${name}"`
    return { target, ring: style.ring }
  } finally {
    await cdp.detach()
  }
}

/** The 8-byte PNG signature, then the IHDR chunk's width and height (RFC 2083, 11.2.2). */
export function pngSize(bytes: Uint8Array): { png: boolean; width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  const png =
    bytes.length >= 24 &&
    signature.every((byte, i) => bytes[i] === byte) &&
    Buffer.from(bytes.subarray(12, 16)).toString() === 'IHDR'
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { png, width: png ? view.getUint32(16) : 0, height: png ? view.getUint32(20) : 0 }
}
