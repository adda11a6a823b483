/**
 * Export jobs: a background worker streams matching events to a file in keyset chunks, so
 * memory stays flat however many rows there are, and the event loop keeps serving requests
 * between chunks. Progress (row_count) is visible while the job runs.
 */
import { createWriteStream, mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { once } from 'node:events'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { CSV_HEADER, csvRow } from './csv.js'
import { statements, type Db } from './database.js'
import type { EventStore } from './event-store.js'
import { newId } from './ids.js'
import type { LogTree } from './log-tree.js'
import type { EventFilters } from '../protocol/filters.js'

export type ExportFormat = 'csv' | 'ndjson'
export type ExportStatus = 'queued' | 'running' | 'ready' | 'failed'

export interface ExportRow {
  id: string
  org_id: string
  format: ExportFormat
  filters: string
  status: ExportStatus
  row_count: number
  error: string | null
  file_path: string | null
  created_at: string
  finished_at: string | null
}

const CHUNK = 2000

export class Exports {
  private readonly running = new Set<Promise<void>>()
  private closed = false
  private readonly sql: ReturnType<typeof statements>

  constructor(
    private readonly db: Db,
    private readonly events: EventStore,
    private readonly directory: string,
    private readonly clock: () => number,
    /** Trees and checkpoints, for the trailer that ends an NDJSON export (issue 14). */
    private readonly log: LogTree | null = null,
  ) {
    this.sql = statements(db)
    // Jobs a previous process left unfinished start over rather than staying "running" forever.
    const stale = this.sql("SELECT id FROM exports WHERE status IN ('queued', 'running')").all() as {
      id: string
    }[]
    for (const { id } of stale) this.start(id)
  }

  create(orgId: string, format: ExportFormat, filters: EventFilters): ExportRow {
    const now = this.clock()
    const row: ExportRow = {
      id: newId('aexp', now),
      org_id: orgId,
      format,
      filters: JSON.stringify(filters),
      status: 'queued',
      row_count: 0,
      error: null,
      file_path: null,
      created_at: new Date(now).toISOString(),
      finished_at: null,
    }
    this.sql(
      `INSERT INTO exports VALUES (@id, @org_id, @format, @filters, @status, @row_count, @error, @file_path,
          @created_at, @finished_at)`,
    ).run(row)
    this.start(row.id)
    return row
  }

  get(id: string): ExportRow | undefined {
    return this.sql('SELECT * FROM exports WHERE id = ?').get(id) as ExportRow | undefined
  }

  /**
   * The file a ready job's download serves: the one this class writes for its id and format in
   * the export folder, and only if the stored file_path names exactly that. The path is not taken
   * from the database alone, so an edited row cannot make a download serve another file.
   */
  fileOf(job: ExportRow): string | null {
    const path = this.pathFor(job)
    return path !== null && job.file_path !== null && resolve(job.file_path) === resolve(path) ? path : null
  }

  /** Where a job's file goes; null for an id or format this class never makes (a row edited in the database). */
  private pathFor(job: ExportRow): string | null {
    if (!/^aexp_[0-9A-Z]{26}$/.test(job.id) || (job.format !== 'csv' && job.format !== 'ndjson')) return null
    return join(this.directory, `${job.id}.${job.format}`)
  }

  private start(id: string): void {
    const job = this.run(id).finally(() => this.running.delete(job))
    this.running.add(job)
  }

  private async run(id: string): Promise<void> {
    await yieldToLoop() // answer the POST before the first chunk
    const job = this.get(id)
    if (!job || this.closed) return
    const path = this.pathFor(job)
    const update = this.sql('UPDATE exports SET status = ?, row_count = ?, file_path = ? WHERE id = ?')
    let count = 0
    let out: ReturnType<typeof createWriteStream> | null = null
    try {
      // A row edited in the database must not choose where the ledger writes, nor crash it.
      if (path === null) throw new Error('its id or format is not one this ledger makes')
      const filters = JSON.parse(job.filters) as EventFilters
      mkdirSync(this.directory, { recursive: true })
      update.run('running', 0, null, id)
      const file = createWriteStream(path, { flags: 'w', mode: 0o600 })
      out = file
      const failed = new Promise<never>((_, reject) => file.once('error', reject))
      failed.catch(() => {})
      const write = async (text: string) => {
        if (!file.write(text)) await Promise.race([once(file, 'drain'), failed])
      }
      if (job.format === 'csv') await write(CSV_HEADER)
      // An NDJSON export is of the log at one size: the size its trailer's checkpoint signs.
      const size = job.format === 'ndjson' && this.log?.covers(job.org_id) ? this.log.size(job.org_id) : null
      const filtered = isFiltered(filters)
      const included: [string, number][] = []
      let before: number | null = size === null ? null : size + 1
      for (;;) {
        if (this.closed) throw new Error('The ledger shut down during the export; start it again.')
        const rows = this.events.page(job.org_id, filters, CHUNK, before)
        let text = ''
        for (const row of rows) {
          text += job.format === 'csv' ? csvRow(row) : this.events.toJson(row) + '\n'
          if (size !== null && filtered) included.push([row.id, row.seq])
        }
        if (text) await write(text)
        count += rows.length
        update.run('running', count, null, id)
        if (rows.length < CHUNK) break
        before = rows[rows.length - 1]!.seq
        await yieldToLoop()
      }
      if (size !== null) await write(JSON.stringify(this.trailer(job.org_id, size, filtered ? included : null)) + '\n')
      file.end()
      await Promise.race([once(file, 'finish'), failed])
      this.sql("UPDATE exports SET status = 'ready', row_count = ?, file_path = ?, finished_at = ? WHERE id = ?").run(
        count,
        path,
        new Date(this.clock()).toISOString(),
        id,
      )
    } catch (error) {
      // Release the descriptor (and wait until it is): a removed file would otherwise stay open.
      if (out && !out.closed) {
        const closed = once(out, 'close').catch(() => {})
        out.destroy()
        await closed
      }
      try {
        if (path !== null) rmSync(path, { force: true })
      } catch {
        // The folder itself is unusable (the likely cause of the failure); nothing to remove.
      }
      const message = error instanceof Error ? error.message : String(error)
      this.sql("UPDATE exports SET status = 'failed', error = ?, finished_at = ? WHERE id = ?").run(
        `The export could not be written: ${message}`,
        new Date(this.clock()).toISOString(),
        id,
      )
    }
  }

  /**
   * The last line of an NDJSON export: the checkpoint of the log at `size`, and what lets a
   * reader check the lines against it offline: each event's inclusion proof when the export is
   * filtered, the frontier of the pruned prefix when retention removed the oldest events.
   */
  private trailer(orgId: string, size: number, included: [string, number][] | null) {
    const log = this.log!
    const trailer: Record<string, unknown> = { checkpoint: log.checkpoint(orgId, size).checkpoint }
    if (included) {
      const inclusion: Record<string, unknown> = {}
      for (const [id, seq] of included) {
        const { index, proof } = log.inclusion(orgId, seq, size)
        inclusion[id] = { index, size, proof }
      }
      trailer.inclusion = inclusion
    } else {
      const pruned = log.prunedPrefix(orgId, size)
      if (pruned) trailer.pruned = pruned
    }
    return trailer
  }

  /** Wait for running jobs to stop (they fail with a clear error once closed). */
  async close(): Promise<void> {
    this.closed = true
    await Promise.allSettled([...this.running])
  }

  /** Resolves when every job started so far has finished; for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }
}

/** Whether an export holds part of the log (so its trailer proves each event) or all of it. */
function isFiltered(filters: EventFilters): boolean {
  return (
    filters.actions.length > 0 ||
    filters.actorId !== null ||
    filters.targetId !== null ||
    filters.from !== null ||
    filters.to !== null
  )
}
