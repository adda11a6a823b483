/**
 * `node --experimental-websocket --import tsx test/bench/verify-profile.bench.ts [--runs N]` (after
 * `npm run build:demo`; Node 20 needs the flag for its WebSocket, Node 22 does not): where
 * the shipped verifier's time goes in Chromium. It verifies 5,000 distinct events from the demo
 * with `createVerifier` as browser.bench.ts does, while V8's sampling profiler (Chrome DevTools
 * Protocol `Profiler`, 100 µs interval) runs in the page and in every verification worker,
 * reached through `Target.setAutoAttach` on a raw CDP socket (Playwright does not expose worker
 * sessions). Self time is summed per function and grouped into stages, printed as µs per event
 * per thread. Figures only; nothing is asserted. The stage of a function is read from its name,
 * so the demo is best built unminified for this (`npx vite build --config vite.demo.config.ts
 * --minify false`); minified names land in "other".
 */
import { readdirSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { fetchBenchEvents, openDemo, type BenchWindow } from './demo-page.js'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    // CPU time by thread only: no sampling profiler, whose own threads and interrupts cost CPU.
    'cpu-only': { type: 'boolean', default: false },
  },
})
const port = 9300 + (process.pid % 600)

const { demo, browser, page } = await openDemo({ seed: 20_000, args: [`--remote-debugging-port=${port}`] })
await page.goto(demo.url + '/?bench')
// Fetch the events once; each run verifies them with a new verifier (new workers).
await fetchBenchEvents(page, 5000)

// A raw CDP connection to the browser, flat sessions.
const version = (await (await fetch(`http://127.0.0.1:${port}/json/version`)).json()) as {
  webSocketDebuggerUrl: string
}
const ws = new WebSocket(version.webSocketDebuggerUrl)
await new Promise((resolve) => ws.addEventListener('open', resolve, { once: true }))
let nextId = 1
const waiting = new Map<number, (result: unknown) => void>()
const sessions = new Map<string, string>() // sessionId -> label
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CDP replies, read field by field below
function send(method: string, params: object = {}, sessionId?: string): Promise<any> {
  const id = nextId++
  ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }))
  return new Promise((resolve) => waiting.set(id, resolve))
}
ws.addEventListener('message', ({ data }: MessageEvent<string>) => {
  const message = JSON.parse(data)
  if (message.id !== undefined) {
    waiting.get(message.id)?.(message.result ?? message.error)
    waiting.delete(message.id)
  } else if (message.method === 'Target.attachedToTarget') {
    const { sessionId, targetInfo } = message.params
    if (targetInfo.type === 'worker' && !values['cpu-only']) {
      sessions.set(sessionId, `worker ${sessions.size}`)
      void (async () => {
        await send('Profiler.enable', {}, sessionId)
        await send('Profiler.setSamplingInterval', { interval: 100 }, sessionId)
        await send('Profiler.start', {}, sessionId)
        await send('Runtime.runIfWaitingForDebugger', {}, sessionId)
      })()
    } else void send('Runtime.runIfWaitingForDebugger', {}, sessionId)
  }
})

const { targetInfos } = await send('Target.getTargets')
const pageTarget = targetInfos.find(
  (t: { type: string; url: string }) => t.type === 'page' && t.url.startsWith(demo.url),
)
const { sessionId: pageSession } = await send('Target.attachToTarget', { targetId: pageTarget.targetId, flatten: true })
sessions.set(pageSession, 'main')
await send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, pageSession)

/**
 * CPU time of every thread of Chromium's renderer processes, from /proc (Linux): utime + stime
 * in clock ticks (10 ms) by thread name. Unlike wall time and sampled self time, CPU time does
 * not grow when other processes take the cores, so it is the figure to compare under load.
 */
function threadTicks(): Map<string, number> {
  const ticks = new Map<string, number>()
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline: string
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    } catch {
      continue
    }
    if (!cmdline.includes('chromium') || !cmdline.includes('--type=renderer')) continue
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        const key = `${name} ${pid}/${tid}`
        ticks.set(key, Number(fields[11]) + Number(fields[12]))
      } catch {
        // the thread ended
      }
    }
  }
  return ticks
}

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

/** Stage of a function, by its name (and file for natives). */
function stage(name: string, url: string): string {
  if (/^(digest)$/.test(name)) return 'sha256 (digest)'
  if (/^verify$/.test(name) && !url) return 'ed25519 (subtle.verify)'
  if (/^importKey$/.test(name)) return 'key import'
  if (/^postMessage$/.test(name)) return 'postMessage (clone/serialise)'
  if (/^(transport)$/.test(name)) return 'transport walk'
  if (/^(contentKey|write|keyOf)$/.test(name) && url.includes('index')) return 'contentKey / main writes'
  if (
    /^(write|string|object|array|compareCodePoints|writeJson|canonicalize|signedObject|timestamp|normalizeTimestamp|encode|stringify|test|exec|sort|filter|keys|codePointRank)$/.test(
      name,
    )
  )
    return 'canonical bytes'
  if (/^(parseAuditJson|parseValue|parseString|parseNumber|parseObject|parseArray|skipWhitespace|parse)$/i.test(name))
    return 'parse'
  if (
    /^(check|result|bytesToHex|hexToBytes|isValidAt|claimed|signedBy|verifyEd25519|sha256|verifyEvents|mapInOrder|settleHead|step)$/.test(
      name,
    )
  )
    return 'check logic, promises'
  if (name === '(garbage collector)') return 'GC'
  if (name === '(idle)') return 'idle'
  if (name === '(program)') return 'program (native: clone, messages, tasks)'
  return 'other'
}

function summarise(profile: Profile, events: number) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const stages = new Map<string, number>()
  const functions = new Map<string, number>()
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    const name = functionName || '(anonymous)'
    const key = `${stage(name, url)}`
    stages.set(key, (stages.get(key) ?? 0) + us)
    const fn = `${name} ${url.split('/').pop()}:${lineNumber + 1}`
    functions.set(fn, (functions.get(fn) ?? 0) + us)
  }
  const perEvent = (m: Map<string, number>, top: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${(us / events).toFixed(1).padStart(7)} µs  ${k}`)
  return { stages: perEvent(stages, 20), functions: perEvent(functions, 25) }
}

for (let run = 0; run < Number(values.runs); run++) {
  for (const [sessionId, label] of sessions) {
    if (label !== 'main' || values['cpu-only']) continue
    await send('Profiler.enable', {}, sessionId)
    await send('Profiler.setSamplingInterval', { interval: 100 }, sessionId)
    await send('Profiler.start', {}, sessionId)
  }
  const before = new Set(sessions.keys())
  const ticksBefore = threadTicks()
  const outcome = await page.evaluate(async () => {
    const w = window as unknown as BenchWindow
    const events = w.benchEvents
    const start = performance.now()
    const verifier = w.auditlensBench.createVerifier({ trustedKeys: w.benchKeys, maxQueued: events.length })
    verifier.request(events as never)
    await verifier.idle()
    const ms = performance.now() - start
    const verified = events.filter((e) => verifier.get(e as never)?.status === 'verified').length
    ;(window as unknown as { benchVerifier: { dispose(): void } }).benchVerifier = verifier
    return { ms, verified, count: events.length, runsOn: verifier.runsOn }
  })
  const ticksAfter = threadTicks()
  const cpu: string[] = []
  // Other sessions' browsers may run on this machine: only the renderer whose workers worked.
  let ours = ''
  let most = 0
  for (const [thread, after] of ticksAfter) {
    const spent = after - (ticksBefore.get(thread) ?? 0)
    if (thread.startsWith('DedicatedWorker') && spent > most)
      [most, ours] = [spent, thread.split(' ')[1]!.split('/')[0]!]
  }
  let total = 0
  for (const [thread, after] of ticksAfter) {
    if (thread.split(' ')[1]!.split('/')[0] !== ours) continue
    const spent = after - (ticksBefore.get(thread) ?? 0)
    // A tick is 10 ms: per event, ms * 1000 / events.
    total += spent
    if (spent > 0) cpu.push(`${((spent * 10 * 1000) / outcome.count).toFixed(1).padStart(7)} µs  ${thread}`)
  }
  console.log(
    `  CPU time per event in the page's renderer (/proc, 10 ms ticks): ${((total * 10 * 1000) / outcome.count).toFixed(0)} µs\n    ${cpu.sort().reverse().join('\n    ')}`,
  )
  console.log(
    `run ${run + 1}: ${outcome.count} events in ${outcome.ms.toFixed(0)} ms = ${Math.round((outcome.count / outcome.ms) * 1000)} events/s (${outcome.verified} verified)`,
  )
  for (const [sessionId, label] of values['cpu-only'] ? [] : sessions) {
    if (label !== 'main' && before.has(sessionId)) continue // an earlier run's worker
    const { profile } = (await send('Profiler.stop', {}, sessionId)) as { profile: Profile }
    if (!profile) continue
    const { stages, functions } = summarise(profile, outcome.count)
    console.log(`  ${label}: stages (self time per event)\n    ${stages.join('\n    ')}`)
    console.log(`  ${label}: top functions\n    ${functions.slice(0, 12).join('\n    ')}`)
  }
  await page.evaluate(() => (window as unknown as { benchVerifier: { dispose(): void } }).benchVerifier.dispose())
}

ws.close()
await browser.close()
await demo.close()
process.exit(0)
