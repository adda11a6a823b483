/**
 * Export files are where the export job puts them: a download serves the file the job wrote, and
 * a job writes only in the export folder, never at a path read from an edited database row.
 */
import Database from 'better-sqlite3'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Ledger } from '../../src/ledger/ledger.js'
import { parseFilters } from '../../src/protocol/filters.js'
import { eventBody, startLedger, type TestLedger } from '../support/ledger.js'

let t: TestLedger
beforeAll(async () => {
  t = await startLedger()
})
afterAll(() => t.close())

async function readyExport(): Promise<{ id: string }> {
  const event = await t.ingest(eventBody())
  const response = await t.call('/v1/audit/exports', {
    method: 'POST',
    json: { org_id: event.org_id, format: 'ndjson' },
  })
  const job = (await response.json()) as { id: string }
  await t.ledger.exports.idle()
  return job
}

const downloadUrl = async (id: string) =>
  ((await (await t.call(`/v1/audit/exports/${id}`)).json()) as { download_url: string }).download_url

describe('GET /v1/audit/exports/:id/download', () => {
  it('serves the export’s own file', async () => {
    const job = await readyExport()
    const download = await fetch(await downloadUrl(job.id))
    expect(download.status).toBe(200)
    expect(await download.text()).toContain('"action":"invoice.paid"')
  })

  it('does not serve another file when the database row’s file_path is edited to point at it', async () => {
    const job = await readyExport()
    const secret = join(mkdtempSync(join(tmpdir(), 'auditlens-secret-')), 'secret.txt')
    writeFileSync(secret, 'a file outside the export folder')
    t.ledger.db.prepare('UPDATE exports SET file_path = ? WHERE id = ?').run(secret, job.id)

    const download = await fetch(await downloadUrl(job.id))
    expect(download.status).toBe(404)
    expect(await download.json()).toEqual({ error: 'not_found', message: expect.stringMatching(/no file to download/) })
  })
})

describe('export jobs left queued in the database', () => {
  it('are failed, not written outside the export folder or crashing the ledger, when their row was edited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auditlens-export-rows-'))
    const db = join(dir, 'data', 'ledger.db')
    const first = new Ledger({ db })
    const org = first.createOrg('acme', null).id
    await first.close()
    const attacker = new Database(db)
    const insert = attacker.prepare(
      "INSERT INTO exports VALUES (?, ?, ?, ?, 'queued', 0, NULL, NULL, '2026-11-20T00:00:00Z', NULL)",
    )
    insert.run('../../escaped', org, 'csv', JSON.stringify(parseFilters(() => null)))
    insert.run('aexp_01KZZZZZZZZZZZZZZZZZZZZZZZ', org, 'ndjson', 'not json')
    attacker.close()

    const reopened = await startLedger({ db })
    try {
      await reopened.ledger.exports.idle()
      expect(existsSync(join(dir, 'escaped.csv'))).toBe(false)
      const status = async (id: string) => reopened.ledger.exports.get(id)
      expect(await status('../../escaped')).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/id or format/),
      })
      const edited = await reopened.call('/v1/audit/exports/aexp_01KZZZZZZZZZZZZZZZZZZZZZZZ')
      expect(await edited.json()).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/could not be written/),
      })
    } finally {
      await reopened.close()
    }
  })
})
