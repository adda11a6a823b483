/**
 * The export job's state machine (`createExportJob` in export-job.ts). The errors module comes
 * in as an argument rather than an import, so a view can load this file on the first export
 * (the React entry does) without splitting the errors module off into a shared chunk.
 */
import type * as Errors from './audit-error.js'
import type { AuditClient, ExportInfo } from './client.js'
import type { ExportJob, ExportJobOptions, ExportJobState } from './export-job.js'

/** Treat a link as expired this long before its stated expiry, for clock skew and latency. */
const EXPIRY_MARGIN_MS = 5_000

export function exportJobMachine(
  client: AuditClient,
  options: ExportJobOptions,
  { AuditError, isAbort }: Pick<typeof Errors, 'AuditError' | 'isAbort'>,
): ExportJob {
  const { now, sleep } = client.platform
  const minPoll = options.minPollMs ?? 1000
  const maxPoll = options.maxPollMs ?? 5000
  const listeners = new Set<() => void>()
  let state: ExportJobState = { status: 'idle' }
  let controller: AbortController | null = null

  const set = (next: ExportJobState) => {
    state = next
    for (const listener of [...listeners]) listener()
  }

  const readyOrNull = (info: ExportInfo): ExportJobState | null =>
    info.status === 'ready' && info.downloadUrl && info.expiresAt
      ? { status: 'ready', jobId: info.id, url: info.downloadUrl, expiresAt: info.expiresAt, rowCount: info.rowCount }
      : null

  async function run(signal: AbortSignal): Promise<void> {
    let jobId: string | null = null
    try {
      set({ status: 'creating' })
      let info = await client.createExport({ format: options.format, filters: options.filters ?? {} }, { signal })
      // A cancel (or restart) may land while an answer was already on its way: it wins.
      if (signal.aborted) return
      jobId = info.id
      for (let attempt = 1; ; attempt++) {
        const done = readyOrNull(info)
        if (done) return set(done)
        if (info.status === 'failed') {
          return set({
            status: 'failed',
            jobId,
            error: new AuditError('upstream', info.error ?? 'The export failed.', { retryable: true }),
          })
        }
        set({ status: 'polling', jobId, attempt, rowCount: info.rowCount })
        await sleep(Math.min(maxPoll, minPoll * 1.5 ** (attempt - 1)), signal)
        info = await client.getExport(jobId, { signal })
        if (signal.aborted) return
      }
    } catch (error) {
      if (signal.aborted || isAbort(error)) return
      const auditError = AuditError.from(error, 'The export could not be checked.')
      set({ status: 'failed', jobId, error: auditError })
    }
  }

  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot: () => state,
    start() {
      controller?.abort()
      controller = new AbortController()
      return run(controller.signal)
    },
    cancel() {
      if (state.status === 'creating' || state.status === 'polling') {
        controller?.abort()
        set({ status: 'cancelled' })
      }
    },
    async downloadUrl({ signal } = {}) {
      if (state.status !== 'ready')
        throw new AuditError('invalid-request', 'The export is not ready yet.', { retryable: false })
      if (Date.parse(state.expiresAt) - EXPIRY_MARGIN_MS > now()) return state.url
      const fresh = readyOrNull(await client.getExport(state.jobId, signal ? { signal } : {}))
      if (!fresh || fresh.status !== 'ready')
        throw new AuditError('not-found', 'The export is no longer available; export again.', { retryable: false })
      set(fresh)
      return fresh.url
    },
  }
}
