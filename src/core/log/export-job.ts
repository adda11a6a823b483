/**
 * `createExportJob`: one export as a state machine a button can render:
 * idle -> creating -> polling {attempt, rowCount} -> ready {url, expiresAt} | failed | cancelled.
 * Polls with backoff from 1 s to 5 s. A ready link is short-lived; `downloadUrl()` polls again
 * for a fresh one when it has expired by the time the user clicks.
 */
import { AuditError, isAbort } from './audit-error.js'
import type { AuditFilters } from '../../protocol/filters.js'
import type { AuditClient, ExportFormat } from './client.js'
import { exportJobMachine } from './export-job-machine.js'

export type ExportJobState =
  | { status: 'idle' }
  | { status: 'creating' }
  | { status: 'polling'; jobId: string; attempt: number; rowCount: number }
  | { status: 'ready'; jobId: string; url: string; expiresAt: string; rowCount: number }
  | { status: 'failed'; error: AuditError; jobId: string | null }
  | { status: 'cancelled' }

export interface ExportJob {
  subscribe(listener: () => void): () => void
  getSnapshot(): ExportJobState
  /** Create the export and poll until it is ready or fails. Starting again restarts. */
  start(): Promise<void>
  /** Stop polling (the server may still finish the file; nothing is downloaded). */
  cancel(): void
  /** A download URL that is valid now, fetching a fresh one if the last has expired. */
  downloadUrl(options?: { signal?: AbortSignal }): Promise<string>
}

export interface ExportJobOptions {
  format: ExportFormat
  filters?: AuditFilters
  /** First poll delay (default 1000 ms), growing by half each poll up to `maxPollMs`. */
  minPollMs?: number
  /** Longest poll delay (default 5000 ms). */
  maxPollMs?: number
}

/** An export job for `client`; nothing is requested until `start()`. */
export function createExportJob(client: AuditClient, options: ExportJobOptions): ExportJob {
  return exportJobMachine(client, options, { AuditError, isAbort })
}
