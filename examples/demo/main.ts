#!/usr/bin/env node
/** `npm start`: the demo on HOST:PORT (127.0.0.1:8787), until Ctrl-C. */
import { startDemo } from './server.js'

const port = Number(process.env.PORT ?? 8787)
const demo = await startDemo({
  host: process.env.HOST ?? '127.0.0.1',
  port: Number.isInteger(port) ? port : 8787,
  db: process.env.AUDITLENS_DB ?? '.auditlens/ledger.db',
  seed: Number(process.env.AUDITLENS_SEED ?? 100_000),
})
console.log(`\nauditlens demo ready: ${demo.url}\n`)
console.log(`  the SaaS host app:    ${demo.url}/`)
console.log(`  token proxy:          ${demo.url}/api/audit`)
// A key from AUDITLENS_API_KEY is the operator's secret: shown only when this run made it up.
console.log(
  `  reference ledger API: ${demo.url}/v1   (API key: ${demo.apiKeyGenerated ? demo.apiKey : 'the one in AUDITLENS_API_KEY'})`,
)
console.log('\nStop with Ctrl-C.')
const stop = async () => {
  console.log('\nStopping…')
  await demo.close()
  process.exit(0)
}
process.once('SIGINT', () => void stop())
process.once('SIGTERM', () => void stop())
