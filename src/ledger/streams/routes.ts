/**
 * Webhook streams over HTTP: the API-key routes `/v1/audit/orgs/:id/streams...`, and the
 * portal's `/v1/audit/portal/streams...` for a `log_streams` session (Invoance's viewer's
 * stream screen), both on the one `ledger.streams` service.
 */
import { readJsonObject } from '../../http/body.js'
import { json } from '../../http/http-error.js'
import type { Router } from '../../http/router.js'
import type { Ledger, Org } from '../ledger.js'
import { parseStreamInput } from './streams.js'

const BODY_LIMIT = 16 * 1024

/**
 * The org a `:id` path segment names: an `aorg_` id or the caller's external id (invoance-node
 * CHANGELOG 0.3.0). Changing an archived org's streams is a 409 `org_archived`; reading is not.
 */
function orgOf(ledger: Ledger, ref: string, forWriting = true): Org {
  return forWriting ? ledger.resolveOrgForWriting(ref) : ledger.resolveOrg(ref)
}

/** Register the stream routes. Reading needs `audit:read`; creating, deleting, testing and resuming `audit:write`. */
export function registerStreamRoutes(router: Router, ledger: Ledger): void {
  const read = (request: Request) => ledger.apiKeys.authenticate(request, 'audit:read')
  const write = (request: Request) => ledger.apiKeys.authenticate(request, 'audit:write')
  router
    .on('POST', '/v1/audit/orgs/:id/streams', async (request, [id]) => {
      write(request)
      const org = orgOf(ledger, id!)
      const input = parseStreamInput(await readJsonObject(request, BODY_LIMIT))
      return json(ledger.streams.create(org.id, input), 201)
    })
    .on('GET', '/v1/audit/orgs/:id/streams', (request, [id]) => {
      read(request)
      return json({ streams: ledger.streams.list(orgOf(ledger, id!, false).id) })
    })
    .on('DELETE', '/v1/audit/orgs/:id/streams/:sid', (request, [id, sid]) => {
      write(request)
      return json(ledger.streams.remove(orgOf(ledger, id!, false).id, sid!))
    })
    // Bodiless, with any content type or none: the Node, Go and Ruby SDKs send
    // Content-Type: application/json without a body, Python and the viewer send neither.
    .on('POST', '/v1/audit/orgs/:id/streams/:sid/test', async (request, [id, sid]) => {
      write(request)
      return json(await ledger.streams.test(orgOf(ledger, id!).id, sid!))
    })
    .on('POST', '/v1/audit/orgs/:id/streams/:sid/resume', (request, [id, sid]) => {
      write(request)
      return json(ledger.streams.resume(orgOf(ledger, id!).id, sid!))
    })
}

/**
 * The portal's stream routes, as Invoance's viewer calls them with a `log_streams` session's
 * bearer token (invoance-audit-viewer `src/StreamConfig.tsx`): the org comes from the token,
 * never from the request, and an `audit_logs` session gets a 403.
 */
export function registerPortalStreamRoutes(router: Router, ledger: Ledger): void {
  const org = async (request: Request) => ledger.portal.orgOf(request, 'log_streams')
  router
    .on('GET', '/v1/audit/portal/streams', async (request) => {
      return json({ streams: ledger.streams.list(await org(request)) })
    })
    .on('POST', '/v1/audit/portal/streams', async (request) => {
      const orgId = ledger.resolveOrgForWriting(await org(request)).id
      const input = parseStreamInput(await readJsonObject(request, BODY_LIMIT))
      return json(ledger.streams.create(orgId, input), 201)
    })
    .on('DELETE', '/v1/audit/portal/streams/:sid', async (request, [sid]) => {
      return json(ledger.streams.remove(await org(request), sid!))
    })
    .on('POST', '/v1/audit/portal/streams/:sid/test', async (request, [sid]) => {
      return json(await ledger.streams.test(await org(request), sid!))
    })
    .on('POST', '/v1/audit/portal/streams/:sid/resume', async (request, [sid]) => {
      return json(ledger.streams.resume(ledger.resolveOrgForWriting(await org(request)).id, sid!))
    })
}
