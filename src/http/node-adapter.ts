/**
 * Mount a Web-standard `(request) => Response` handler on node:http, Express or Connect.
 * The adapter aborts the request's signal when the client disconnects and streams the response
 * with backpressure. Body limits are not its job: each route reads its body through
 * `readJsonObject(request, limit)` (./body.ts) with its own limit, which holds in every
 * runtime the handler mounts in, not only behind this adapter.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { badRequest } from '../protocol/errors.js'
import { setClientAddress } from './client-address.js'
import { errorResponse } from './http-error.js'

/** A fetch-style handler: the shape Next.js route handlers, Hono, Bun and Deno use. */
export type FetchHandler = (request: Request) => Response | Promise<Response>

export interface NodeHandlerOptions {
  /** Log unexpected errors (default `console.error`). */
  onError?: (error: unknown) => void
  /**
   * Behind a TLS-terminating load balancer or reverse proxy, take the scheme and host from its
   * `X-Forwarded-Proto` / `X-Forwarded-Host` headers (default `false`: from the socket and
   * `Host`). Turn it on only when such a proxy sets both (the last value of each is used, the
   * one the nearest proxy added), since a client can send them too.
   * The token proxy's Origin check then sees the host the browser used; its download links
   * are relative, so they need nothing from here.
   */
  trustForwardedHeaders?: boolean
}

/**
 * The node:http `(req, res)` listener for `handler`. Requests that Node refuses before any
 * listener runs (oversized headers, malformed HTTP) never reach it: serve with
 * `createNodeServer`, or pass your own server to `answerClientErrorsWithJson`, so those get
 * JSON too.
 */
export function toNodeHandler(handler: FetchHandler, options: NodeHandlerOptions = {}) {
  const log = options.onError ?? console.error
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const controller = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('The client disconnected.'))
    })
    let response: Response
    try {
      response = await handler(toRequest(req, controller.signal, options.trustForwardedHeaders ?? false))
    } catch (error) {
      response = errorResponse(error, log)
    }
    await writeResponse(response, res, controller.signal)
  }
}

/**
 * The last value of a possibly repeated, comma-separated header: the one the nearest proxy
 * added. A proxy that appends to what the client sent leaves the client's values in front.
 */
function lastValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.at(-1) : header
  return value?.split(',').at(-1)?.trim() || undefined
}

/** A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing that could reshape the URL. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/

function toRequest(req: IncomingMessage, signal: AbortSignal, trustForwarded: boolean): Request {
  const forwardedProto = trustForwarded ? lastValue(req.headers['x-forwarded-proto'])?.toLowerCase() : undefined
  const host =
    (trustForwarded ? lastValue(req.headers['x-forwarded-host']) : undefined) ?? req.headers.host ?? 'localhost'
  if (!HOST.test(host)) throw badRequest('The Host header is not a host name with an optional port.')
  const protocol =
    forwardedProto === 'https' || forwardedProto === 'http'
      ? forwardedProto
      : (req.socket as { encrypted?: boolean }).encrypted
        ? 'https'
        : 'http'
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
  }
  const method = req.method ?? 'GET'
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal }
  if (method !== 'GET' && method !== 'HEAD') {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>
    init.duplex = 'half'
  }
  // Express and Connect strip the mount path from req.url (app.use('/api/audit', ...) sees
  // '/events'); the handler routes on the full path, which they keep in originalUrl.
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/'
  const request = new Request(requestUrl(protocol, host, path), init)
  setClientAddress(request, req.socket.remoteAddress)
  return request
}

/**
 * The request's absolute URL. The path is appended to the origin as text, never resolved
 * against it: resolving would read a path such as `//evil.example/x` as another host.
 */
function requestUrl(protocol: string, host: string, path: string): URL {
  const parsed = new URL(`http://placeholder${path.startsWith('/') ? path : `/${path}`}`)
  return new URL(`${protocol}://${host}${parsed.pathname}${parsed.search}`)
}

async function writeResponse(response: Response, res: ServerResponse, signal: AbortSignal): Promise<void> {
  res.statusCode = response.status
  const cookies = response.headers.getSetCookie()
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value)
  })
  if (cookies.length > 0) res.setHeader('set-cookie', cookies)
  if (!response.body) {
    res.end()
    return
  }
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res, { signal })
  } catch {
    // The client went away mid-stream; there is no one left to tell.
    res.destroy()
  }
}
