/**
 * `npm run bench:ledger [-- --json] [-- --events N] [-- --fresh]`: the reference ledger at
 * scale. Prints figures; asserts nothing.
 *
 * - ingest: events/s through HTTP (one event per request, 8 in flight) and in batches
 * - pages: p50 latency of the first page and of the deepest page by keyset cursor, over HTTP,
 *   next to the deepest page written with OFFSET (in-process, same row count)
 * - export: a full NDJSON export of the org, wall time and peak RSS growth
 * - proofs: p50 and p95 of RFC 9162 consistency and inclusion proofs at N events, over HTTP and
 *   in-process (test/bench/ledger-proofs.ts)
 *
 * The database of N events is kept in .auditlens/bench-<N>.db so later runs skip seeding.
 */
import { existsSync, rmSync, statSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { listen } from '../../src/ledger/listen.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { seedOrg } from '../../src/ledger/seed.js'
import type { EventRow } from '../../src/ledger/event-store.js'
import { timeProofs } from './ledger-proofs.js'
import { parseFilters } from '../../src/protocol/filters.js'

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    events: { type: 'string', default: '1000000' },
    fresh: { type: 'boolean', default: false },
  },
})
const N = Number(values.events)
const dbPath = `.auditlens/bench-${N}.db`
const KEY = 'alk_bench'
if (values.fresh) for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true })

const log = (text: string) => values.json || console.error(text)

const existed = existsSync(dbPath)
const ledger = new Ledger({ db: dbPath, devApiKey: KEY })
let org = ledger.orgByExternalId('bench')
let seedRate: number | null = null
if (!existed || !org) {
  org = ledger.orgByExternalId('bench') ?? ledger.createOrg('bench', 'Benchmark Org')
  log(`Seeding ${N.toLocaleString('en-US')} events into ${dbPath} (kept for later runs)…`)
  const start = performance.now()
  seedOrg(ledger, org.id, N, { batch: 5000 })
  seedRate = N / ((performance.now() - start) / 1000)
  ledger.db.exec('ANALYZE')
}
const orgId = org.id
const { server, url } = await listen(ledger, '127.0.0.1', 0)
const auth = { authorization: `Bearer ${KEY}` }

function p50(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function timeHttp(path: string, runs = 30): Promise<number> {
  const samples: number[] = []
  for (let i = 0; i < runs + 3; i++) {
    const start = performance.now()
    const response = await fetch(url + path, { headers: auth })
    await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`)
    if (i >= 3) samples.push(performance.now() - start)
  }
  return p50(samples)
}

// Pages. The deepest cursor comes from a real walk's encoding of seq 51 (the last page).
const firstPage = await timeHttp(`/v1/audit/events?org_id=${orgId}&limit=50`)
// The filters the route parses from a query without any, so the cursor is bound to that query.
const filters = parseFilters(() => null)
const deepCursor = ledger.cursors.encode(orgId, filters, 51)
const deepPage = await timeHttp(`/v1/audit/events?org_id=${orgId}&limit=50&cursor=${encodeURIComponent(deepCursor)}`)
const offsetSql = ledger.db.prepare('SELECT * FROM events WHERE org_id = ? ORDER BY seq DESC LIMIT 51 OFFSET ?')
const keysetSql = ledger.db.prepare('SELECT * FROM events WHERE org_id = ? AND seq < ? ORDER BY seq DESC LIMIT 51')
const timeSql = (fn: () => EventRow[]) => {
  const samples: number[] = []
  for (let i = 0; i < 23; i++) {
    const start = performance.now()
    fn().map((row) => ledger.events.toJson(row))
    if (i >= 3) samples.push(performance.now() - start)
  }
  return p50(samples)
}
const deepOffset = timeSql(() => offsetSql.all(orgId, Math.max(0, N - 50)) as EventRow[])
const deepKeysetSql = timeSql(() => keysetSql.all(orgId, 51) as EventRow[])

// Proofs, before the ingest below adds another org (this org's log stays at N).
const proofs = await timeProofs(ledger, orgId, url, auth)

// Ingest over HTTP into a separate org, 8 requests in flight.
const INGEST = 2000
let sent = 0
const ingestStart = performance.now()
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (sent < INGEST) {
      const i = sent++
      const response = await fetch(`${url}/v1/audit/events`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `bench-${Date.now()}-${i}` },
        body: JSON.stringify({
          org: 'bench-ingest',
          action: 'document.viewed',
          actor: { type: 'user', id: `user_${i % 50}`, name: 'Bench User' },
          targets: [{ type: 'document', id: `doc_${i}` }],
          metadata: { i },
        }),
      })
      if (response.status !== 201) throw new Error(`ingest: ${response.status} ${await response.text()}`)
      await response.arrayBuffer()
    }
  }),
)
const httpIngestRate = INGEST / ((performance.now() - ingestStart) / 1000)

// Export everything as NDJSON, sampling RSS while it runs.
globalThis.gc?.()
const rssBefore = process.memoryUsage().rss
let rssPeak = rssBefore
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50)
const exportStart = performance.now()
const job = ledger.exports.create(orgId, 'ndjson', filters)
await ledger.exports.idle()
const exportSeconds = (performance.now() - exportStart) / 1000
clearInterval(sampler)
const done = ledger.exports.get(job.id)!
if (done.status !== 'ready' || done.row_count !== N)
  throw new Error(`export ended ${done.status} with ${done.row_count} rows`)
const exportMb = statSync(done.file_path!).size / 1e6
rmSync(done.file_path!, { force: true })

server.closeAllConnections()
server.close()
await ledger.close()

const figures = {
  events: N,
  ingest_http_events_per_s: Math.round(httpIngestRate),
  ingest_batch_events_per_s: seedRate === null ? null : Math.round(seedRate),
  ledger_first_page_ms: Number(firstPage.toFixed(2)),
  ledger_deep_page_ms: Number(deepPage.toFixed(2)),
  deep_to_first_ratio: Number((deepPage / firstPage).toFixed(2)),
  ledger_deep_keyset_sql_ms: Number(deepKeysetSql.toFixed(2)),
  ledger_deep_offset_ms: Number(deepOffset.toFixed(2)),
  export_rows: done.row_count,
  export_mb: Math.round(exportMb),
  export_1m_s: Number(exportSeconds.toFixed(1)),
  export_1m_rss_growth_mb: Math.round((rssPeak - rssBefore) / 1e6),
  ...proofs,
}

if (values.json) {
  console.log(JSON.stringify(figures))
} else {
  const n = (v: number | null, unit: string) =>
    v === null ? '(database reused; run with --fresh)' : `${v.toLocaleString('en-US')} ${unit}`
  console.log(
    `\nauditlens reference ledger benchmark (${N.toLocaleString('en-US')} events in one org, Node ${process.version})\n`,
  )
  const rows: [string, string][] = [
    ['ingest, HTTP (1 event/request, 8 in flight)', n(figures.ingest_http_events_per_s, 'events/s')],
    ['ingest, batches of 5,000 (seeding)', n(figures.ingest_batch_events_per_s, 'events/s')],
    ['first page p50 (HTTP, keyset)', `${figures.ledger_first_page_ms} ms`],
    ['deepest page p50 (HTTP, keyset)', `${figures.ledger_deep_page_ms} ms (${figures.deep_to_first_ratio}x first)`],
    ['deepest page p50 (SQL, keyset)', `${figures.ledger_deep_keyset_sql_ms} ms`],
    ['deepest page p50 (SQL, OFFSET)', `${figures.ledger_deep_offset_ms} ms`],
    [
      `export NDJSON (${figures.export_rows.toLocaleString('en-US')} rows, ${figures.export_mb} MB)`,
      `${figures.export_1m_s} s, RSS growth ${figures.export_1m_rss_growth_mb} MB`,
    ],
    [
      'consistency proof p50 / p95 (HTTP)',
      `${proofs.proof_consistency_http_p50_ms} / ${proofs.proof_consistency_http_p95_ms} ms`,
    ],
    [
      'inclusion proof p50 / p95 (HTTP)',
      `${proofs.proof_inclusion_http_p50_ms} / ${proofs.proof_inclusion_http_p95_ms} ms`,
    ],
    [
      'consistency proof p50 / p95 (in-process)',
      `${proofs.proof_consistency_p50_ms} / ${proofs.proof_consistency_p95_ms} ms`,
    ],
    [
      'inclusion proof p50 / p95 (in-process)',
      `${proofs.proof_inclusion_p50_ms} / ${proofs.proof_inclusion_p95_ms} ms`,
    ],
    ['proofs checked with core’s verifiers', proofs.proof_1m_verified],
  ]
  for (const [name, value] of rows) console.log(`  ${name.padEnd(52)} ${value}`)
}
