/**
 * `npm run bench:streams [-- --json] [-- --events N]`: webhook delivery from the reference
 * ledger to a receiver on 127.0.0.1 that answers 200 (and checks nothing), one request in
 * flight per stream as the deliverer runs. Prints events/s for one stream and for four
 * streams of four orgs, for one stream over HTTPS (a certificate for localhost from a CA made
 * here, trusted with `streams.ca`), and the retry schedule of the default policy. Asserts nothing.
 */
import { createServer, type RequestListener } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { Ledger } from '../../src/ledger/ledger.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { backoffDelay, DEFAULT_POLICY } from '../../src/ledger/streams/deliverer.js'
import { issue } from '../support/tls-certificates.js'

const { values } = parseArgs({
  options: { json: { type: 'boolean', default: false }, events: { type: 'string', default: '5000' } },
})
const N = Number(values.events)
const log = (text: string) => values.json || console.error(text)

let received = 0
let onReceived = () => {}
const answer: RequestListener = (req, res) => {
  req.resume()
  req.on('end', () => {
    res.writeHead(200).end()
    received++
    onReceived()
  })
}
const receiver = createServer(answer)
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
const ca = issue({ name: 'bench CA', ca: true })
const leaf = issue({ name: 'localhost', altNames: ['localhost'] }, ca)
const tlsReceiver = createTlsServer({ cert: leaf.cert, key: leaf.key }, answer)
await new Promise<void>((resolve) => tlsReceiver.listen(0, '127.0.0.1', resolve))
const tlsUrl = `https://localhost:${(tlsReceiver.address() as AddressInfo).port}/hook`

/** Events/s for `streams` streams (one per org) to `target`, each owed `N / streams` events. */
async function deliver(streams: number, target = url): Promise<number> {
  const ledger = new Ledger({
    db: ':memory:',
    streams: { deliver: true, allowPrivateTargets: true, ca: ca.cert },
  })
  const orgs = Array.from({ length: streams }, (_, i) => ledger.createOrg(`bench-${i}`, null))
  for (const org of orgs) ledger.streams.create(org.id, { url: target })
  const events = [...generateEvents(N / streams)]
  received = 0
  const done = new Promise<void>((resolve) => (onReceived = () => received >= N && resolve()))
  const start = performance.now()
  for (const org of orgs) ledger.appendMany(org.id, events)
  await done
  const rate = N / ((performance.now() - start) / 1000)
  await ledger.close()
  return Math.round(rate)
}

log(`Delivering ${N.toLocaleString('en-US')} events to ${url}…`)
const oneStream = await deliver(1)
const fourStreams = await deliver(4)
log(`… and to ${tlsUrl}`)
const https = await deliver(1, tlsUrl)
receiver.close()
tlsReceiver.close()

let total = 0
const schedule = Array.from({ length: DEFAULT_POLICY.pauseAfter - 1 }, (_, i) => {
  const ceiling = backoffDelay(i + 1, DEFAULT_POLICY, () => 1)
  total += ceiling
  return ceiling / 1000
})
const figures = {
  stream_delivery_events_per_s: oneStream,
  stream_delivery_4_streams_events_per_s: fourStreams,
  stream_delivery_https_events_per_s: https,
  stream_retry_ceilings_s: schedule,
  stream_pause_after_worst_h: Number((total / 3_600_000).toFixed(1)),
  stream_pause_after_mean_h: Number((total / 2 / 3_600_000).toFixed(1)),
}
if (values.json) console.log(JSON.stringify(figures))
else for (const [key, value] of Object.entries(figures)) console.log(`${key.padEnd(40)} ${JSON.stringify(value)}`)
