/**
 * Calls to the audit API (Invoance's, or the reference ledger) with the API key, and the
 * mapping of whatever comes back to the proxy's own `{error, message}` answers. The key never
 * leaves this file: it is not in any response, header or message the browser can see.
 */
import { HttpError } from '../http/http-error.js'

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
      throw new TypeError('upstream.baseUrl must be the audit API’s http(s) origin, e.g. https://api.invoance.com')
    }
    if (!options.apiKey) throw new TypeError('upstream.apiKey is required (an API key with audit:read)')
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis)
    this.timeoutMs = options.timeoutMs ?? 10_000
  }

  /** Call `path` (starting with `/v1/`); resolves for any 2xx, throws an {@link HttpError} otherwise. */
  async call(
    path: string,
    init: { method?: string; json?: unknown; signal?: AbortSignal } = {},
  ): Promise<UpstreamResponse> {
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
    throw this.mapError(sent.response.status, sent.response.headers, text)
  }

  /** Fetch a presigned upstream URL (no API key: the signature is the credential). */
  async download(url: string, signal?: AbortSignal): Promise<Response> {
    if (!url.startsWith(this.baseUrl + '/')) {
      throw new HttpError(502, 'bad_gateway', 'The audit API returned a download link elsewhere.')
    }
    const sent = await this.send(url, signal ? { signal } : {}, false)
    // A file may take longer than the deadline to stream: the deadline is for the upstream to answer.
    sent.done()
    if (!sent.response.ok) throw this.mapError(sent.response.status, sent.response.headers, await sent.response.text())
    return sent.response
  }

  private async send(
    url: string,
    init: { method?: string; json?: unknown; signal?: AbortSignal },
    withKey: boolean,
  ): Promise<{ response: Response; done: () => void; timedOut: () => boolean }> {
    const deadline = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      deadline.abort()
    }, this.timeoutMs)
    const done = () => clearTimeout(timer)
    const signal = init.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal
    const headers: Record<string, string> = { accept: 'application/json' }
    if (withKey) headers.authorization = `Bearer ${this.options.apiKey}`
    if (init.json !== undefined) headers['content-type'] = 'application/json'
    try {
      const response = await this.fetch(url, {
        method: init.method ?? 'GET',
        headers,
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
        signal,
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

  private mapError(status: number, headers: Headers, text: string): HttpError {
    if (status === 401 || status === 403) {
      // Our key was refused: the browser's token is fine, so never answer 401 (it would refresh in a loop).
      return new HttpError(
        502,
        'bad_gateway',
        'The audit API refused the proxy’s credentials; the host must check upstream.apiKey.',
      )
    }
    if (status === 429) {
      const retryAfter = headers.get('retry-after')
      return new HttpError(
        429,
        'rate_limited',
        'The audit API is rate limiting; retry shortly.',
        retryAfter ? { 'retry-after': retryAfter } : {},
      )
    }
    if (status >= 500 || ![400, 404, 409, 413].includes(status)) {
      return new HttpError(502, 'bad_gateway', `The audit API failed (HTTP ${status}); try again shortly.`)
    }
    const code =
      status === 404
        ? 'not_found'
        : status === 409
          ? 'conflict'
          : status === 413
            ? 'payload_too_large'
            : 'invalid_request'
    return new HttpError(status, code, this.scrub(upstreamMessage(text) ?? `The audit API answered HTTP ${status}.`))
  }

  /** Belt and braces: no message ever carries the key, whatever the upstream put in it. */
  private scrub(message: string): string {
    return message.split(this.options.apiKey).join('[redacted]').slice(0, 500)
  }
}

function upstreamMessage(text: string): string | null {
  try {
    const body = JSON.parse(text) as { message?: unknown }
    return typeof body.message === 'string' ? body.message : null
  } catch {
    return null
  }
}
