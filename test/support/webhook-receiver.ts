/**
 * A webhook receiver on 127.0.0.1 that checks every delivery's signature on its own, with
 * node:crypto and the Standard Webhooks rule (HMAC-SHA256 over "<id>.<timestamp>.<body>",
 * keyed with the base64 after `whsec_`), never with the ledger's signing code.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'

export interface Received {
  id: string
  timestamp: string
  type: string
  body: string
  /** Whether the signature checked out against the secret the receiver was given. */
  verified: boolean
  headers: IncomingMessage['headers']
  /** The TLS server name (SNI) the client sent, or null over plain HTTP or without SNI. */
  servername: string | null
}

/** Serve HTTPS with this certificate and key (PEM) instead of HTTP. */
export interface ReceiverTls {
  cert: string
  key: string
}

/** What to answer request number `n` (0-based): a status, or `'hang'` to never answer. */
export type Answer = (n: number, request: Received) => number | 'hang' | { status: number; location: string }

export function verifyStandardWebhook(secret: string, id: string, timestamp: string, body: string, header: string) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest()
  return header.split(' ').some((part) => {
    const [version, signature] = part.split(',')
    const given = Buffer.from(signature ?? '', 'base64')
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected)
  })
}

export async function startReceiver(answer: Answer = () => 200, tls?: ReceiverTls) {
  const received: Received[] = []
  const waiters: { count: number; resolve: () => void }[] = []
  const hanging: ServerResponse[] = []
  const state = { secret: '', answer }
  const listener: RequestListener = (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const header = (name: string) => String(req.headers[name] ?? '')
      const body = Buffer.concat(chunks).toString('utf8')
      const entry: Received = {
        id: header('webhook-id'),
        timestamp: header('webhook-timestamp'),
        type: header('auditlens-event-type'),
        body,
        verified: verifyStandardWebhook(
          state.secret,
          header('webhook-id'),
          header('webhook-timestamp'),
          body,
          header('webhook-signature'),
        ),
        headers: req.headers,
        servername: (req.socket as Partial<TLSSocket>).servername || null,
      }
      const n = received.push(entry) - 1
      const reply = state.answer(n, entry)
      if (reply === 'hang') hanging.push(res)
      else if (typeof reply === 'number')
        res.writeHead(reply, { 'x-receiver-secret': 'do-not-leak' }).end('receiver body: do-not-leak')
      else res.writeHead(reply.status, { location: reply.location }).end()
      for (const waiter of [...waiters]) {
        if (received.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve()
        }
      }
    })
  }
  // A long keep-alive for HTTPS, so a test on a loaded machine can count one handshake for several
  // deliveries without node's 5 s default closing the idle connection in between.
  const server = tls ? createTlsServer(tls, listener) : createServer(listener)
  if (tls) server.keepAliveTimeout = 60_000
  // TCP connections, handshakes that failed included: a refused target must not get one.
  const connections = { count: 0 }
  server.on('connection', () => connections.count++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}/hook`
  return {
    url,
    port,
    received,
    /** How many TCP connections reached the receiver. */
    get connections() {
      return connections.count
    },
    /** The secret deliveries are checked against (the one the stream's create answer showed). */
    set secret(value: string) {
      state.secret = value
    },
    set answer(value: Answer) {
      state.answer = value
    },
    /** Resolves once `count` requests have arrived. */
    waitFor(count: number): Promise<void> {
      if (received.length >= count) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    async close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
