/**
 * `createExportJob`: one export as a state machine a button can render:
 * idle -> creating -> polling {attempt, rowCount} -> ready {url, expiresAt} | failed | cancelled.
 * Polls with backoff from 1 s to 5 s. A ready link is short-lived; `downloadUrl()` polls again
 * for a fresh one when it has expired by the time the user clicks.
 *
 * The state machine (export-job-machine.ts) loads on the first `start()`: a page's first rows
 * never need it, and `auditlens/core`'s first download is checked at 16 kB
 * (test/bench/size.bench.ts). Until then the job is idle, as it is before any start.
 */
import { AuditError, isAbort } from './audit-error.js'
import type { AuditFilters } from '../../protocol/filters.js'
import type { AuditClient, ExportFormat } from './client.js'

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

let machine: Promise<typeof import('./export-job-machine.js')> | null = null

/** An export job for `client`; nothing is requested until `start()`. */
export function createExportJob(client: AuditClient, options: ExportJobOptions): ExportJob {
  const listeners = new Set<() => void>()
  /** The machine, once a start has loaded it; until then the job is `idle`, or `cancelled`. */
  let inner: ExportJob | null = null
  let state: ExportJobState = { status: 'idle' }
  /** Bumped by every start and by a cancel while the machine loads: an older start then does nothing. */
  let starts = 0
  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot: () => inner?.getSnapshot() ?? state,
    async start() {
      const mine = ++starts
      let loaded: typeof import('./export-job-machine.js')
      try {
        loaded = await (machine ??= import('./export-job-machine.js'))
      } catch (error) {
        machine = null
        if (mine !== starts || inner) return
        state = { status: 'failed', error: AuditError.from(error, 'The export could not start.'), jobId: null }
        for (const listener of [...listeners]) listener()
        return
      }
      const { exportJobMachine } = loaded
      if (mine !== starts) return
      if (!inner) {
        inner = exportJobMachine(client, options, { AuditError, isAbort })
        inner.subscribe(() => {
          for (const listener of [...listeners]) listener()
        })
      }
      return inner.start()
    },
    cancel() {
      if (inner) return inner.cancel()
      // A start still loading the machine counts as creating: it is called off.
      if (starts > 0 && state.status === 'idle') {
        starts++
        state = { status: 'cancelled' }
        for (const listener of [...listeners]) listener()
      }
    },
    downloadUrl: (options) =>
      inner
        ? inner.downloadUrl(options)
        : Promise.reject(new AuditError('invalid-request', 'The export is not ready yet.', { retryable: false })),
  }
}
