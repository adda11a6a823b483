/**
 * A log's first page, requested while its view first renders (`LogModel.prefetch`), before
 * React commits and runs the effect that starts the model. React StrictMode calls a
 * `useState` initializer twice and keeps one result, so two models of the same client and
 * query may ask at once: they share one request here, the way the token manager shares a
 * token request. The request is forgotten once it settles, so a later log never gets a page
 * from an earlier one; the model that asked holds it until its store has shown it.
 */
import { eventsQuery, type AuditClient, type EventPage, type EventsQuery } from './client.js'

const inFlight = new WeakMap<AuditClient, { query: string; page: Promise<EventPage> }>()

/** The first page for `query`: the request in flight for the same client and query, or a new one. */
export function requestEarlyPage(client: AuditClient, query: EventsQuery): Promise<EventPage> {
  const key = eventsQuery(query)
  const held = inFlight.get(client)
  if (held?.query === key) return held.page
  const page = client.listEvents(query)
  const entry = { query: key, page }
  inFlight.set(client, entry)
  const forget = () => {
    if (inFlight.get(client) === entry) inFlight.delete(client)
  }
  // The store that takes the page reports a failure; this copy only forgets it.
  page.then(forget, forget)
  return page
}
