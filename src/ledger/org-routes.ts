/**
 * The org endpoints under `/v1/audit/orgs`: create and list (every SDK), and the lifecycle of
 * Invoance's Go and Ruby SDKs 0.2.0 (invoance-go `audit_orgs_test.go`, invoance-ruby
 * `spec/audit_orgs_spec.rb`): rename, archive, unarchive, delete, `include_archived`.
 */
import { readJsonObject } from '../http/body.js'
import { json } from '../http/http-error.js'
import type { Router } from '../http/router.js'
import { oneOfAliases, strictQuery } from '../protocol/aliases.js'
import { badRequest } from '../protocol/errors.js'
import type { Ledger } from './ledger.js'
import { orgJson } from './orgs.js'

const BODY_LIMIT = 16 * 1024
const CREATE_FIELDS = new Set(['organization_id', 'external_id', 'name'])

/** `name`: a display name of at most 256 characters, or `null` for none. */
function orgName(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value !== 'string' || value.length > 256) {
    throw badRequest('name must be a string of at most 256 characters, or null.')
  }
  return value
}

/** Register the org routes on the ledger's router. */
export function registerOrgRoutes(router: Router, ledger: Ledger): void {
  const read = (request: Request) => ledger.apiKeys.authenticate(request, 'audit:read')
  const write = (request: Request) => ledger.apiKeys.authenticate(request, 'audit:write')

  router
    .on('POST', '/v1/audit/orgs', async (request) => {
      write(request)
      const body = await readJsonObject(request, BODY_LIMIT)
      for (const key of Object.keys(body)) {
        if (!CREATE_FIELDS.has(key)) throw badRequest(`${key} is not a field of an org; use organization_id and name.`)
      }
      // Node 0.3.0, Go and Ruby send organization_id; Python 0.2.0 and the docs' curl, external_id.
      const field = oneOfAliases(['organization_id', 'external_id'], (name) => body[name])
      const externalId = field?.value
      if (typeof externalId !== 'string' || externalId.length > 128) {
        throw badRequest(
          'organization_id (or external_id), your id for the org, must be a string of 1 to 128 characters.',
        )
      }
      const name = orgName(body.name)
      // Invoance's own examples (invoance-go examples/audit/main.go, invoance-ruby
      // examples/audit.rb) create their org unconditionally on every run: the same org asked for
      // again is that org (200), as with an idempotent PUT. Another name is still a 409.
      const existing = ledger.orgs.byExternalId(externalId)
      if (existing && existing.name === name) return json(orgJson(existing), 200)
      return json(orgJson(ledger.createOrg(externalId, name)), 201)
    })
    .on('GET', '/v1/audit/orgs', (request, _params, url) => {
      read(request)
      for (const name of url.searchParams.keys()) {
        if (name !== 'include_archived')
          throw badRequest(`${name} is not a query parameter here; use include_archived.`)
      }
      const flag = strictQuery(url.searchParams)('include_archived')
      if (flag !== null && flag !== 'true' && flag !== 'false') {
        throw badRequest('include_archived must be true or false.')
      }
      return json({ orgs: ledger.listOrgs(flag === 'true').map(orgJson) })
    })
    .on('PATCH', '/v1/audit/orgs/:id', async (request, [id]) => {
      write(request)
      const body = await readJsonObject(request, BODY_LIMIT)
      for (const key of Object.keys(body)) {
        if (key !== 'name') throw badRequest(`${key} is not a field you can change; only name is.`)
      }
      // Go and Ruby send {"name": null} to clear the name, so null is a value here, not "absent".
      if (!('name' in body)) throw badRequest('name is required: a string, or null to clear it.')
      return json(orgJson(ledger.orgs.rename(id!, orgName(body.name))))
    })
    // Bodiless POSTs (Go and Ruby send Content-Type: application/json with no body, Python no
    // content type at all), so no body is read.
    .on('POST', '/v1/audit/orgs/:id/archive', (request, [id]) => {
      write(request)
      return json(orgJson(ledger.orgs.setArchived(id!, true)))
    })
    .on('POST', '/v1/audit/orgs/:id/unarchive', (request, [id]) => {
      write(request)
      return json(orgJson(ledger.orgs.setArchived(id!, false)))
    })
    .on('DELETE', '/v1/audit/orgs/:id', (request, [id]) => {
      write(request)
      return json({ deleted: true, id: ledger.orgs.delete(id!).id })
    })
}
