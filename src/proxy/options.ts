/**
 * The token proxy's options, and their check: everything the host configures is validated
 * here, once, into the settings the handler runs on.
 */
import type { KeyInfo } from '../protocol/keys.js'
import type { RateLimitOptions } from './rate-limit.js'
import type { UpstreamOptions } from './upstream.js'

/** What the host's `authorize` says about the signed-in user, or `null` when there is none. */
export interface ProxyGrant {
  /** The audit API's org id (`aorg_…`) this user may see. */
  orgId: string
  /** The user's id in the host app, recorded in the token as `sub`. */
  subject: string
  /** `audit:read` to browse and verify; `audit:export` to export too. Others are ignored. */
  scopes: readonly string[]
}

/** A key the proxy serves from `GET /keys`: the keys document's entry (src/protocol/keys.ts). */
export type AuditKeyInfo = KeyInfo

export interface AuditProxyOptions {
  upstream: UpstreamOptions
  /** The host's own session check (its cookie, say). Return `null` when nobody is signed in. */
  authorize: (request: Request) => ProxyGrant | null | Promise<ProxyGrant | null>
  /** Signs tokens, seals export handles and download links: at least 32 bytes of secret. */
  secret: string | Uint8Array
  /** Where the proxy is mounted (default `/api/audit`). */
  basePath?: string
  /** Browser token lifetime in seconds (default 300, at most 900). */
  tokenTtlSeconds?: number
  /**
   * Keys the browser pins. If omitted, the upstream's `GET /v1/audit/keys` is fetched and
   * cached: convenient, but then a compromised upstream could hand out its own key. Pinning
   * keys here (from config, out of band) is the stronger choice.
   */
  trustedKeys?: readonly AuditKeyInfo[]
  /** How long fetched keys are cached (default 300 s). */
  keysCacheSeconds?: number
  /**
   * `stream` (default) pipes export files through the proxy, served as an attachment of the
   * export's own type with `nosniff` and a sandboxing CSP, whatever the upstream's file says.
   * `redirect` sends the browser to the upstream's presigned URL (on the upstream's origin
   * only): the browser then holds that URL, a credential for the file until it expires, and
   * gets the file with the upstream's own headers, so the upstream must serve it safely.
   */
  downloads?: 'redirect' | 'stream'
  /** Requests per signed-in user, token minting included (default burst 60, 20/s); `false` turns it off. */
  rateLimit?: RateLimitOptions | false
  /**
   * The origin the browser uses for this site (`https://app.example.com`), where the
   * framework's `request.url` says something else (Next.js under `next start` says
   * `localhost`). Pages of this origin may mint tokens, and export download links become
   * absolute on it; without it they are relative to the mount (`/api/audit/exports/…`).
   */
  publicOrigin?: string
  /**
   * More origins whose pages may mint tokens (`http://localhost:5173` for a dev server that
   * proxies with a rewritten `Host`, in a browser that sends no `Sec-Fetch-Site`).
   */
  allowedOrigins?: readonly string[]
  /**
   * Count `X-Forwarded-Host` (its last value, the one the nearest proxy added) as a host this
   * request was sent to when checking a page's Origin. Turn it on only when a proxy in front
   * sets it, since any client can send it (default `false`).
   */
  trustForwardedHeaders?: boolean
  /**
   * The query parameter a framework adds for the route's catch-all segment (default `path`,
   * for Next.js's `app/api/audit/[...path]/route.ts`, which appends `?path=events` in the
   * edge runtime). It is ignored, only when its values are segments of the request's own
   * path; every other unknown parameter is still a 400.
   */
  catchAllParam?: string
  /** The current time in epoch ms (default `Date.now`). */
  now?: () => number
}

/**
 * An option that cannot work. A lazily configured proxy answers it as a 500 naming the
 * option (never its value), so a missing secret shows up on the first request, not in a build.
 */
export class ProxyConfigError extends TypeError {
  override name = 'ProxyConfigError'
}

/** The checked settings the handler runs on. */
export interface ProxySettings {
  secret: Uint8Array
  ttl: number
  basePath: string
  publicOrigin: string | null
  allowedOrigins: ReadonlySet<string>
  catchAllParam: string
}

/** `text` as an http(s) origin (`scheme://host[:port]`), or `null` if it is anything else. */
export function originOf(text: string): string | null {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null
  } catch {
    return null
  }
}

function configuredOrigin(text: unknown, name: string): string {
  const origin = typeof text === 'string' ? originOf(text) : null
  if (origin === null || !(text === origin || text === `${origin}/`))
    throw new ProxyConfigError(`${name} must be an http(s) origin such as https://app.example.com, with no path`)
  return origin
}

/** Check `options`, throwing a {@link ProxyConfigError} that says how to fix the first bad one. */
export function checkOptions(options: AuditProxyOptions): ProxySettings {
  if (typeof options !== 'object' || options === null) throw new ProxyConfigError('the proxy options are missing')
  const secret = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret
  if (!secret || secret.byteLength < 32) {
    throw new ProxyConfigError(
      'secret must be at least 32 bytes; generate one with `openssl rand -base64 48` and keep it in your secrets store',
    )
  }
  const ttl = options.tokenTtlSeconds ?? 300
  if (!Number.isInteger(ttl) || ttl < 30 || ttl > 900)
    throw new ProxyConfigError('tokenTtlSeconds must be an integer from 30 to 900')
  if (typeof options.authorize !== 'function')
    throw new ProxyConfigError('authorize(request) is required: it is how the proxy knows who is signed in')
  const basePath = (options.basePath ?? '/api/audit').replace(/\/+$/, '')
  if (!basePath.startsWith('/')) throw new ProxyConfigError('basePath must start with /')
  const publicOrigin =
    options.publicOrigin === undefined ? null : configuredOrigin(options.publicOrigin, 'publicOrigin')
  const allowedOrigins = new Set(
    (options.allowedOrigins ?? []).map((origin, i) => configuredOrigin(origin, `allowedOrigins[${i}]`)),
  )
  const catchAllParam = options.catchAllParam ?? 'path'
  if (!/^[A-Za-z_][\w-]*$/.test(catchAllParam))
    throw new ProxyConfigError('catchAllParam must be the name of the route’s catch-all segment, such as path')
  return { secret, ttl, basePath, publicOrigin, allowedOrigins, catchAllParam }
}
