/**
 * Calls to the audit API (Invoance's, or the reference ledger) with the API key, and the
 * mapping of whatever comes back to the proxy's own `{error, message}` answers. The key never
 * leaves this file, and no upstream message text or header is relayed, so an upstream that
 * echoes the key cannot leak it either.
 */
import { parseAuditJson, type AuditJsonValue } from '../core/index.js'
import { HttpError, type HttpErrorCode } from '../protocol/errors.js'
import { decodeKeysDocument, type KeyInfo } from '../protocol/keys.js'
import { ProxyConfigError } from './options.js'

export interface UpstreamOptions {
  /** The audit API's origin, e.g. `https://api.invoance.com` or `http://127.0.0.1:8787`. */
  baseUrl: string
  /** An API key with `audit:read` (the proxy never writes events). */
  apiKey: string
  /** Give up on the audit API after this long (default 10 s): 504. */
  timeoutMs?: number
  /** The fetch to call it with (default `globalThis.fetch`). */
  fetch?: typeof fetch
}

/** One call to the audit API; `headers` are the proxy's own (an Idempotency-Key), never the browser's. */
interface UpstreamInit {
  method?: string
  json?: unknown
  headers?: Record<string, string>
  signal?: AbortSignal
}

export interface UpstreamResponse {
  status: number
  headers: Headers
  text: string
}

export class Upstream {
  private readonly baseUrl: string
  private readonly fetch: typeof fetch
  private readonly timeoutMs: number

  constructor(private readonly options: UpstreamOptions) {
    if (!options?.baseUrl || !/^https?:\/\//.test(options.baseUrl)) {
      throw new ProxyConfigError(
        'upstream.baseUrl must be the audit API’s http(s) origin, e.g. https://api.invoance.com',
      )
    }
    if (!options.apiKey) throw new ProxyConfigError('upstream.apiKey is required (an API key with audit:read)')
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis)
    this.timeoutMs = options.timeoutMs ?? 10_000
  }

  /** Call `path` (starting with `/v1/`); resolves for any 2xx, throws an {@link HttpError} otherwise. */
  async call(path: string, init: UpstreamInit = {}): Promise<UpstreamResponse> {
    const sent = await this.send(this.baseUrl + path, init, true)
    let text: string
    try {
      // The deadline covers the body too: an upstream that stalls mid-answer is a 504, not a hang.
      text = await sent.response.text()
    } catch (error) {
      throw this.failure(error, init.signal, sent.timedOut())
    } finally {
      sent.done()
    }
    if (sent.response.ok) return { status: sent.response.status, headers: sent.response.headers, text }
    throw this.mapError(sent.response.status, sent.response.headers)
  }

  /**
   * `url` if it is on the audit API's own origin, else a 502: a presigned link elsewhere would
   * make the proxy fetch, or send the browser to, wherever the upstream says.
   */
  checkDownloadUrl(url: string): string {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new HttpError(502, 'bad_gateway', 'The audit API returned a download link elsewhere.')
    }
    if (parsed.origin !== new URL(this.baseUrl).origin || !url.startsWith(this.baseUrl + '/')) {
      throw new HttpError(502, 'bad_gateway', 'The audit API returned a download link elsewhere.')
    }
    return parsed.href
  }

  /** Fetch a presigned upstream URL (no API key: the signature is the credential). */
  async download(url: string, signal?: AbortSignal): Promise<Response> {
    url = this.checkDownloadUrl(url)
    const sent = await this.send(url, signal ? { signal } : {}, false)
    // A file may take longer than the deadline to stream: the deadline is for the upstream to answer.
    sent.done()
    if (!sent.response.ok) {
      await sent.response.body?.cancel().catch(() => {})
      throw this.mapError(sent.response.status, sent.response.headers)
    }
    return sent.response
  }

  private async send(
    url: string,
    init: UpstreamInit,
    withKey: boolean,
  ): Promise<{ response: Response; done: () => void; timedOut: () => boolean }> {
    const deadline = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      deadline.abort()
    }, this.timeoutMs)
    const done = () => clearTimeout(timer)
    followAbort(init.signal, deadline)
    const headers: Record<string, string> = { ...init.headers, accept: 'application/json' }
    if (withKey) headers.authorization = `Bearer ${this.options.apiKey}`
    if (init.json !== undefined) headers['content-type'] = 'application/json'
    try {
      const response = await this.fetch(url, {
        method: init.method ?? 'GET',
        headers,
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
        signal: deadline.signal,
        redirect: 'manual',
      })
      return { response, done, timedOut: () => timedOut }
    } catch (error) {
      done()
      throw this.failure(error, init.signal, timedOut)
    }
  }

  /** What a failed exchange with the upstream means for our caller. */
  private failure(error: unknown, callerSignal: AbortSignal | undefined, timedOut: boolean): unknown {
    if (timedOut) {
      return new HttpError(
        504,
        'gateway_timeout',
        `The audit API did not answer within ${this.timeoutMs / 1000} s; try again.`,
      )
    }
    if (callerSignal?.aborted) return error // the browser went away; nobody to answer
    return new HttpError(502, 'bad_gateway', 'The audit API could not be reached; try again shortly.')
  }

  /**
   * Our own answer for an upstream failure, chosen by status alone. Nothing of the upstream's
   * body or headers reaches the browser: a message can echo the API key in any encoding
   * (base64, percent-encoded, upper-case), so scrubbing cannot be complete; not relaying is
   * (OWASP Error Handling Cheat Sheet: generic messages to the client).
   */
  private mapError(status: number, headers: Headers): HttpError {
    if (status === 401 || status === 403) {
      // Our key was refused: the browser's token is fine, so never answer 401 (it would refresh in a loop).
      return new HttpError(
        502,
        'bad_gateway',
        'The audit API refused the proxy’s credentials; the host must check upstream.apiKey.',
      )
    }
    if (status === 429) {
      return new HttpError(429, 'rate_limited', 'The audit API is rate limiting; retry shortly.', {
        'retry-after': String(retryAfterSeconds(headers.get('retry-after'))),
      })
    }
    const mapped = UPSTREAM_CLIENT_ERRORS[status]
    if (mapped) return new HttpError(status, mapped.code, mapped.message)
    return new HttpError(502, 'bad_gateway', `The audit API failed (HTTP ${status}); try again shortly.`)
  }
}

/**
 * Abort `controller` when `signal` aborts: what `AbortSignal.any` does, which edge runtimes
 * (Next.js's, Vercel's) lack. The listener stays for the signal's life, so a streamed download
 * still stops when the browser goes away after the deadline timer was cleared; a request's
 * signal lives as long as the request.
 */
function followAbort(signal: AbortSignal | undefined, controller: AbortController): void {
  if (!signal) return
  if (signal.aborted) controller.abort(signal.reason)
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
}

/** Upstream 4xx answers the browser may act on, each with our own fixed message. */
const UPSTREAM_CLIENT_ERRORS: Readonly<Record<number, { code: HttpErrorCode; message: string }>> = {
  400: { code: 'invalid_request', message: 'The audit API refused this request as invalid.' },
  404: { code: 'not_found', message: 'The audit API has no such item.' },
  409: {
    code: 'conflict',
    message: 'The audit API refused this request as a conflict with an earlier one; start again.',
  },
  413: { code: 'payload_too_large', message: 'This request is too large for the audit API.' },
}

/**
 * Seconds to wait, from the upstream's Retry-After read as delta-seconds only and clamped to
 * 1 s to 1 h: a number we write ourselves, never the upstream's text (an HTTP date or
 * anything else becomes 5 s).
 */
function retryAfterSeconds(header: string | null): number {
  const text = header?.trim() ?? ''
  if (!/^\d{1,10}$/.test(text)) return 5
  return Math.min(3600, Math.max(1, Number(text)))
}

/** The upstream's answer as lossless JSON, or a 502 that says nothing of what it was. */
export function parseUpstreamJson(text: string): AuditJsonValue {
  try {
    return parseAuditJson(text)
  } catch {
    throw new HttpError(502, 'bad_gateway', 'The audit API answered with something that is not JSON.')
  }
}

/**
 * The upstream's keys document, decoded, or a 502: the browser pins what this serves, so
 * nothing else of the upstream's answer is kept.
 */
export function decodeKeyList(value: AuditJsonValue): KeyInfo[] {
  const keys = decodeKeysDocument(value)
  if (keys === null)
    throw new HttpError(502, 'bad_gateway', 'The audit API answered with a key list that makes no sense.')
  return keys
}
