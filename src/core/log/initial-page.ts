/**
 * A first page that the host's server fetched (`loadAuditLogInitialData` in `auditlens/server`),
 * taken by `<AuditLog initialData>` so rows render in the server's HTML and at first paint. Kept
 * out of `createAuditClient` (and so out of `auditlens/core`'s first download): only the React
 * entry, which takes the prop, carries it.
 */
import { parseAuditJson } from '../json/lossless-json.js'
import { decodePage, eventsQuery, type AuditClient, type EventPage, type EventsQuery } from './client.js'
import { firstPageQuery } from './event-store.js'
import { tokenExpiry, type AuditToken } from './token-manager.js'

export { firstPageQuery }

/**
 * What a host's server fetched so the first rows show at first paint (made by
 * `loadAuditLogInitialData` in `auditlens/server`, given to `<AuditLog initialData>`). Plain
 * data that crosses from server to browser as it is: the token is what the browser's own
 * `POST {baseUrl}/token` would have answered, the page is the proxy's answer to `GET
 * {baseUrl}/events?{query}` as JSON text (parsed in the browser, losslessly, like a fetched
 * page). Nothing else: no upstream headers, no verdicts; the browser verifies every event.
 */
export interface AuditLogInitialData {
  token: AuditToken
  /** The events query the page answers, as {@link eventsQuery} writes it. */
  query: string
  /** The proxy's answer, as JSON text. */
  page: string
}

/**
 * `data`'s page if it fits the log that asks `query` of `client`: it answers the same query
 * (filters and page size), its token names an org, every event is of that org (the check
 * `listEvents` makes), and the client holds no token of another org; the token is then held
 * for the calls that follow. Otherwise `null` with a console warning, and the log fetches its
 * first page as usual: a page that does not fit is never shown.
 */
export function adoptInitialPage(client: AuditClient, data: AuditLogInitialData, query: EventsQuery): EventPage | null {
  // Hostile until decoded, like a fetched page; and it must name its org, or nothing is checked.
  // Why not, in a word (these bytes are in the React entry's first download): 'query' (other
  // filters or page size), 'token' (no org, expired, or another org than the client holds),
  // or the decoder's error.
  let why: unknown = 'query'
  if (data?.query === eventsQuery(query)) {
    why = 'token'
    try {
      const token = data.token
      // Decoded as the client decodes its token endpoint's answer, naming an org, and still valid now.
      const expiresAt = tokenExpiry(token)
      if (typeof token?.org_id === 'string' && expiresAt > client.platform.now()) {
        const page = decodePage(parseAuditJson(String(data.page)), token)
        if (client.holdToken?.(token, expiresAt)) return page
      }
    } catch (error) {
      why = error
    }
  }
  console.warn('auditlens: <AuditLog initialData> not used:', why)
  return null
}
