/**
 * Short-lived tokens for the browser: fetched from the host's backend through a callback (the
 * page never sees an API key), one request at a time however many calls wait, refreshed in the
 * background once 80% of their lifetime has passed.
 */
import { abortError, AuditError } from './audit-error.js'

/** What the host's token endpoint returns (`POST {baseUrl}/token` by default). */
export interface AuditToken {
  token: string
  /** RFC 3339 instant. */
  expires_at: string
  /**
   * The org the token is for. When given (the proxy's token endpoint always gives it), the
   * client refuses any event of another org as an upstream error; a custom `fetchToken` should
   * return it too.
   */
  org_id?: string
  scopes?: string[]
}

export type FetchToken = (signal?: AbortSignal) => Promise<AuditToken>

interface Held {
  value: AuditToken
  receivedAt: number
  expiresAt: number
}

/** Fraction of a token's lifetime after which a fresh one is fetched in the background. */
const REFRESH_AT = 0.8

export interface TokenManager {
  /** A token that is valid now. Concurrent callers share one request. */
  get(signal?: AbortSignal): Promise<AuditToken>
  /** Drop `token` (the server refused it) so the next `get` fetches a new one. */
  invalidate(token: string): void
  /**
   * Hold `value`, valid until `expiresAt`, as if just fetched: a token the host's server minted
   * for the page (its caller, `adoptInitialPage`, decodes it). A token held already stays, and
   * `value` is then refused unless it is for the same org; one on its way replaces it.
   */
  hold(value: AuditToken, expiresAt: number): boolean
}

/**
 * When a token endpoint's answer expires (epoch ms), or `NaN` when it is not a
 * `{token, expires_at}` answer: the one check for the client's token endpoint and a page's
 * token handed over by the host's server.
 */
export const tokenExpiry = (value: Partial<AuditToken> | null | undefined): number =>
  typeof value?.token === 'string' ? Date.parse(value.expires_at as string) : NaN

/**
 * The manager as a closure rather than a class: its state minifies to one-letter names, which
 * keeps `auditlens/core` inside its 16 kB budget (see BENCHMARKS.md).
 */
export function createTokenManager(fetchToken: FetchToken, now: () => number): TokenManager {
  let held: Held | null = null
  let inflight: Promise<Held> | null = null
  const keep = (value: AuditToken, expiresAt: number) => (held = { value, receivedAt: now(), expiresAt })
  const refresh = () =>
    (inflight ??= fetchToken()
      .then((value) => {
        const expiresAt = tokenExpiry(value)
        if (!Number.isFinite(expiresAt)) {
          throw new AuditError('upstream', 'The token endpoint answered without { token, expires_at }.')
        }
        return keep(value, expiresAt)
      })
      .finally(() => {
        inflight = null
      }))
  return {
    async get(signal) {
      const current = held
      const at = now()
      if (current && at < current.expiresAt) {
        if (at >= current.receivedAt + (current.expiresAt - current.receivedAt) * REFRESH_AT) {
          refresh().catch(() => {}) // in the background; the current token is still good
        }
        return current.value
      }
      return (await withSignal(refresh(), signal)).value
    },
    invalidate(token) {
      if (held?.value.token === token) held = null
    },
    hold: (value, expiresAt) => (held ? held.value.org_id === value.org_id : !!keep(value, expiresAt)),
  }
}

/** Let one caller stop waiting without cancelling work others share. */
function withSignal<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal))
    if (signal.aborted) onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
