/**
 * Whether a `POST /token` comes from a page of this site. The token comes back in the
 * response body, which the browser only lets this site's pages read; this check is the
 * server-side half (OWASP CSRF Prevention Cheat Sheet: "Verifying Origin with standard
 * headers" and "Fetch Metadata headers"), so a misconfigured CORS layer in front, or a
 * sibling subdomain, never gets tokens minted for it.
 *
 * The rule, in order:
 * 1. `Sec-Fetch-Site` present: only `same-origin` passes. Browsers set it from the origin they
 *    really used, and page script cannot set or change it (Fetch Metadata, W3C), so it holds
 *    behind any proxy or framework that rewrites `Host` or `request.url`.
 * 2. No `Origin` either: not a browser's fetch (curl, a server); `authorize` alone decides.
 * 3. `Origin` is `publicOrigin` or one of `allowedOrigins`: passes.
 * 4. `Origin`'s host is a host this request was sent to: the host of `request.url`, the
 *    `Host` header (Next.js gives route handlers a `localhost` URL but the browser's `Host`),
 *    or, with `trustForwardedHeaders`, the last `X-Forwarded-Host`. Compared by host, not
 *    scheme: behind a TLS-terminating load balancer the request arrives as http while the
 *    page says https.
 * Anything else is a 403 that names the Origin seen, the hosts compared, and the options
 * that fix it.
 */
import { HttpError } from '../protocol/errors.js'
import { originOf, type ProxySettings } from './options.js'

/** A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing else is echoed. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/

/** The hosts `request` was sent to, as far as this proxy can tell, most direct first. */
function ownHosts(request: Request, trustForwarded: boolean): string[] {
  const candidates = [new URL(request.url).host, request.headers.get('host')]
  if (trustForwarded) candidates.push(request.headers.get('x-forwarded-host')?.split(',').at(-1)?.trim() ?? null)
  const hosts: string[] = []
  for (const host of candidates) {
    const normal = host?.toLowerCase()
    if (normal && HOST.test(normal) && !hosts.includes(normal)) hosts.push(normal)
  }
  return hosts
}

/** Throw a 403 unless `request` comes from a page of this site (see the rule above). */
export function checkTokenOrigin(
  request: Request,
  settings: Pick<ProxySettings, 'publicOrigin' | 'allowedOrigins'>,
  trustForwarded: boolean,
): void {
  const site = request.headers.get('sec-fetch-site')
  if (site !== null) {
    if (site === 'same-origin') return
    throw new HttpError(
      403,
      'forbidden',
      `Tokens are only issued to pages of this site, and the browser says this request is ${
        /^[a-z-]{1,20}$/.test(site) ? site : 'not same-origin'
      } (Sec-Fetch-Site).`,
    )
  }
  const origin = request.headers.get('origin')
  if (origin === null) return
  const seen = originOf(origin)
  if (seen !== null && (seen === settings.publicOrigin || settings.allowedOrigins.has(seen))) return
  const hosts = ownHosts(request, trustForwarded)
  if (seen !== null && hosts.includes(new URL(seen).host)) return
  // Only the parsed origin is echoed (a URL's normal form, no path), never the raw header.
  const shown = seen === null ? 'an Origin that is not an http(s) origin' : `Origin ${seen.slice(0, 300)}`
  throw new HttpError(
    403,
    'forbidden',
    `Tokens are only issued to pages of this site: ${shown} does not match the host this request was sent to ` +
      `(${hosts.join(' or ') || 'unknown'}). If pages at that origin are yours, set the proxy's publicOrigin to it ` +
      `or add it to allowedOrigins; behind a proxy that sets X-Forwarded-Host, set trustForwardedHeaders.`,
  )
}
