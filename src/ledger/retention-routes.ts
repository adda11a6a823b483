/**
 * Retention routes: `PUT /v1/audit/orgs/:id/retention` (Invoance's SDKs all send `{days}`),
 * and the prune markers (auditlens extensions) for API keys and for the portal.
 */
import { readJsonObject } from '../http/body.js'
import { json } from '../http/http-error.js'
import type { Router } from '../http/router.js'
import { badRequest } from '../protocol/errors.js'
import type { Ledger, Org } from './ledger.js'
import { MAX_RETENTION_DAYS } from './retention.js'

const BODY_LIMIT = 16 * 1024

/**
 * The org an `{id}` path segment names. One helper, so the org-resolution work (aorg_ id or
 * external id) swaps in here alone.
 */
function orgFromPath(ledger: Ledger, ref: string): Org {
  return ledger.resolveOrg(ref)
}

/**
 * `days` of a retention body: a whole number of days from 1 to {@link MAX_RETENTION_DAYS}, or
 * null to keep events forever. Only `days` is accepted, so a misspelt field is a 400, not a
 * silent "keep forever".
 */
export function parseRetentionBody(body: Record<string, unknown>): number | null {
  for (const key of Object.keys(body)) {
    if (key !== 'days') throw badRequest(`${key} is not a field of a retention policy; send {"days": n}.`)
  }
  if (!Object.hasOwn(body, 'days')) {
    throw badRequest(`days is required: an integer from 1 to ${MAX_RETENTION_DAYS}, or null to keep events forever.`)
  }
  const days = body.days
  if (days === null) return null
  // A LosslessNumber (365.0, 1e2) is not written as an integer: refused like a string.
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw badRequest(`days must be an integer from 1 to ${MAX_RETENTION_DAYS}, or null to keep events forever.`)
  }
  return days
}

/** The integrity answer's retention part: the pruned range and the marker that vouches for it. */
export function prunedJson(ledger: Ledger, orgId: string) {
  const marker = ledger.retention.latest(orgId)
  return {
    pruned: marker ? [1, marker.pruned_through_seq] : null,
    prune_marker: marker ? ledger.retention.toJson(marker) : null,
  }
}

function markersJson(ledger: Ledger, orgId: string) {
  const markers = ledger.retention.markers(orgId).map((row) => ledger.retention.toJson(row))
  return { markers, pruned_through_seq: markers.at(-1)?.pruned_through_seq ?? 0 }
}

/**
 * Register the retention routes on the ledger's router. `orgJson` is the ledger's org answer,
 * so PUT answers exactly what GET /orgs lists.
 */
export function registerRetentionRoutes(router: Router, ledger: Ledger, orgJson: (org: Org) => unknown): void {
  router
    .on('PUT', '/v1/audit/orgs/:id/retention', async (request, [id]) => {
      // Shortening retention deletes history: not for keys that only write events.
      ledger.apiKeys.authenticate(request, 'audit:admin')
      const org = orgFromPath(ledger, id!)
      const days = parseRetentionBody(await readJsonObject(request, BODY_LIMIT))
      ledger.retention.setDays(org.id, days)
      return json(orgJson(org))
    })
    .on('GET', '/v1/audit/orgs/:id/prune_markers', (request, [id]) => {
      ledger.apiKeys.authenticate(request, 'audit:read')
      return json(markersJson(ledger, orgFromPath(ledger, id!).id))
    })
    .on('GET', '/v1/audit/portal/prune_markers', async (request) => {
      return json(markersJson(ledger, ledger.requireOrg(await ledger.portal.orgOf(request, 'audit_logs')).id))
    })
}
