/**
 * Completeness endpoints (auditlens extensions, issue 14): an org's signed checkpoint, the
 * consistency proof between two of its sizes, and an event's inclusion proof, for API keys
 * and, for the session's own org, portal tokens. Proof formats are RFC 9162's, hashes base64.
 */
import { json } from '../http/http-error.js'
import type { Router } from '../http/router.js'
import { strictQuery } from '../protocol/aliases.js'
import { badRequest, notFound } from '../protocol/errors.js'
import type { Ledger } from './ledger.js'

/** A log size from the query: a whole number, or `null` when absent and allowed to be. */
function size(url: URL, name: string, required: boolean): number | null {
  for (const key of url.searchParams.keys()) {
    if (!['first', 'second', 'size'].includes(key)) throw badRequest(`${key} is not a query parameter here.`)
  }
  const text = strictQuery(url.searchParams)(name)
  if (text === null) {
    if (required) throw badRequest(`${name} is required: a log size (a whole number).`)
    return null
  }
  const value = Number(text)
  if (!/^\d{1,15}$/.test(text) || !Number.isSafeInteger(value)) throw badRequest(`${name} must be a whole number.`)
  return value
}

function consistency(ledger: Ledger, orgId: string, url: URL) {
  return json(ledger.log.consistency(orgId, size(url, 'first', true)!, size(url, 'second', true)!))
}

/** The inclusion proof of an event of `orgId` (another org's event is not found, as in the list). */
function inclusion(ledger: Ledger, orgId: string | null, eventId: string, url: URL) {
  const row = ledger.events.byId(eventId)
  if (!row || (orgId !== null && row.org_id !== orgId)) throw notFound(`No event has id "${eventId}".`)
  return json(ledger.log.inclusion(row.org_id, row.seq, size(url, 'size', false)))
}

/** Register the checkpoint and proof routes. */
export function registerProofRoutes(router: Router, ledger: Ledger): void {
  const read = (request: Request) => ledger.apiKeys.authenticate(request, 'audit:read')
  const portalOrg = async (request: Request) => ledger.portal.orgOf(request, 'audit_logs')
  router
    .on('GET', '/v1/audit/orgs/:id/checkpoint', (request, [id]) => {
      read(request)
      return json(ledger.log.checkpoint(ledger.resolveOrg(id!).id))
    })
    .on('GET', '/v1/audit/orgs/:id/consistency', (request, [id], url) => {
      read(request)
      return consistency(ledger, ledger.resolveOrg(id!).id, url)
    })
    .on('GET', '/v1/audit/events/:id/inclusion', (request, [id], url) => {
      read(request)
      return inclusion(ledger, null, id!, url)
    })
    .on('GET', '/v1/audit/portal/checkpoint', async (request) => json(ledger.log.checkpoint(await portalOrg(request))))
    .on('GET', '/v1/audit/portal/consistency', async (request, _params, url) =>
      consistency(ledger, await portalOrg(request), url),
    )
    .on('GET', '/v1/audit/portal/events/:id/inclusion', async (request, [id], url) =>
      inclusion(ledger, await portalOrg(request), id!, url),
    )
}
