/**
 * `npx tsx test/bench/first-rows.bench.ts [--runs 5] [--json]`: where the first rows' time
 * goes. The demo (built: `npm run build && npm run build:demo`) in Chromium, signed in to
 * acme, loaded fresh `--runs` times at `/?bench`; each run prints the navigation timing, every
 * request's start and end (Resource Timing), the main thread's script and layout time (CDP
 * `Performance.getMetrics`) and when the grid first holds 50 rows, all in ms from navigation
 * start. Figures only, never part of npm test.
 */
import { parseArgs } from 'node:util'
import { openDemo } from './demo-page.js'

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
    // The first page and token from the server (the demo's `?ssr`), instead of the client path.
    ssr: { type: 'boolean', default: false },
  },
})

const { demo, browser, context, page } = await openDemo({ seed: 20_000 })
const cdp = await context.newCDPSession(page)
await cdp.send('Performance.enable')

interface Span {
  name: string
  start: number
  end: number
}
const short = (url: string) => {
  const { pathname, search } = new URL(url)
  return pathname.startsWith('/assets/') ? pathname.replace(/-[\w-]{8}\./, '.') : pathname + search.slice(0, 24)
}
const metric = async (names: string[]) => {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
  return Object.fromEntries(names.map((n) => [n, metrics.find((m) => m.name === n)?.value ?? 0]))
}
const runs: {
  firstRows: number
  firstRowsPainted: number
  spans: Span[]
  nav: Record<string, number>
  scriptMs: number
  layoutMs: number
}[] = []
for (let i = 0; i < Number(values.runs); i++) {
  await page.goto(demo.url + (values.ssr ? '/?bench&ssr' : '/?bench'))
  const firstRows = (await (
    await page.waitForFunction(
      () => {
        const grid = document.querySelector('[role="grid"]')
        return grid && Number(grid.getAttribute('data-loaded-rows')) >= 50 ? performance.now() : 0
      },
      undefined,
      { polling: 'raf' },
    )
  ).jsonValue()) as number
  // The frame after: rows are in the DOM and painted (the next rAF follows the paint).
  const firstRowsPainted = await page.evaluate(
    () => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now()))),
  )
  const after = await metric(['ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'])
  const { spans, nav } = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
    return {
      nav: {
        html_response_end: n.responseEnd,
        dom_interactive: n.domInteractive,
        dom_content_loaded: n.domContentLoadedEventEnd,
        load: n.loadEventEnd,
      },
      spans: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => ({
        name: e.name,
        start: e.startTime,
        end: e.responseEnd,
      })),
    }
  })
  runs.push({
    firstRows,
    firstRowsPainted,
    spans: spans.map((s) => ({ ...s, name: short(s.name) })).filter((s) => s.start < firstRows + 50),
    nav,
    // The new document's main-thread work up to a frame after first rows (Chromium counts per
    // document; the bench hooks' chunk included).
    scriptMs: after.ScriptDuration! * 1000,
    layoutMs: (after.LayoutDuration! + after.RecalcStyleDuration!) * 1000,
  })
}
await browser.close()
await demo.close()

const r = (n: number) => Math.round(n)
if (values.json) console.log(JSON.stringify(runs))
else {
  for (const [i, run] of runs.entries()) {
    console.log(
      `\nrun ${i + 1}: first rows ${r(run.firstRows)} ms (painted ${r(run.firstRowsPainted)}), script ${r(run.scriptMs)} ms, layout+style ${r(run.layoutMs)} ms`,
    )
    for (const [key, value] of Object.entries(run.nav)) console.log(`  ${key.padEnd(40)} ${r(value)}`)
    for (const span of run.spans) console.log(`  ${span.name.padEnd(40)} ${r(span.start)}–${r(span.end)}`)
  }
  const p50 = (values: number[]) => r(values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!)
  const sorted = runs.map((run) => run.firstRows).sort((a, b) => a - b)
  console.log(
    `\nfirst_rows_ms p50 ${r(sorted[Math.floor(sorted.length / 2)]!)}, range ${r(sorted[0]!)}–${r(sorted.at(-1)!)}`,
  )
  // When the first page's request left, against the token's answer: <AuditLog> asks for the
  // page in its first render, so it should leave as soon as the token is here.
  const first = (run: (typeof runs)[number], part: string) => run.spans.find((span) => span.name.includes(part))
  const asked = runs.flatMap((run) => {
    const token = first(run, '/token')
    const events = first(run, '/events?')
    return token && events ? [{ tokenEnd: token.end, eventsStart: events.start }] : []
  })
  if (asked.length > 0)
    console.log(
      `token answered p50 ${p50(asked.map((a) => a.tokenEnd))} ms, first page asked p50 ${p50(asked.map((a) => a.eventsStart))} ms, ` +
        `asked after the token p50 ${p50(asked.map((a) => a.eventsStart - a.tokenEnd))} ms`,
    )
}
