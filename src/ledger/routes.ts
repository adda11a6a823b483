/**
 * The ledger's HTTP API under `/v1/audit`, as a fetch-style handler. It speaks the wire
 * contract of Invoance's Audit Logs API (see README "Reference ledger").
 */
import { createReadStream, statSync } from 'node:fs'
import { Readable } from 'node:stream'
import { parseAuditJson, verifyEvent, type AuditJsonValue } from '../core/index.js'
import { readJsonObject } from '../http/body.js'
import { badRequest, HttpError, notFound } from '../protocol/errors.js'
import { json } from '../http/http-error.js'
import { Router } from '../http/router.js'
import type { ExportFormat, ExportRow } from './exports.js'
import type { Ledger } from './ledger.js'
import { registerMeRoutes } from './me.js'
import { registerOrgRoutes } from './org-routes.js'
import { orgJson } from './orgs.js'
import { oneOfAliases, strictQuery } from '../protocol/aliases.js'
import { LIST_QUERY_PARAMS, parseExportFilters, parseFilters } from '../protocol/filters.js'
import { parseEventInput } from './validation.js'
import { withPortalCors } from './portal-cors.js'
import { registerPortalRoutes } from './portal-routes.js'
import { registerPortalStreamRoutes, registerStreamRoutes } from './streams/routes.js'
import { registerProofRoutes } from './proof-routes.js'
import { prunedJson, registerRetentionRoutes } from './retention-routes.js'

const EVENT_BODY_LIMIT = 64 * 1024
const SMALL_BODY_LIMIT = 16 * 1024
const LIST_PARAMS = new Set(['org_id', 'organization_id', ...LIST_QUERY_PARAMS])

function onlyKnownParams(url: URL, known: ReadonlySet<string>): void {
  for (const name of url.searchParams.keys()) {
    if (!known.has(name)) throw badRequest(`${name} is not a query parameter here; use ${[...known].join(', ')}.`)
  }
}

function parseLimit(text: string | null): number {
  if (text === null) return 50
  const limit = Number(text)
  if (!/^\d+$/.test(text) || limit < 1 || limit > 200) throw badRequest('limit must be an integer from 1 to 200.')
  return limit
}

/** One page of events as JSON text, events written from storage without re-serialising. */
function listPage(ledger: Ledger, orgId: string, url: URL): Response {
  const get = strictQuery(url.searchParams)
  const filters = parseFilters(get)
  const limit = parseLimit(get('limit'))
  const cursor = get('cursor')
  const before = cursor ? ledger.cursors.decode(cursor, orgId, filters) : null
  const rows = ledger.events.page(orgId, filters, limit + 1, before)
  const page = rows.slice(0, limit)
  const next = rows.length > limit ? ledger.cursors.encode(orgId, filters, page[page.length - 1]!.seq) : null
  return json(
    `{"events":[${page.map((row) => ledger.events.toJson(row)).join(',')}],"next_cursor":${JSON.stringify(next)}}`,
  )
}

/**
 * The request's Idempotency-Key: `null` when absent, a 400 when empty or over 255 characters.
 * One reading for every route that honours it (ingest, exports).
 */
function idempotencyKey(request: Request): string | null {
  const key = request.headers.get('idempotency-key')
  if (key === null) return null
  if (key.length < 1 || key.length > 255) throw badRequest('The Idempotency-Key header must be 1 to 255 characters.')
  return key
}

/**
 * The org a list, export or portal session names: `organization_id` (Node 0.3.0, Go, Ruby,
 * the docs) or `org_id` (Python 0.2.0), an `aorg_` id or the caller's external id.
 */
function orgRefFrom(get: (name: string) => AuditJsonValue | null | undefined): string {
  const value = oneOfAliases(['organization_id', 'org_id'], get)?.value
  if (typeof value !== 'string')
    throw badRequest('organization_id or org_id is required: your external id or the aorg_ id.')
  return value
}

async function exportJson(ledger: Ledger, job: ExportRow, origin: string) {
  const link = job.status === 'ready' ? await ledger.downloads.sign(job.id) : null
  return {
    id: job.id,
    // Invoance's Go README reads export_id; Node, Python and the docs read id.
    export_id: job.id,
    org_id: job.org_id,
    format: job.format,
    status: job.status,
    row_count: job.row_count,
    error: job.error,
    download_url: link ? origin + link.path : null,
    expires_at: link ? link.expiresAt : null,
  }
}

/** The ledger's fetch handler. */
export function createLedgerHandler(ledger: Ledger): (request: Request) => Promise<Response> {
  const router = new Router()
  const read = (request: Request) => ledger.apiKeys.authenticate(request, 'audit:read')
  const write = (request: Request) => ledger.apiKeys.authenticate(request, 'audit:write')
  registerOrgRoutes(router, ledger)
  registerMeRoutes(router, ledger)

  router
    .on('GET', '/v1/audit/orgs/:id/integrity', (request, [id]) => {
      read(request)
      const org = ledger.resolveOrg(id!)
      const integrity = ledger.events.integrity(org.id, ledger.retention.prunedThrough(org.id))
      return json({ org_id: org.id, ...integrity, ...prunedJson(ledger, org.id) })
    })
    .on('POST', '/v1/audit/events', async (request) => {
      const caller = write(request)
      const key = idempotencyKey(request)
      if (key === null) {
        throw badRequest(
          'The Idempotency-Key header is required (1 to 255 characters), so a retried request is not stored twice.',
        )
      }
      const body = await readJsonObject(request, EVENT_BODY_LIMIT)
      const { event, replayed } = ledger.ingest(caller, key, parseEventInput(body), body)
      // event_id is what Invoance's examples and docs read (`created["event_id"]`), id what
      // Ruby and this ledger's event JSON use; the verifiers read `id ?? event_id`.
      const answer = `{"event_id":${JSON.stringify(event.id)},${ledger.events.toJson(event).slice(1)}`
      return json(answer, replayed ? 200 : 201, replayed ? { 'idempotent-replayed': 'true' } : {})
    })
    .on('GET', '/v1/audit/events', (request, _params, url) => {
      read(request)
      onlyKnownParams(url, LIST_PARAMS)
      const org = ledger.resolveOrg(orgRefFrom(strictQuery(url.searchParams)))
      return listPage(ledger, org.id, url)
    })
    .on('GET', '/v1/audit/events/:id', (request, [id]) => {
      read(request)
      const row = ledger.events.byId(id!)
      if (!row) throw notFound(`No event has id "${id}".`)
      return json(ledger.events.toJson(row))
    })
    .on('GET', '/v1/audit/events/:id/verify', async (request, [id]) => {
      read(request)
      const row = ledger.events.byId(id!)
      if (!row) throw notFound(`No event has id "${id}".`)
      const trustedKeys = ledger.keys.list().map((k) => ({
        publicKey: k.public_key,
        keyId: k.key_id,
        notBefore: k.not_before,
        notAfter: k.not_after,
      }))
      const result = await verifyEvent(parseAuditJson(ledger.events.toJson(row)), { trustedKeys })
      return json({
        valid: result.status === 'verified',
        status: result.status,
        reason: result.reason,
        key_id: row.key_id,
        payload_hash: result.payloadHash,
      })
    })
    .on('GET', '/v1/audit/keys', () => json({ keys: ledger.keys.list() }))
    .on('POST', '/v1/audit/exports', async (request, _params, url) => {
      const caller = read(request)
      const key = idempotencyKey(request)
      const body = await readJsonObject(request, SMALL_BODY_LIMIT)
      for (const key of Object.keys(body)) {
        if (!['org_id', 'organization_id', 'format', 'filters'].includes(key)) {
          throw badRequest(`${key} is not a field of an export; use organization_id, format and filters.`)
        }
      }
      const format = body.format
      if (format !== 'csv' && format !== 'ndjson') throw badRequest('format must be "csv" or "ndjson".')
      const org = ledger.resolveOrgForWriting(orgRefFrom((name) => body[name]))
      const filters = parseExportFilters(body.filters)
      const { job, replayed } = ledger.createExport(caller, key, org.id, format as ExportFormat, filters, body)
      return json(
        await exportJson(ledger, job, url.origin),
        replayed ? 200 : 202,
        replayed ? { 'idempotent-replayed': 'true' } : {},
      )
    })
    .on('GET', '/v1/audit/exports/:id', async (request, [id], url) => {
      read(request)
      const job = ledger.exports.get(id!)
      if (!job) throw notFound(`No export has id "${id}".`)
      return json(await exportJson(ledger, job, url.origin))
    })
    .on('GET', '/v1/audit/exports/:id/download', async (_request, [id], url) => {
      const check = await ledger.downloads.check(
        id!,
        url.searchParams.get('expires'),
        url.searchParams.get('signature'),
      )
      if (check !== 'ok') {
        throw new HttpError(
          403,
          'forbidden',
          check === 'expired'
            ? 'This download link has expired; poll the export again for a fresh link.'
            : 'This download link is not valid; use the download_url the export returns.',
        )
      }
      const job = ledger.exports.get(id!)
      const file = job?.status === 'ready' ? ledger.exports.fileOf(job) : null
      if (!job || !file) throw notFound(`Export "${id}" has no file to download.`)
      const org = ledger.orgById(job.org_id)
      const name = `audit-log-${(org?.external_id ?? job.org_id).replace(/[^\w.-]/g, '_')}-${job.id}.${job.format}`
      const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>
      return new Response(body, {
        headers: {
          'content-type': job.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
          'content-length': String(statSync(file).size),
          'content-disposition': `attachment; filename="${name}"`,
          'cache-control': 'private, no-store',
        },
      })
    })
    .on('GET', '/v1/audit/portal/events', async (request, _params, url) => {
      const orgId = await ledger.portal.orgOf(request, 'audit_logs')
      if (url.searchParams.has('org_id') || url.searchParams.has('organization_id')) {
        throw badRequest('The org comes from the portal token; remove org_id from the query.')
      }
      onlyKnownParams(url, LIST_PARAMS)
      return listPage(ledger, ledger.requireOrg(orgId).id, url)
    })

  registerPortalRoutes(router, ledger)
  registerStreamRoutes(router, ledger)
  registerProofRoutes(router, ledger)
  registerPortalStreamRoutes(router, ledger)
  // The org as it is after the change (PUT /retention answers the updated org).
  registerRetentionRoutes(router, ledger, (org) => orgJson(ledger.orgById(org.id) ?? org))
  return withPortalCors(router.handle, ledger.portalConfig.corsOrigins)
}
