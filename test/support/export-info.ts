import type { ExportInfo } from '../../src/core/index.js'

/** An export job as the client reports it: running, no rows yet, unless `over` says otherwise. */
export function exportInfo(over: Partial<ExportInfo> = {}): ExportInfo {
  return {
    id: 'h1',
    format: 'csv',
    status: 'running',
    rowCount: 0,
    error: null,
    downloadUrl: null,
    expiresAt: null,
    ...over,
  }
}
