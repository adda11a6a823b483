/**
 * The client's export, key and prune-marker calls. The client loads this file, and the
 * decoders with it, on the first such call: first rows need none of them (core's client-only
 * part is checked at 9 kB: test/bench/size.bench.ts). As in proof-calls.ts, what the client's
 * first download has too (the error class, the key document's parser, the filters' writer)
 * comes in as an argument rather than an import: an import of a module both sides use splits
 * it into a shared chunk, whose imports and exports cost every entry more than this file saves.
 */
import type { AuditJsonValue } from '../json/lossless-json.js'
import type { parseKeysDocument } from '../verify/key-ring.js'
import type { filtersToBody } from '../../protocol/filters.js'
import { decodeKeysDocument } from '../../protocol/keys.js'
import type { bytesToHex } from '../verify/hex.js'
import type { AuditError } from './audit-error.js'
import type { AuditClient, ExportInfo } from './client.js'

/** The client's JSON call: the parsed body of a 2xx answer, or an {@link AuditError}. */
export type JsonCall = (
  path: string,
  init: { method?: string; json?: unknown; signal?: AbortSignal | undefined; headers?: Record<string, string> },
) => Promise<AuditJsonValue>

const STATUSES: readonly string[] = ['queued', 'running', 'ready', 'failed']

function onOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url, origin).origin === origin
  } catch {
    return false
  }
}

/**
 * Decode an export job, or null. The download link is followed by the page (an `<a download>`
 * click), so it must be an http(s) URL on the proxy's own origin: a `javascript:` or `data:`
 * link from a compromised upstream would otherwise run script on the host's origin, and a
 * foreign one would send the user to another site.
 */
function toExportInfo(value: AuditJsonValue, proxyOrigin: string): ExportInfo | null {
  const job = value as Record<string, unknown>
  const text = (v: unknown) => (typeof v === 'string' ? v : null)
  const url = text(job?.download_url)
  if (
    typeof job?.id !== 'string' ||
    (job.format !== 'csv' && job.format !== 'ndjson') ||
    !STATUSES.includes(job.status as string) ||
    (url !== null && !onOrigin(url, proxyOrigin))
  )
    return null
  return {
    id: job.id,
    format: job.format,
    status: job.status as ExportInfo['status'],
    rowCount: Number(job.row_count ?? 0),
    error: text(job.error),
    downloadUrl: url,
    expiresAt: text(job.expires_at),
  }
}

/** What the calls use of the client's own modules. */
export interface ClientParts {
  Errors: typeof AuditError
  parseKeysDocument: typeof parseKeysDocument
  filtersToBody: typeof filtersToBody
  bytesToHex: typeof bytesToHex
}

/** The four calls over the client's `call`; download links must stay on `proxyOrigin`. */
export function exportKeyCalls(
  call: JsonCall,
  { Errors, parseKeysDocument, filtersToBody, bytesToHex }: ClientParts,
  proxyOrigin: string,
): Pick<AuditClient, 'createExport' | 'getExport' | 'getKeys' | 'getPruneMarker'> {
  const invalid = (message: string) => new Errors('upstream', message, { retryable: false })
  const exportInfo = (value: AuditJsonValue) => {
    const info = toExportInfo(value, proxyOrigin)
    if (!info) throw invalid('The audit service answered with an export it could not describe.')
    return info
  }
  return {
    async createExport({ format, filters = {} }, { signal } = {}) {
      // One key for every try of this creation, so a retry after a lost answer (a 504, a
      // dropped connection) finds the job the first try made instead of starting another.
      const key = bytesToHex(crypto.getRandomValues(new Uint8Array(16)))
      const json = { format, filters: filtersToBody(filters) }
      return exportInfo(await call('/exports', { method: 'POST', json, signal, headers: { 'idempotency-key': key } }))
    },
    async getExport(id, { signal } = {}) {
      return exportInfo(await call(`/exports/${encodeURIComponent(id)}`, { signal }))
    },
    async getKeys({ signal } = {}) {
      // Decoded as strictly as the proxy does: what is pinned comes from here.
      const keys = decodeKeysDocument(await call('/keys', { signal }))
      if (!keys) throw invalid('The audit service published a keys document that makes no sense.')
      return parseKeysDocument({ keys })
    },
    async getPruneMarker({ signal } = {}) {
      let body: unknown
      try {
        body = await call('/prune_markers', { signal })
      } catch (error) {
        // A service without the extension has nothing pruned to vouch for.
        if (error instanceof Errors && error.code === 'not-found') return null
        throw error
      }
      const markers = (body as { markers?: unknown } | null)?.markers
      return Array.isArray(markers) ? (markers.at(-1) ?? null) : null
    },
  }
}
