/**
 * `npm run bench:browser [-- --json]`: the demo in Chromium (playwright-core). Verification
 * throughput of the shipped verifier vs noble vs a naive loop; time to first rows and to
 * settled badges; scrolling through 100,000 loaded rows (frame times, DOM rows); JS heap; and
 * walking 1,000,000 rows with the window of pages (walk-1m.ts).
 * Figures only; it takes a few minutes and is not part of npm test.
 */
import { parseArgs } from 'node:util'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.js'
import { chromium } from 'playwright-core'
import { fetchBenchEvents, HEAP_ARGS, holdingAll, loadRows, openDemo, type BenchWindow } from './demo-page.js'
import { walk1m } from './walk-1m.js'
import { treeCpuSeconds } from './cpu-tree.js'

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    // Only Verify entire log over acme, this many runs (e.g. --walk 3).
    walk: { type: 'string' },
    // Only walk 1,000,000 rows, this many runs (e.g. --walk-1m 2).
    'walk-1m': { type: 'string' },
    // Everything but the 1,000,000-row walk (minutes), e.g. for the scroll figures alone.
    'skip-walk-1m': { type: 'boolean', default: false },
  },
})
const log = (line: string) => values.json || console.error(line)

// Known to the bench so the page can read acme's checkpoint from the ledger at /v1 (the
// demo's proxy relays no checkpoints on this branch).
process.env.AUDITLENS_API_KEY ??= 'alk_bench_checkpoints'
const apiKey = process.env.AUDITLENS_API_KEY
if (values['walk-1m']) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...HEAP_ARGS] })
  const runs = []
  for (let i = 0; i < Number(values['walk-1m']); i++) {
    const run = await walk1m(browser, log)
    log(`walk_1m run ${i + 1}: ${run.seconds.toFixed(1)} s, ${run.heapMb.toFixed(1)} MB, ${JSON.stringify(run)}`)
    runs.push(run)
  }
  const figures = {
    walk_1m_heap_mb: runs.map((r) => Math.round(r.heapMb)),
    walk_1m_s: runs.map((r) => Math.round(r.seconds)),
  }
  console.log(JSON.stringify(figures))
  await browser.close()
  process.exit(0)
}
log('Starting the demo with about 100,000 events in acme (seeding takes about half a minute)…')
// HEAP_ARGS: both heap figures are read after a full collection, so they count what is held,
// not garbage that V8 has not collected yet.
const { demo, browser, page } = await openDemo({
  seed: values.quick ? 20_000 : 167_000,
  args: HEAP_ARGS,
})

// First rows, from navigation start of a fresh load: five loads of the client path (the
// browser asks for the token, then the first page) and five with the page's first page and
// token from the server (`?ssr`: loadAuditLogInitialData, embedded in the HTML); p50 of each.
const firstRowsAt = async (path: string) => {
  await page.goto(demo.url + path)
  const at = await page.waitForFunction(
    () => {
      const grid = document.querySelector('[role="grid"]')
      return grid && Number(grid.getAttribute('data-loaded-rows')) >= 50 ? performance.now() : 0
    },
    undefined,
    { polling: 'raf' },
  )
  return Math.round((await at.jsonValue()) as number)
}
const median = (runs: number[]) => [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!
const firstRowsRuns: number[] = []
const firstRowsServerRuns: number[] = []
for (let i = 0; i < 5; i++) {
  firstRowsServerRuns.push(await firstRowsAt('/?bench&ssr'))
  firstRowsRuns.push(await firstRowsAt('/?bench'))
}
log(`first_rows_ms runs: ${firstRowsRuns.join(', ')}; with the server's first page: ${firstRowsServerRuns.join(', ')}`)
const firstRowsMs = median(firstRowsRuns)
const firstRowsServerMs = median(firstRowsServerRuns)
// Settled badges, on the last (client path) load.
const settled = await page.waitForFunction(
  () =>
    document.querySelectorAll('[data-status="checking"]').length === 0 &&
    document.querySelectorAll('[data-status]').length > 0
      ? performance.now()
      : 0,
  undefined,
  { polling: 'raf', timeout: 60_000 },
)
const badgesSettledMs = (await settled.jsonValue()) as number

// Verification throughput on 5,000 distinct events from the API.
await fetchBenchEvents(page, 5000)
const verify = await page.evaluate(async () => {
  const { auditlensBench: hooks, benchEvents: events, benchKeys: keys } = window as unknown as BenchWindow
  // The verifier as the components use it (Workers where the browser has them), asked for
  // everything at once; its queue bound is raised so that no request is dropped. Cold: the
  // first verifier of a page, with workers of its own (a worker function of its own is not
  // shared), started by createVerifier inside the timing. Warm: a verifier made where
  // <AuditLog> already has one (as Verify entire log or a badge page does), sharing its workers.
  const timed = async (options: Record<string, unknown>) => {
    const start = performance.now()
    const verifier = hooks.createVerifier({ trustedKeys: keys, maxQueued: events.length, ...options })
    verifier.request(events as never)
    await verifier.idle()
    const perSecond = events.length / ((performance.now() - start) / 1000)
    const checked = events.filter((event) => verifier.get(event as never) !== undefined).length
    if (checked !== events.length) throw new Error(`the verifier checked ${checked} of ${events.length} events`)
    const runsOn = verifier.runsOn
    verifier.dispose()
    return { perSecond, runsOn }
  }
  const cold = await timed({ worker: () => hooks.defaultCreateWorker() })
  const warm = await timed({})
  const [shipped, shippedWarm, runsOn] = [cold.perSecond, warm.perSecond, warm.runsOn]
  // noble in the workers: its key ring is configured there with crypto 'noble' (each ring
  // resolves its own backend, verify-worker.ts), on the workers <AuditLog>'s verifier already
  // started, since a crypto choice no longer gets workers of its own. So it compares with the
  // warm figure; the check below keeps it from quietly measuring the main thread instead.
  const nobleCount = 1000
  let start = performance.now()
  const nobleVerifier = hooks.createVerifier({ trustedKeys: keys, crypto: 'noble', maxQueued: nobleCount })
  nobleVerifier.request(events.slice(0, nobleCount) as never)
  await nobleVerifier.idle()
  const noble = nobleCount / ((performance.now() - start) / 1000)
  if (nobleVerifier.runsOn !== 'worker') throw new Error('the noble verifier did not run in workers')
  nobleVerifier.dispose()
  start = performance.now()
  for (const event of events) await hooks.verifyEvent(event, { trustedKeys: keys, crypto: 'webcrypto' })
  const naive = events.length / ((performance.now() - start) / 1000)
  return { count: events.length, shipped, shippedWarm, noble, naive, runsOn }
})

/**
 * Verify entire log over acme (about 100,000 events): core's walkLog as the integrity panel
 * runs it, with the components' verifier (Workers), against the ledger's checkpoint.
 */
async function verifyAll() {
  await page.goto(demo.url + '/?bench')
  await page.waitForFunction(() => 'auditlensBench' in window)
  const cpuBefore = treeCpuSeconds()
  const run = await page.evaluate(async (key) => {
    type Hooks = typeof import('../../examples/demo/app/bench-hooks.js')
    const hooks = (window as unknown as { auditlensBench: Hooks }).auditlensBench
    const client = hooks.createAuditClient({ baseUrl: '/api/audit' })
    const keys = new hooks.KeyRing(await client.getKeys())
    const answer = (await (
      await fetch('/v1/audit/orgs/acme/checkpoint', { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { checkpoint: string; size: number }
    const verifier = hooks.createVerifier({ trustedKeys: keys })
    const backend = await hooks.resolveCrypto('auto')
    const start = performance.now()
    const report = await hooks.walkLog({
      client,
      checkpoint: answer.checkpoint,
      size: answer.size,
      trust: { keys: keys.keys.map((k) => ({ publicKey: k.bytes })) },
      backend,
      canonicalBytes: hooks.canonicalBytes,
      verify: (events) => verifier.verifyWithLeaves(events),
    })
    const seconds = (performance.now() - start) / 1000
    // The demo plants a tampered event, a foreign-key one and a 2-event gap: the walk must find
    // them (so the root cannot match); they are counted, not hidden.
    const { walked, verified, tampered, untrusted, missing, rootMatches } = report
    return { seconds, walked, verified, tampered, untrusted, missing, rootMatches }
  }, apiKey)
  // CPU of the whole walk, server and browser (the page's first rows and badges, a few ms, too).
  const cpuAfter = treeCpuSeconds()
  if (!cpuBefore || !cpuAfter) return { ...run, cpuSeconds: null, cpuParts: null }
  const cpuParts = Object.fromEntries(
    Object.entries(cpuAfter.parts).map(([part, s]) => [part, Number((s - (cpuBefore.parts[part] ?? 0)).toFixed(1))]),
  )
  return { ...run, cpuSeconds: cpuAfter.total - cpuBefore.total, cpuParts }
}

if (values.walk) {
  log(
    `verify: cold ${Math.round(verify.shipped)}, warm ${Math.round(verify.shippedWarm)}, noble ${Math.round(verify.noble)}, naive ${Math.round(verify.naive)} events/s; badges settled ${Math.round(badgesSettledMs)} ms`,
  )
  const runs = []
  for (let i = 0; i < Number(values.walk); i++) {
    const run = await verifyAll()
    log(`verify_all_100k_s run ${i + 1}: ${run.seconds.toFixed(2)} s, ${JSON.stringify(run)}`)
    runs.push(run)
  }
  console.log(
    JSON.stringify({
      verify_all_100k_s: runs.map((run) => Number(run.seconds.toFixed(2))),
      verify_all_100k_cpu_s: runs.map((run) => (run.cpuSeconds === null ? null : Number(run.cpuSeconds.toFixed(1)))),
    }),
  )
  await browser.close()
  await demo.close()
  process.exit(0)
}

if (values.quick) {
  // Verification and first rows only, for a fast check while working on them.
  console.log(
    JSON.stringify({
      verify_events_per_s: Math.round(verify.shipped),
      verify_events_per_s_warm: Math.round(verify.shippedWarm),
      verify_noble_events_per_s: Math.round(verify.noble),
      verify_naive_events_per_s: Math.round(verify.naive),
      first_rows_ms: firstRowsMs,
      first_rows_ms_runs: firstRowsRuns,
      first_rows_server_page_ms: firstRowsServerMs,
      first_rows_server_page_ms_runs: firstRowsServerRuns,
      badges_settled_ms: Math.round(badgesSettledMs),
      verify_runs_on: verify.runsOn,
    }),
  )
  await browser.close()
  await demo.close()
  process.exit(0)
}

// Load 100,000 rows, then scroll through them measuring frames. A window of 1,000 pages of
// 200: nothing is dropped, so heap_mb_100k is what 100,000 held events cost.
log('Loading 100,000 rows into the log…')
await page.goto(demo.url + holdingAll(100_000))
await page.getByRole('grid').waitFor()
const loadedRows = await loadRows(page, 100_000)
const body = page.locator('.al-grid__body')
/**
 * Scroll the log by `step` px a frame for at most `maxFrames` frames (or to the end), timing
 * frames. The scroll height is read once up front: reading scrollTop or scrollHeight after
 * each step would force a layout a wheel never causes, and charge it to the log.
 */
const scrollFrames = (step: number | 'fling', maxFrames: number) =>
  body.evaluate(
    (el, [step, maxFrames]) =>
      new Promise<{ frames: number[]; domRowsMax: number }>((resolve) => {
        el.scrollTop = 0
        const height = el.scrollHeight
        const view = el.clientHeight
        const px = step === 'fling' ? Math.max(1, Math.floor(height / 1200)) : Number(step) // fling: top to bottom in ~1,200 frames
        const frames: number[] = []
        let domRowsMax = 0
        let top = 0
        let last = performance.now()
        const tick = (now: number) => {
          frames.push(now - last)
          last = now
          domRowsMax = Math.max(domRowsMax, el.querySelectorAll('[role="row"]').length)
          if (top + view >= height - 1 || frames.length > Number(maxFrames))
            return resolve({ frames: frames.slice(1), domRowsMax })
          top += px
          el.scrollTop = top
          requestAnimationFrame(tick)
        }
        requestAnimationFrame(tick)
      }),
    [step, maxFrames] as const,
  )
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor(values.length * p)]!
// A fling: 100,000 rows in about 1,200 frames (83 rows a frame). Rows pass as placeholders.
const scroll = await scrollFrames('fling', 2000)
await page.waitForTimeout(500)
// Brisk reading speed: 5 rows (260 px) a frame, 15,600 px/s, every row drawn in full.
const brisk = await scrollFrames(260, 600)
const heapMb = await page.evaluate(() => {
  const w = window as unknown as { gc?: () => void; performance: { memory?: { usedJSHeapSize: number } } }
  w.gc?.()
  w.gc?.()
  return (w.performance.memory?.usedJSHeapSize ?? 0) / 1e6
})
log(
  `scroll: fling p95 ${percentile(scroll.frames, 0.95).toFixed(1)} ms, max ${Math.max(...scroll.frames).toFixed(1)} ms; brisk p95 ${percentile(brisk.frames, 0.95).toFixed(1)} ms; dom rows max ${Math.max(scroll.domRowsMax, brisk.domRowsMax)}`,
)
// Verify entire log runs in the same browser and demo, so they close after it.
const verifyAllRun = await verifyAll()
const walk = values['skip-walk-1m'] ? null : await walk1m(browser, log)
await browser.close()
await demo.close()

const figures = {
  verify_events_per_s: Math.round(verify.shipped),
  verify_events_per_s_warm: Math.round(verify.shippedWarm),
  verify_noble_events_per_s: Math.round(verify.noble),
  verify_naive_events_per_s: Math.round(verify.naive),
  first_rows_ms: firstRowsMs,
  first_rows_server_page_ms: firstRowsServerMs,
  badges_settled_ms: Math.round(badgesSettledMs),
  scroll_p95_frame_ms: Number(percentile(scroll.frames, 0.95).toFixed(1)),
  scroll_max_frame_ms: Number(Math.max(...scroll.frames).toFixed(1)),
  scroll_brisk_p95_frame_ms: Number(percentile(brisk.frames, 0.95).toFixed(1)),
  scroll_brisk_max_frame_ms: Number(Math.max(...brisk.frames).toFixed(1)),
  dom_rows_max: Math.max(scroll.domRowsMax, brisk.domRowsMax),
  heap_mb_100k: Math.round(heapMb),
  rows_loaded: loadedRows,
  verify_all_100k_s: Number(verifyAllRun.seconds.toFixed(2)),
  walk_1m_heap_mb: walk ? Math.round(walk.heapMb) : null,
  walk_1m_s: walk ? Math.round(walk.seconds) : null,
}
if (values.json) console.log(JSON.stringify(figures))
else {
  console.log(
    `\nauditlens in Chromium (${verify.count} distinct events verified, in a ${verify.runsOn === 'worker' ? 'Web Worker' : 'main thread'}; ${loadedRows.toLocaleString('en-US')} rows scrolled)\n`,
  )
  for (const [key, value] of Object.entries(figures)) console.log(`  ${key.padEnd(28)} ${value}`)
}
