/**
 * Frameworks that route a catch-all segment may add it to the query: Next.js's edge runtime
 * appends `?path=events` to `/api/audit/events`. The proxy refuses unknown query parameters
 * (that is what catches a mistyped filter before it silently widens a query), so it must tell
 * exactly that one apart.
 */

/**
 * Whether query parameter `name` is the one a framework added for the route's catch-all
 * segment: named `param` (or `nxtP<param>`, Next.js's internal prefix for route params), with
 * every value made of segments of the request's own path (`path`, below the mount).
 */
export function isCatchAll(url: URL, path: string, name: string, param: string): boolean {
  if (name !== param && name !== `nxtP${param}`) return false
  const segments = new Set(path.split('/').filter(Boolean).map(safeDecode))
  return url.searchParams.getAll(name).every((value) => value.split('/').every((part) => segments.has(part)))
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
