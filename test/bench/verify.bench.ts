/**
 * `npm run bench:verify [-- --json] [-- --events N] [-- --lines N] [-- --export-events N]`:
 * throughput of the verification core in Node, and checkpoint checks (verify-checkpoint.ts;
 * needs `npm run build` for the CLI). Prints figures; asserts nothing (targets are read, not enforced).
 *
 * Events are signed here with node:crypto so setup stays fast; every event is distinct.
 */
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto'
import { parseArgs } from 'node:util'
import {
  canonicalBytes,
  KeyRing,
  parseAuditJson,
  verifyEvents,
  verifyNdjson,
  type CryptoChoice,
} from '../../src/core/index.js'
import { createHash } from 'node:crypto'
import { checkpointFigures } from './verify-checkpoint.js'

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    events: { type: 'string', default: '20000' },
    lines: { type: 'string', default: '200000' },
    'export-events': { type: 'string', default: '100000' },
  },
})
const N = Number(values.events)
const LINES = Number(values.lines)

const { publicKey, privateKey } = generateKeyPairSync('ed25519')
const publicHex = (publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(-32).toString('hex')
const ring = new KeyRing([{ publicKey: publicHex, keyId: 'bench' }])

function makeEvent(i: number): Record<string, unknown> {
  const event: Record<string, unknown> = {
    id: `aevt_bench_${i.toString().padStart(10, '0')}`,
    org_id: 'aorg_bench',
    seq: i + 1,
    occurred_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    ingested_at: new Date(Date.UTC(2026, 0, 1) + i * 1000 + 250).toISOString(),
    action: ['user.signed_in', 'invoice.paid', 'member.invited', 'api_key.rotated'][i % 4],
    actor: { type: 'user', id: `user_${i % 97}`, name: `User ${i % 97}` },
    targets: [{ type: 'invoice', id: `inv_${i}`, name: `INV-${i}` }],
    context: { location: `203.0.113.${i % 250}`, user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0' },
    metadata: { amount: (i * 37) % 100000, currency: 'EUR', note: `Payment for order ${i} — café ✓` },
  }
  const bytes = canonicalBytes(event)
  return {
    ...event,
    payload_hash: createHash('sha256').update(bytes).digest('hex'),
    signature: nodeSign(null, bytes, privateKey).toString('hex'),
    signing_public_key: publicHex,
    key_id: 'bench',
  }
}

function timeSync(rounds: number, fn: () => void): number {
  fn() // warm up
  const start = performance.now()
  for (let r = 0; r < rounds; r++) fn()
  return (performance.now() - start) / rounds
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  await fn() // warm up
  const start = performance.now()
  await fn()
  return performance.now() - start
}

const events = Array.from({ length: N }, (_, i) => makeEvent(i))
const texts = events.map((e) => JSON.stringify(e))
const totalBytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0)

const canonMs = timeSync(3, () => events.forEach((e) => canonicalBytes(e)))
const parseMs = timeSync(3, () => texts.forEach((t) => parseAuditJson(t)))
const jsonParseMs = timeSync(3, () => texts.forEach((t) => JSON.parse(t)))

async function verifyRate(crypto: CryptoChoice, count: number): Promise<number> {
  const slice = events.slice(0, count)
  const ms = await timeAsync(async () => {
    const results = await verifyEvents(slice, { trustedKeys: ring, crypto })
    if (results.some((r) => r.status !== 'verified')) throw new Error('bench events must all verify')
  })
  return (count / ms) * 1000
}

const webcryptoRate = await verifyRate('webcrypto', N)
const nobleRate = await verifyRate('noble', Math.min(N, 3000))

// Streaming: the same 1,000 lines repeated, generated on the fly, so the input never sits in memory.
const sample = texts.slice(0, 1000).map((t) => Buffer.from(t + '\n'))
async function* stream(): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < LINES; i += 100) yield Buffer.concat(sample.slice(i % 1000, (i % 1000) + 100))
}
globalThis.gc?.()
const rssBefore = process.memoryUsage().rss
let rssPeak = rssBefore
let count = 0
const streamStart = performance.now()
for await (const result of verifyNdjson(stream(), { trustedKeys: ring })) {
  if (result.status !== 'verified') throw new Error(`line ${result.line}: ${result.message}`)
  if (++count % 10000 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss)
}
const streamMs = performance.now() - streamStart
const streamedMb = ((LINES / 1000) * sample.reduce((s, b) => s + b.length, 0)) / 1e6

const checkpoints = await checkpointFigures({
  events: Number(values['export-events']),
  makeEvent,
  privateKey,
  publicHex,
})

const figures = {
  events: N,
  canonicalize_events_per_s: Math.round((N / canonMs) * 1000),
  parse_audit_json_mb_per_s: Math.round((totalBytes / 1e6 / parseMs) * 1000),
  json_parse_mb_per_s: Math.round((totalBytes / 1e6 / jsonParseMs) * 1000),
  verify_webcrypto_events_per_s: Math.round(webcryptoRate),
  verify_noble_events_per_s: Math.round(nobleRate),
  webcrypto_speedup: Number((webcryptoRate / nobleRate).toFixed(1)),
  ndjson_lines: LINES,
  ndjson_mb: Math.round(streamedMb),
  ndjson_events_per_s: Math.round((LINES / streamMs) * 1000),
  ndjson_rss_growth_mb: Math.round((rssPeak - rssBefore) / 1e6),
  ...checkpoints,
}

if (values.json) {
  console.log(JSON.stringify(figures))
} else {
  console.log(
    `auditlens verification benchmark (Node ${process.version}, ${N} distinct events of ~${Math.round(totalBytes / N)} bytes)\n`,
  )
  const rows: [string, string][] = [
    ['canonicalize', `${figures.canonicalize_events_per_s.toLocaleString('en-US')} events/s`],
    ['parseAuditJson', `${figures.parse_audit_json_mb_per_s} MB/s (JSON.parse: ${figures.json_parse_mb_per_s} MB/s)`],
    ['verify, WebCrypto path', `${figures.verify_webcrypto_events_per_s.toLocaleString('en-US')} events/s`],
    ['verify, noble path', `${figures.verify_noble_events_per_s.toLocaleString('en-US')} events/s`],
    ['WebCrypto / noble', `${figures.webcrypto_speedup}x`],
    [
      `NDJSON stream (${LINES.toLocaleString('en-US')} lines, ${figures.ndjson_mb} MB)`,
      `${figures.ndjson_events_per_s.toLocaleString('en-US')} events/s, RSS growth ${figures.ndjson_rss_growth_mb} MB`,
    ],
    ['verify a checkpoint (p50)', `${figures.checkpoint_verify_ms} ms`],
    [
      `auditlens verify, whole export (${figures.export_check_events.toLocaleString('en-US')} events + checkpoint)`,
      `${figures.export_check_100k_s} s`,
    ],
  ]
  for (const [name, value] of rows) console.log(`  ${name.padEnd(44)} ${value}`)
}
