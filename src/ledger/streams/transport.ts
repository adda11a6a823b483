/**
 * The HTTP client deliveries go out on: node:http and node:https with keep-alive agents whose
 * `lookup` is the target guard. Written on node:http rather than `fetch`: node's built-in fetch
 * takes a connection hook only through an undici `Agent`, and undici is not a dependency of this
 * package, while node:http's `lookup` option is the documented place for it. node:http also
 * never follows a redirect, which deliveries must not do.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { trustAnchors, type StreamCa } from './tls-trust.js'
import { guardedLookup, ipLiteralOf, isPublicAddress, RefusedTarget, type Resolver } from './target-guard.js'

/** One POST, resolved with the status once the body has been read (or cut at `drainLimit`). */
export type Post = (url: string, headers: Record<string, string>, body: string, signal: AbortSignal) => Promise<number>

export interface Transport {
  post: Post
  /** Close idle keep-alive connections. */
  close(): void
}

export interface TransportOptions {
  /** Deliver to private and special-purpose addresses too (tests, local development). */
  allowPrivateTargets: boolean
  resolve: Resolver
  /** Extra trust anchors for HTTPS receivers, added to node's default trust store. */
  ca?: StreamCa
  /** Which resolved addresses may be connected to (default `isPublicAddress`); tests only. */
  allowed?: (address: string) => boolean
}

/**
 * Read and drop at most this much of a response. A body read to its end lets the agent keep the
 * connection alive (a sequential loop to a local server ran at about 530 requests/s cancelling
 * bodies against about 1,390 reading them, Node 20, this repository's machine); a receiver that
 * sends more gets its connection cut rather than buffered. Nothing read is kept.
 */
const DRAIN_LIMIT = 64 * 1024

export function createTransport(options: TransportOptions): Transport {
  const allowed = options.allowed ?? isPublicAddress
  const lookup = options.allowPrivateTargets ? undefined : guardedLookup(options.resolve, allowed)
  const ca = options.ca && trustAnchors(options.ca)
  // The https agent connects to the address `lookup` judged, while TLS keeps the URL's host
  // name as SNI and checks the certificate against that name (node's https sets `servername`
  // from the host unless it is an IP literal).
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, ...(lookup && { lookup }) }),
    'https:': new HttpsAgent({ keepAlive: true, ...(lookup && { lookup }), ...(ca && { ca }) }),
  }
  const post: Post = async (url, headers, body, signal) => {
    const target = new URL(url)
    const literal = ipLiteralOf(target)
    // net.connect skips `lookup` for an IP literal, so a literal is judged here.
    if (literal !== null && !options.allowPrivateTargets && !allowed(literal))
      throw new RefusedTarget(`${literal} is not a public address`)
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest
    const agent = target.protocol === 'https:' ? agents['https:'] : agents['http:']
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = send(target, { method: 'POST', headers, agent, signal }, resolve)
      request.on('error', reject)
      request.end(body)
    })
    let size = 0
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.byteLength
      if (size > DRAIN_LIMIT) break // leaving the loop destroys the response and its socket
    }
    return response.statusCode ?? 0
  }
  return {
    post,
    close() {
      agents['http:'].destroy()
      agents['https:'].destroy()
    },
  }
}
