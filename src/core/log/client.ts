/**
 * `createAuditClient`: the browser's way to the audit log, through the host's token proxy.
 * Retries what can succeed on a second try (network errors, 429, 5xx) with exponential
 * backoff and jitter, honours Retry-After, refreshes the token once on a 401, and parses
 * every response losslessly so verification sees exact numbers.
 */
import { parseAuditJson, type AuditJsonValue } from '../json/lossless-json.js'
import { parseKeysDocument, type TrustedKeyInput } from '../verify/key-ring.js'
import type { AuditEvent } from '../types.js'
import { filtersToBody, filtersToQuery, type AuditFilters } from '../../protocol/filters.js'
import { bytesToHex } from '../verify/hex.js'
import { abortError, AuditError, isAbort } from './audit-error.js'
import { platform, type Platform } from './platform.js'
import { createTokenManager, type AuditToken, type FetchToken } from './token-manager.js'
import type { ProofCalls } from './proof-calls.js'

export interface EventPage {
  events: AuditEvent[]
  nextCursor: string | null
}

export type ExportFormat = 'csv' | 'ndjson'

/** The query of a page of events: filters, page size, and the cursor of the page before. */
export type EventsQuery = AuditFilters & { limit?: number; cursor?: string | null }

/** The `/events` query string for `query`, in the proxy's names: one writer for the browser and the server. */
export function eventsQuery(query: EventsQuery): string {
  const params = filtersToQuery(query)
  if (query.limit !== undefined) params.set('limit', String(query.limit))
  if (query.cursor) params.set('cursor', query.cursor)
  return `${params}`
}

/** An export job as the proxy reports it. */
export interface ExportInfo {
  id: string
  format: ExportFormat
  status: 'queued' | 'running' | 'ready' | 'failed'
  rowCount: number
  error: string | null
  downloadUrl: string | null
  expiresAt: string | null
}

export interface RetryOptions {
  /** Tries in all, the first included (default 4). */
  attempts?: number
  /** First backoff step (default 300 ms), doubled per try, with full jitter. */
  baseDelayMs?: number
  /** Longest single wait, Retry-After included (default 10 s); a longer Retry-After fails at once. */
  maxDelayMs?: number
}

export interface AuditClientOptions extends Partial<Platform> {
  /** Where the token proxy is mounted (default `/api/audit`). */
  baseUrl?: string
  /** Get a token from the host's backend (default: `POST {baseUrl}/token` with the page's cookies). */
  fetchToken?: FetchToken
  retry?: RetryOptions
}

export interface CallOptions {
  signal?: AbortSignal
}

/** `getCheckpoint`, `getConsistency` and `getInclusion` are in {@link ProofCalls}. */
export interface AuditClient extends ProofCalls {
  listEvents(query: EventsQuery, options?: CallOptions): Promise<EventPage>
  /**
   * Hold `token`, valid until `expiresAt` (ms), as if the token endpoint had just answered it:
   * one the host's server minted for this page (`<AuditLog initialData>`). A token held already
   * stays, and `token` is then refused (false) unless it is for the same org. Optional for
   * clients of your own.
   */
  holdToken?(token: AuditToken, expiresAt: number): boolean
  getEvent(id: string, options?: CallOptions): Promise<AuditEvent>
  createExport(request: { format: ExportFormat; filters?: AuditFilters }, options?: CallOptions): Promise<ExportInfo>
  getExport(id: string, options?: CallOptions): Promise<ExportInfo>
  /** The keys to pin, as the proxy publishes them. */
  getKeys(options?: CallOptions): Promise<TrustedKeyInput[]>
  /**
   * The org's newest prune marker as served (unverified: pass it to `verifyPruneMarker`), or
   * null when nothing was pruned or the service has no markers (an auditlens extension).
   */
  getPruneMarker(options?: CallOptions): Promise<unknown>
  /** The current token (fetching one if needed): its `scopes` tell whether export is allowed. */
  token(options?: CallOptions): Promise<AuditToken>
  /** Time source shared with stores built on this client. */
  readonly platform: Platform
}

const sessionEnded = () =>
  new AuditError('session-expired', 'Your session has ended; sign in again to see the audit log.', { status: 401 })

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 section 10.2.3). */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined
  if (/^\d+$/.test(header.trim())) return Number(header) * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * Events must belong to the org of the token they were fetched with (the `org_id` the token
 * endpoint returned). The proxy already scopes every call to that org; this is the check
 * behind it, so a misrouted or compromised upstream cannot put another org's events on screen.
 * A mismatch is an error, never rows.
 */
export function ownEvent(event: unknown, token: AuditToken): AuditEvent {
  const org = (event as { org_id?: unknown } | null)?.org_id
  if (token.org_id !== undefined && org !== token.org_id)
    throw new AuditError('upstream', 'The audit service answered with an event of another organization.', {
      retryable: false,
    })
  return event as AuditEvent
}

/** A page as the API answers it, each event checked against the token's org. */
export function decodePage(body: AuditJsonValue, token: AuditToken): EventPage {
  const page = body as { events?: unknown; next_cursor?: unknown }
  if (!Array.isArray(page?.events)) throw new AuditError('upstream', 'The event page had no events list.')
  return {
    events: page.events.map((event) => ownEvent(event, token)),
    nextCursor: typeof page.next_cursor === 'string' ? page.next_cursor : null,
  }
}

export function createAuditClient(options: AuditClientOptions = {}): AuditClient {
  const env = platform(options)
  const baseUrl = (options.baseUrl ?? '/api/audit').replace(/\/+$/, '')
  const attempts = Math.max(1, options.retry?.attempts ?? 4)
  const baseDelay = options.retry?.baseDelayMs ?? 300
  const maxDelay = options.retry?.maxDelayMs ?? 10_000
  /** Where the proxy answers: download links must stay on it. */
  const proxyOrigin = new URL(baseUrl, globalThis.location?.href ?? 'http://localhost').origin

  const defaultFetchToken: FetchToken = async (signal) => {
    let response: Response
    try {
      response = await env.fetch(`${baseUrl}/token`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
        ...(signal ? { signal } : {}),
      })
    } catch (error) {
      throw new AuditError('network', 'Could not reach the audit service for a token.', { cause: error })
    }
    const text = await response.text()
    if (response.status === 401) throw sessionEnded()
    if (!response.ok) throw AuditError.fromResponse(response.status, text)
    return JSON.parse(text) as AuditToken
  }
  const tokens = createTokenManager(options.fetchToken ?? defaultFetchToken, env.now)

  /** The parsed answer to a call, and the token it was made with. */
  async function request(
    path: string,
    init: { method?: string; json?: unknown; signal?: AbortSignal; headers?: Record<string, string> } = {},
  ): Promise<[AuditJsonValue, AuditToken]> {
    const { signal } = init
    let refreshed = false
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortError(signal)
      let failure: AuditError
      let token = ''
      try {
        const held = await tokens.get(signal)
        token = held.token
        const response = await env.fetch(baseUrl + path, {
          method: init.method ?? 'GET',
          headers: {
            ...init.headers,
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
          ...(signal ? { signal } : {}),
        })
        const text = await response.text()
        if (response.ok) {
          try {
            return [parseAuditJson(text), held]
          } catch (error) {
            throw new AuditError('upstream', 'The audit service answered with something that is not JSON.', {
              cause: error,
              retryable: false,
            })
          }
        }
        if (response.status === 401) {
          tokens.invalidate(token)
          if (refreshed) throw sessionEnded()
          refreshed = true
          attempt-- // a token refresh is not a retry
          continue
        }
        failure = AuditError.fromResponse(
          response.status,
          text,
          retryAfterMs(response.headers.get('retry-after'), env.now()),
        )
      } catch (error) {
        if (signal?.aborted || isAbort(error)) throw abortError(signal)
        // Our own verdicts (session expired, not JSON) stand; whatever may pass on a second try,
        // a token endpoint's 503 or 429 included, is retried like any other call.
        if (error instanceof AuditError && !error.retryable) throw error
        failure = AuditError.from(error, 'Could not reach the audit service; check your connection.')
      }
      if (!failure.retryable || attempt >= attempts) throw failure
      const backoff = Math.min(maxDelay, baseDelay * 2 ** (attempt - 1)) * env.random()
      const wait = failure.retryAfterMs ?? backoff
      if (wait > maxDelay) throw failure
      await env.sleep(wait, signal)
    }
  }

  /** The proof calls (issue 14), loaded on the first one: first rows never wait for them. */
  const proofs = () =>
    import('./proof-calls.js').then(({ proofCalls }) =>
      proofCalls(async (path, { signal }) => (await request(path, { signal }))[0], AuditError),
    )
  /** The export, key and prune-marker calls, likewise loaded on the first one. */
  const calls = () =>
    import('./export-key-calls.js').then(({ exportKeyCalls }) =>
      exportKeyCalls(
        async (path, init) => (await request(path, init))[0],
        { Errors: AuditError, parseKeysDocument, filtersToBody, bytesToHex },
        proxyOrigin,
      ),
    )

  return {
    platform: env,
    async listEvents(query, { signal } = {}) {
      return decodePage(...(await request(`/events?${eventsQuery(query)}`, { signal })))
    },
    holdToken: (token, expiresAt) => tokens.hold(token, expiresAt),
    async getEvent(id, { signal } = {}) {
      const event = ownEvent(...(await request(`/events/${encodeURIComponent(id)}`, { signal })))
      // A deep link names one event; another one shown in its place would mislead as much.
      if (event.id !== id)
        throw new AuditError('upstream', 'The audit service answered with another event.', { retryable: false })
      return event
    },
    createExport: (request, options) => calls().then((all) => all.createExport(request, options)),
    getExport: (id, options) => calls().then((all) => all.getExport(id, options)),
    getKeys: (options) => calls().then((all) => all.getKeys(options)),
    getPruneMarker: (options) => calls().then((all) => all.getPruneMarker(options)),
    getCheckpoint: (options) => proofs().then((calls) => calls.getCheckpoint(options)),
    getConsistency: (first, second, options) => proofs().then((calls) => calls.getConsistency(first, second, options)),
    getInclusion: (eventId, size, options) => proofs().then((calls) => calls.getInclusion(eventId, size, options)),
    token({ signal } = {}) {
      return tokens.get(signal)
    },
  }
}
