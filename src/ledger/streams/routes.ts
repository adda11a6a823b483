/**
 * `/v1/audit/orgs/:id/streams...`: the API-key routes of webhook streams. The portal's
 * `/portal/streams` routes call the same `ledger.streams` service.
 */
import { readJsonObject } from '../../http/body.js'
import { json } from '../../http/http-error.js'
import type { Router } from '../../http/router.js'
import type { Ledger, Org } from '../ledger.js'
import { parseStreamInput } from './streams.js'

const BODY_LIMIT = 16 * 1024

/**
 * The org a `:id` path segment names. Invoance resolves an `aorg_` id or the caller's external
 * id there (invoance-node CHANGELOG 0.3.0); this is the one place to switch to the ledger's
 * resolver when it has one.
 */
function orgOf(ledger: Ledger, ref: string): Org {
  return ledger.requireOrg(ref)
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
      return json({ streams: ledger.streams.list(orgOf(ledger, id!).id) })
    })
    .on('DELETE', '/v1/audit/orgs/:id/streams/:sid', (request, [id, sid]) => {
      write(request)
      return json(ledger.streams.remove(orgOf(ledger, id!).id, sid!))
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
