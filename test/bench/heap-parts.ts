/**
 * `npx tsx test/bench/heap-parts.ts [--json] [--rows 100000]` (after `npm run build:demo`):
 * what the demo's JS heap holds with 100,000 events loaded, by part. It loads the rows the way
 * the browser bench does, while Chromium's sampling heap profiler (CDP `HeapProfiler`) records
 * the call stack of allocations; after a full GC the profile keeps only live objects. Each
 * sample is charged to the innermost frame that the demo's source maps place in a known part
 * (the parser, the event store, TanStack Table, ...): the code that allocated the memory that
 * is still held. Sampling (one sample per 8 kB allocated, on average) makes each part accurate
 * to a few hundred kB, plenty at this scale. Figures only; not part of npm test.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
// A dependency of Vite and Vitest, already installed; it reads the demo's source maps.
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping'
import { HEAP_ARGS, holdingAll, loadRows, openDemo } from './demo-page.js'

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    rows: { type: 'string', default: '100000' },
  },
})
const wanted = Number(values.rows)
const log = (line: string) => values.json || console.error(line)

const appDir = fileURLToPath(new URL('../../dist-demo/examples/demo/app/', import.meta.url))
log('Starting the demo with about 100,000 events in acme…')
const { demo, browser, context, page } = await openDemo({ seed: 167_000, args: HEAP_ARGS })

await page.goto(demo.url + holdingAll(wanted))
await page.getByRole('grid').waitFor()
const cdp = await context.newCDPSession(page)
await cdp.send('HeapProfiler.enable')
// Sampling starts after the first page: its 200 events are missed, 0.2% of the total.
await cdp.send('HeapProfiler.startSampling', { samplingInterval: 8192 })

log(`Loading ${wanted.toLocaleString('en-US')} rows…`)
const started = Date.now()
const loadedRows = await loadRows(page, wanted)
const heldRows = Number(await page.getByRole('grid').getAttribute('data-held-rows'))
const loadSeconds = (Date.now() - started) / 1000
// Let the badges on screen settle, then read the heap after full collections.
await page.waitForTimeout(2000)
const usedHeap = () =>
  page.evaluate(() => {
    const w = window as unknown as { gc(): void; performance: { memory: { usedJSHeapSize: number } } }
    w.gc()
    w.gc()
    return w.performance.memory.usedJSHeapSize
  })
const heapBytes = await usedHeap()
await cdp.send('HeapProfiler.collectGarbage')
const { profile } = await cdp.send('HeapProfiler.getSamplingProfile')
await cdp.send('HeapProfiler.stopSampling')
await browser.close()
await demo.close()

/** The parts, by the source file (as the source maps name it) of the allocating code. */
const PARTS: [string, RegExp][] = [
  ['parsed events (parseAuditJson)', /src\/core\/json\/lossless-json\.ts$/],
  ['compact events', /src\/core\/log\/compact-event\.ts$/],
  ['event store', /src\/core\/log\/event-store\.ts$/],
  ['log model (rows, knownActions)', /src\/core\/log\/(log-model|log-rows)\.ts$/],
  ['HTTP client (response text)', /src\/core\/log\/(client|platform|token-manager)\.ts$/],
  ['verifier (caches, queue)', /src\/core\/verify\//],
  ['TanStack Table', /@tanstack\/(react-)?table/],
  ['TanStack Virtual', /@tanstack\/(react-)?virtual/],
  ['auditlens React components', /src\/react\//],
  ['React', /node_modules\/(react|react-dom|scheduler)\//],
]

interface Frame {
  functionName: string
  url: string
  lineNumber: number
  columnNumber: number
}
interface ProfileNode {
  callFrame: Frame
  selfSize: number
  children: ProfileNode[]
}
const maps = new Map<string, TraceMap | null>()
function sourceOf(frame: Frame): string | null {
  const file = /\/assets\/([^/?#]+\.js)$/.exec(frame.url)?.[1]
  if (!file) return null
  if (!maps.has(file)) {
    try {
      maps.set(file, new TraceMap(readFileSync(appDir + 'assets/' + file + '.map', 'utf8')))
    } catch {
      maps.set(file, null)
    }
  }
  const map = maps.get(file)
  if (!map) return `assets/${file}`
  const at = originalPositionFor(map, { line: frame.lineNumber + 1, column: frame.columnNumber })
  return at.source ?? `assets/${file}`
}
const byPart = new Map<string, number>()
const bySource = new Map<string, number>()
function walk(node: ProfileNode, stack: Frame[]): void {
  const frames = [...stack, node.callFrame]
  if (node.selfSize > 0) {
    let part = '(browser internals, no app frame)'
    let source = ''
    for (let i = frames.length - 1; i >= 0; i--) {
      const found = sourceOf(frames[i]!)
      if (!found) continue
      source ||= found
      const named = PARTS.find(([, pattern]) => pattern.test(found))
      if (named) {
        part = named[0]
        source = found
        break
      }
      part = '(other app code)'
    }
    byPart.set(part, (byPart.get(part) ?? 0) + node.selfSize)
    if (source) bySource.set(source, (bySource.get(source) ?? 0) + node.selfSize)
  }
  for (const child of node.children) walk(child, frames)
}
walk(profile.head as ProfileNode, [])

const mb = (bytes: number) => Number((bytes / 1e6).toFixed(1))
const sampled = [...byPart.values()].reduce((a, b) => a + b, 0)
const parts = Object.fromEntries([...byPart].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, mb(v)]))
const sources = Object.fromEntries(
  [...bySource]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([k, v]) => [k.replace(/^.*?(src\/|node_modules\/)/, '$1'), mb(v)]),
)
const figures = {
  heap_mb_100k: mb(heapBytes),
  rows_loaded: loadedRows,
  rows_held: heldRows,
  bytes_per_event: Math.round(heapBytes / loadedRows),
  load_s: Number(loadSeconds.toFixed(1)),
  sampled_live_mb: mb(sampled),
  parts_mb: parts,
  top_sources_mb: sources,
}
if (values.json) console.log(JSON.stringify(figures))
else {
  console.log(
    `\nJS heap with ${loadedRows.toLocaleString('en-US')} events loaded, ${heldRows.toLocaleString('en-US')} held: ${mb(heapBytes)} MB`,
  )
  console.log(`(${figures.bytes_per_event} bytes an event; sampled live objects: ${mb(sampled)} MB)\n`)
  for (const [part, value] of Object.entries(parts)) console.log(`  ${part.padEnd(40)} ${String(value).padStart(6)} MB`)
  console.log('\nBy allocating source file (top 12):')
  for (const [file, value] of Object.entries(sources))
    console.log(`  ${file.padEnd(60)} ${String(value).padStart(6)} MB`)
}
