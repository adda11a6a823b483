/** The reference ledger over node:http, as `auditlens serve`, the demo and tests run it. */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createNodeServer } from '../http/node-server.js'
import type { Ledger } from './ledger.js'
import { createLedgerHandler } from './routes.js'

/** Start the ledger's HTTP server; resolves once it listens. */
export async function listen(ledger: Ledger, host: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createNodeServer(createLedgerHandler(ledger))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return { server, url: `http://${shownHost}:${address.port}` }
}
