/**
 * The node:http server every auditlens server runs on (the ledger's `serve`, the demo, tests),
 * and the `clientError` handling a host can add to its own server. Requests Node rejects
 * before any handler runs (a request line or headers over the size limit, malformed HTTP, a
 * request that arrives too slowly) get our JSON `{error, message}` answer instead of Node's
 * empty-bodied 400/431/408.
 */
import { createServer, STATUS_CODES, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { HttpErrorCode } from '../protocol/errors.js'
import { toNodeHandler, type FetchHandler, type NodeHandlerOptions } from './node-adapter.js'

/**
 * Limits of the server itself. Node's defaults (16 KiB of headers, 60 s for headers and 300 s
 * for the whole request) suit a public API; ours are tighter for the slow-client part, since
 * auditlens requests are small (OWASP Denial of Service Cheat Sheet: bound what a client can hold).
 */
export const SERVER_LIMITS = {
  /** Request line plus headers, in bytes: a longer one is answered 431. */
  maxHeaderSize: 16 * 1024,
  /** Time to receive the headers: a slower client is answered 408. */
  headersTimeout: 20_000,
  /** Time to receive the whole request, body included. */
  requestTimeout: 60_000,
  /**
   * Outlive clients' idle keep-alive (undici's is 4 s), so a client never reuses a socket the
   * server is closing at that moment (an ECONNRESET on a POST, which is not retried).
   */
  keepAliveTimeout: 65_000,
} as const

/**
 * A node:http server for `handler`, with {@link toNodeHandler}'s abort handling, the limits in {@link SERVER_LIMITS} and JSON answers for requests Node itself
 * refuses. Call `listen` on it as on any node:http server.
 */
export function createNodeServer(handler: FetchHandler, options: NodeHandlerOptions = {}): Server {
  const server = createServer(
    {
      maxHeaderSize: SERVER_LIMITS.maxHeaderSize,
      headersTimeout: SERVER_LIMITS.headersTimeout,
      requestTimeout: SERVER_LIMITS.requestTimeout,
      keepAliveTimeout: SERVER_LIMITS.keepAliveTimeout,
    },
    toNodeHandler(handler, options),
  )
  return answerClientErrorsWithJson(server)
}

const CLIENT_ERRORS: Record<string, { status: number; code: HttpErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'headers_too_large',
    message: `The request line and headers are larger than ${SERVER_LIMITS.maxHeaderSize / 1024} KiB; shorten the query string or headers.`,
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request_timeout',
    message: 'The request did not arrive in time; send it again.',
  },
}
const MALFORMED = {
  status: 400,
  code: 'invalid_request' as const,
  message: 'The request is not valid HTTP/1.1.',
}

/**
 * Answer requests that Node's parser rejects with JSON `{error, message}` and
 * `Connection: close`, then close the socket. For a host's own server (Express's
 * `app.listen(...)` returns one): `answerClientErrorsWithJson(app.listen(3000))`.
 */
export function answerClientErrorsWithJson(server: Server): Server {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's own handler does: write only when nothing of a response is on the wire yet,
    // or the bytes would corrupt a response in flight (lib/_http_server.js, socketOnError).
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy()
      return
    }
    const { status, code, message } = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED
    const body = JSON.stringify({ error: code, message })
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        'cache-control: no-store\r\n' +
        'connection: close\r\n\r\n' +
        body,
    )
  })
  return server
}
