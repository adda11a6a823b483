/**
 * A download serves the file the export job wrote, never a path read from an edited database row.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventBody, startLedger, type TestLedger } from '../../support/ledger.js'

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
