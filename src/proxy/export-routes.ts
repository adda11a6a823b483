/**
 * The proxy's export routes: create (idempotently), poll, and download through a short-lived
 * signed link. Everything the browser gets back is built here from what the proxy itself
 * knows (the sealed handle, the format it was asked for) or from strictly decoded upstream
 * fields; no upstream header or message text is passed on.
 */
import type { AuditJsonValue } from '../core/index.js'
import { readJsonObject } from '../http/body.js'
import { badRequest, HttpError, notFound } from '../protocol/errors.js'
import { json } from '../http/http-error.js'
import { parseExportFilters } from '../protocol/filters.js'
import type { ProxyCrypto, ProxyScope, TokenClaims } from './proxy-crypto.js'
import { parseUpstreamJson, type Upstream } from './upstream.js'

export type ExportFormat = 'csv' | 'ndjson'

export interface ExportRouteContext {
  upstream: Upstream
  now: () => number
  /** What download links start with: the mount path, or `publicOrigin` and the mount path. */
  linkBase: string
  downloads: 'redirect' | 'stream'
  bearer: (request: Request, keys: ProxyCrypto, scope: ProxyScope) => Promise<TokenClaims>
}

const LINK_TTL_SECONDS = 60
const JOB_STATUSES = new Set(['queued', 'running', 'ready', 'failed'])
/** An Idempotency-Key as the browser client sends it (a UUID, say); anything else is refused. */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,255}$/

/**
 * How a download is served: as an attachment of the format's own type, never sniffed, and
 * sandboxed should a browser render it anyway, so a file can never run script on the host's
 * origin with the user's cookies (OWASP File Upload / HTTP Headers cheat sheets).
 */
const DOWNLOAD_TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson' }

interface UpstreamJob {
  id: string
  status: 'queued' | 'running' | 'ready' | 'failed'
  rowCount: number
  downloadUrl: string | null
}

const isFormat = (value: unknown): value is ExportFormat => value === 'csv' || value === 'ndjson'

/** The fields of an upstream job the proxy uses, or a 502: nothing else of it is kept. */
function decodeJob(value: AuditJsonValue): UpstreamJob {
  const job = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}
  const { id, status, row_count: rowCount, download_url: downloadUrl } = job as Record<string, unknown>
  const count = rowCount === undefined || rowCount === null ? 0 : Number(String(rowCount))
  if (
    typeof id !== 'string' ||
    typeof status !== 'string' ||
    !JOB_STATUSES.has(status) ||
    !Number.isSafeInteger(count) ||
    count < 0 ||
    !(downloadUrl === undefined || downloadUrl === null || typeof downloadUrl === 'string')
  ) {
    throw new HttpError(502, 'bad_gateway', 'The audit API answered with an export job that makes no sense.')
  }
  return { id, status: status as UpstreamJob['status'], rowCount: count, downloadUrl: downloadUrl ?? null }
}

/** A file name of safe characters only, from what the proxy knows: the org and today's date. */
function fileName(org: string, format: ExportFormat, nowMs: number): string {
  const safeOrg = org.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)
  return `audit-log-${safeOrg}-${new Date(nowMs).toISOString().slice(0, 10)}.${format}`
}

/** The export routes' handlers, sharing the proxy's upstream, clock and token check. */
export function exportRoutes(context: ExportRouteContext) {
  const { upstream, now, linkBase } = context

  async function exportJson(job: UpstreamJob, handle: string, format: ExportFormat, keys: ProxyCrypto) {
    const ready = job.status === 'ready'
    const expires = Math.floor(now() / 1000) + LINK_TTL_SECONDS
    const link = ready
      ? `${linkBase}/exports/${handle}/download?expires=${expires}&signature=${await keys.signLink(handle, expires)}`
      : null
    return {
      id: handle,
      format,
      status: job.status,
      row_count: job.rowCount,
      // The upstream's reason may carry anything (paths, its own secrets): ours is fixed.
      error: job.status === 'failed' ? 'The export failed in the audit API; start a new one.' : null,
      download_url: link,
      expires_at: link ? new Date(expires * 1000).toISOString() : null,
    }
  }

  async function upstreamJob(jobId: string, org: string, signal: AbortSignal, missing: () => HttpError) {
    let text: string
    try {
      text = (await upstream.call(`/v1/audit/exports/${encodeURIComponent(jobId)}`, { signal })).text
    } catch (error) {
      throw error instanceof HttpError && error.status === 404 ? missing() : error
    }
    const value = parseUpstreamJson(text)
    if ((value as Record<string, unknown> | null)?.org_id !== org) throw missing()
    return decodeJob(value)
  }

  async function create(request: Request, keys: ProxyCrypto): Promise<Response> {
    const claims = await context.bearer(request, keys, 'audit:export')
    const clientKey = request.headers.get('idempotency-key')
    if (clientKey !== null && !IDEMPOTENCY_KEY.test(clientKey)) {
      throw badRequest('Idempotency-Key must be 1 to 255 characters of A-Z, a-z, 0-9 and _ . : -.')
    }
    const body = await readJsonObject(request, 16 * 1024)
    for (const key of Object.keys(body)) {
      if (key === 'org_id' || key === 'organization_id')
        throw badRequest('The org comes from your session; remove org_id.')
      if (key !== 'format' && key !== 'filters')
        throw badRequest(`${key} is not a field of an export; use format and filters.`)
    }
    const format = body.format
    if (!isFormat(format)) throw badRequest('format must be "csv" or "ndjson".')
    // Validated as the ledger validates it, then sent exactly as received.
    parseExportFilters(body.filters)
    const headers: Record<string, string> = {}
    if (clientKey !== null) {
      headers['idempotency-key'] = await keys.upstreamIdempotencyKey(claims.org, claims.sub, clientKey)
    }
    let text: string
    try {
      const created = await upstream.call('/v1/audit/exports', {
        method: 'POST',
        json: { org_id: claims.org, format, ...(body.filters === undefined ? {} : { filters: body.filters }) },
        headers,
        signal: request.signal,
      })
      text = created.text
    } catch (error) {
      if (error instanceof HttpError && error.status === 409 && clientKey !== null) {
        throw new HttpError(409, 'conflict', 'This Idempotency-Key was already used for another export; use a new key.')
      }
      throw error
    }
    const job = decodeJob(parseUpstreamJson(text))
    const handle = await keys.seal('export', job.id, claims.org, format)
    return json(await exportJson(job, handle, format, keys), 202)
  }

  async function poll(request: Request, handle: string, keys: ProxyCrypto): Promise<Response> {
    const claims = await context.bearer(request, keys, 'audit:export')
    const missing = () => notFound('No such export.')
    const sealed = await keys.unsealAny('export', handle)
    if (sealed === null || sealed.org !== claims.org || !isFormat(sealed.format)) throw missing()
    const job = await upstreamJob(sealed.value, claims.org, request.signal, missing)
    return json(await exportJson(job, handle, sealed.format, keys))
  }

  async function download(request: Request, handle: string, url: URL, keys: ProxyCrypto): Promise<Response> {
    const expires = Number(url.searchParams.get('expires'))
    const signature = url.searchParams.get('signature') ?? ''
    if (!Number.isInteger(expires) || !(await keys.checkLink(handle, expires, signature))) {
      throw new HttpError(403, 'forbidden', 'This download link is not valid.')
    }
    // Valid for LINK_TTL_SECONDS of the clock as it reads now: after a step back, a link's
    // expiry lies further ahead than it ever could, and it is refused rather than kept alive
    // for as long as the step.
    const remaining = expires * 1000 - now()
    if (remaining <= 0 || remaining > LINK_TTL_SECONDS * 1000)
      throw new HttpError(403, 'forbidden', 'This download link has expired; check the export again for a fresh one.')
    const sealed = await keys.unsealAny('export', handle)
    if (!sealed || !isFormat(sealed.format)) throw new HttpError(403, 'forbidden', 'This download link is not valid.')
    const job = await upstreamJob(sealed.value, sealed.org, request.signal, () => notFound('No such export.'))
    if (job.status !== 'ready' || job.downloadUrl === null) throw notFound('This export has no file yet.')
    const fileUrl = upstream.checkDownloadUrl(job.downloadUrl)
    if (context.downloads === 'redirect') {
      // The browser fetches the presigned URL itself, from the upstream's origin, so the
      // upstream's headers govern the file there; see `downloads` in AuditProxyOptions.
      return new Response(null, {
        status: 302,
        headers: { location: fileUrl, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
      })
    }
    const file = await upstream.download(fileUrl, request.signal)
    return new Response(file.body, {
      status: 200,
      headers: {
        'content-type': DOWNLOAD_TYPES[sealed.format],
        'content-disposition': `attachment; filename="${fileName(sealed.org, sealed.format, now())}"`,
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'private, no-store',
      },
    })
  }

  return { create, poll, download }
}
