/**
 * The reference ledger's portal settings: where the viewer lives (the `url` a portal session
 * answers with), who issues the log (the `issuer` of `GET /portal/org`), which browser origins
 * may call the portal API (CORS), and the exchange rate limit. Checked once, at construction,
 * so a typo fails `auditlens serve` at start rather than a browser later.
 */

export interface PortalIssuerOptions {
  /** Shown by the viewer as the log's issuer (default `auditlens reference ledger`). */
  name?: string
  /** An https (or http) URL of the issuer's logo (default none). */
  logoUrl?: string | null
  /** Whether the viewer may show the issuer's domain as verified (default `false`: nothing verified it). */
  domainVerified?: boolean
}

export interface PortalOptions {
  /**
   * The viewer page a portal session's `url` points to, e.g. `https://app.example/audit`; the
   * one-time token goes in its query (`?token=...`), where Invoance's viewer reads it. Default
   * none: `url` is `null`.
   */
  url?: string | null
  /**
   * Origins allowed to call `/v1/audit/portal/*` from a browser: exact origins
   * (`https://app.example`) or `*` (the default). An empty list turns CORS off.
   */
  corsOrigins?: readonly string[]
  issuer?: PortalIssuerOptions
  /**
   * Exchanges per client address: up to `burst` at once, refilled at `perMinute` (default 30
   * and 30). `null` turns the limit off.
   */
  exchangeRateLimit?: { burst: number; perMinute: number } | null
}

/** The issuer block of Invoance's viewer `Brand` (invoance-audit-viewer `src/types.ts`). */
export interface PortalIssuer {
  name: string
  logo_url: string | null
  domain_verified: boolean
}

export interface PortalConfig {
  viewerUrl: string | null
  corsOrigins: readonly string[]
  issuer: PortalIssuer
  exchangeRateLimit: { burst: number; perMinute: number } | null
}

export const DEFAULT_ISSUER_NAME = 'auditlens reference ledger'

/** Validated settings with their defaults; a TypeError names the setting that is wrong. */
export function portalConfig(options: PortalOptions = {}): PortalConfig {
  const viewerUrl = options.url ?? null
  if (viewerUrl !== null) {
    const url = httpUrl(viewerUrl, 'portal url')
    if (url.hash !== '') throw new TypeError('The portal url must not have a #fragment: the token goes there.')
  }
  const corsOrigins = options.corsOrigins ?? ['*']
  for (const origin of corsOrigins) {
    if (origin !== '*' && !isOrigin(origin))
      throw new TypeError(`CORS origin "${origin}" must be * or scheme://host[:port], with no path or trailing /.`)
  }
  const name = options.issuer?.name ?? DEFAULT_ISSUER_NAME
  if (name.length < 1 || name.length > 256) throw new TypeError('The issuer name must be 1 to 256 characters.')
  const logoUrl = options.issuer?.logoUrl ?? null
  if (logoUrl !== null) httpUrl(logoUrl, 'issuer logo url')
  const limit = options.exchangeRateLimit === undefined ? { burst: 30, perMinute: 30 } : options.exchangeRateLimit
  if (limit !== null && !(positiveInteger(limit.burst) && positiveInteger(limit.perMinute)))
    throw new TypeError('The exchange rate limit needs a positive integer burst and perMinute.')
  return {
    viewerUrl,
    corsOrigins,
    issuer: { name, logo_url: logoUrl, domain_verified: options.issuer?.domainVerified ?? false },
    exchangeRateLimit: limit,
  }
}

/**
 * The link a portal session answers with: the viewer URL with the one-time token as `?token=`,
 * because that is where Invoance's viewer reads it (invoance-audit-viewer
 * `src/AuditLogViewer.tsx`, `new URLSearchParams(window.location.search).get("token")`). A
 * fragment would keep it out of access logs, but the viewer would not find it; what bounds the
 * exposure instead is that the token works once, and only for `link_duration_seconds`.
 */
export function viewerLink(config: PortalConfig, token: string): string | null {
  if (config.viewerUrl === null) return null
  const url = new URL(config.viewerUrl)
  url.searchParams.set('token', token)
  return url.href
}

/** Whether `text` is exactly a serialised origin (RFC 6454 6.2), the form browsers send in `Origin`. */
export function isOrigin(text: string): boolean {
  try {
    const url = new URL(text)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text
  } catch {
    return false
  }
}

function httpUrl(text: string, what: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new TypeError(`The ${what} "${text}" is not an absolute URL.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`The ${what} must be http(s).`)
  return url
}

const positiveInteger = (n: number) => Number.isSafeInteger(n) && n > 0
