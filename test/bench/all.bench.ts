/**
 * `npm run bench [-- --json]`: every benchmark, merged into one object: the browser
 * (verification, first rows, scrolling, heap), the ledger at 1,000,000 events (pages, export,
 * proofs), checkpoint checks, and the bundle sizes. Takes several minutes; never part of npm test.
 */
import { execFileSync } from 'node:child_process'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } })
const run = (file: string) =>
  JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', file, '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1e7,
    })
      .trim()
      .split('\n')
      .at(-1)!,
  ) as Record<string, unknown>

// The ledger first: it seeds .auditlens/bench-1000000.db, which the browser's walk_1m reuses.
const ledger = run('test/bench/ledger.bench.ts')
const browser = run('test/bench/browser.bench.ts')
const streams = run('test/bench/streams.bench.ts')
const verify = run('test/bench/verify.bench.ts')
const size = run('test/bench/size.bench.ts') as Record<string, { gzip_kb: number }>
const figures = {
  ...browser,
  ledger_first_page_ms: ledger.ledger_first_page_ms,
  ledger_deep_page_ms: ledger.ledger_deep_page_ms,
  ledger_deep_offset_ms: ledger.ledger_deep_offset_ms,
  export_1m_s: ledger.export_1m_s,
  export_1m_rss_growth_mb: ledger.export_1m_rss_growth_mb,
  proof_ms_1m: ledger.proof_ms_1m,
  proof_consistency_http_p95_ms: ledger.proof_consistency_http_p95_ms,
  proof_inclusion_http_p50_ms: ledger.proof_inclusion_http_p50_ms,
  proof_inclusion_http_p95_ms: ledger.proof_inclusion_http_p95_ms,
  checkpoint_verify_ms: verify.checkpoint_verify_ms,
  export_check_100k_s: verify.export_check_100k_s,
  stream_delivery_events_per_s: streams.stream_delivery_events_per_s,
  bundle_react_gzip_kb: size['auditlens']!.gzip_kb,
  bundle_core_gzip_kb: size['auditlens/core']!.gzip_kb,
  bundle_worker_gzip_kb: size['verify worker']!.gzip_kb,
  bundle_core_verify_gzip_kb: size['core: verify only']!.gzip_kb,
  bundle_core_client_gzip_kb: size['core: client only']!.gzip_kb,
}
if (values.json) console.log(JSON.stringify(figures))
else for (const [key, value] of Object.entries(figures)) console.log(`${key.padEnd(28)} ${value}`)
