import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KeyRing, parseAuditJson, parseKeysDocument, verifyEvents } from '../../src/core/index.js'
import { CSV_COLUMNS, csvCell } from '../../src/ledger/csv.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { eventBody, startLedger, type TestLedger } from '../support/ledger.js'
import { splitExport } from '../support/ndjson.js'

interface Job {
  id: string
  org_id: string
  format: string
  status: string
  row_count: number
  error: string | null
  download_url: string | null
  expires_at: string | null
}

let now = Date.parse('2026-11-20T12:00:00Z')
let t: TestLedger
let orgId: string

beforeAll(async () => {
  t = await startLedger({ now: () => now })
  orgId = t.ledger.createOrg('acme', 'Acme').id
  t.ledger.appendMany(orgId, [...generateEvents(2500, { seed: 5 })])
})
afterAll(() => t.close())

async function createExport(body: Record<string, unknown>, ledger = t): Promise<Job> {
  const response = await ledger.call('/v1/audit/exports', { method: 'POST', json: body })
  expect(response.status).toBe(202)
  const job = (await response.json()) as Job
  expect(job.status).toBe('queued')
  await ledger.ledger.exports.idle()
  return (await (await ledger.call(`/v1/audit/exports/${job.id}`)).json()) as Job
}

describe('exports', () => {
  it('writes NDJSON lines that are exactly the API’s events, each verifying against /keys', async () => {
    const job = await createExport({ org_id: orgId, format: 'ndjson' })
    expect(job).toMatchObject({ status: 'ready', row_count: 2500, error: null, format: 'ndjson' })
    const download = await fetch(job.download_url!)
    expect(download.status).toBe(200)
    expect(download.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8')
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-log-acme-aexp_\w+\.ndjson"$/,
    )
    const { lines, trailer } = splitExport(await download.text())
    expect(lines).toHaveLength(2500)
    // The whole log, so the trailer carries its checkpoint and no per-event proofs (issue 14).
    expect(trailer).toEqual({ checkpoint: expect.stringMatching(/\n2500\n/) })
    const keys = new KeyRing(parseKeysDocument(await (await fetch(`${t.url}/v1/audit/keys`)).json()))
    const results = await verifyEvents(
      lines.map((l) => parseAuditJson(l)),
      { trustedKeys: keys },
    )
    expect(results.filter((r) => r.status !== 'verified')).toEqual([])
    // The same bytes the list endpoint serves for the newest event.
    const page = await (await t.call(`/v1/audit/events?org_id=${orgId}&limit=1`)).text()
    expect(page).toContain(lines[0])
  })

  it('applies filters, accepting actions as a list or a comma string', async () => {
    const listed = await createExport({
      organization_id: orgId,
      format: 'ndjson',
      filters: { actions: ['user.signed_in', 'invoice.paid'], range_start: '2000-01-01T00:00:00Z' },
    })
    const comma = await createExport({
      org_id: orgId,
      format: 'ndjson',
      filters: { actions: 'invoice.paid,user.signed_in' },
    })
    expect(listed.row_count).toBe(comma.row_count)
    const text = await (await fetch(listed.download_url!)).text()
    const actions = new Set(splitExport(text).lines.map((l) => (JSON.parse(l) as { action: string }).action))
    expect(actions).toEqual(new Set(['user.signed_in', 'invoice.paid']))
    expect(listed.row_count).toBeGreaterThan(100)
  })

  it('writes CSV with a documented header, RFC 4180 quoting and formula-safe cells', async () => {
    const org = t.ledger.createOrg('csv-org', null).id
    await t.ingest(
      eventBody({
        org: 'csv-org',
        actor: { type: 'user', id: 'u1', name: '=HYPERLINK("http://evil.example","click")' },
        metadata: { note: 'comma, "quote"\nnew line' },
      }),
    )
    await t.ingest(eventBody({ org: 'csv-org', actor: { type: 'user', id: '+1 555', name: '@admin' } }))
    const job = await createExport({ org_id: org, format: 'csv' })
    const download = await fetch(job.download_url!)
    expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const text = await download.text()
    const [header] = text.split('\r\n')
    expect(header).toBe(CSV_COLUMNS.join(','))
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`)
    expect(text).toContain(`,'+1 555,'@admin,`)
    expect(text).toContain('"{""note"":""comma, \\""quote\\""\\nnew line""}"')
    expect(text.endsWith('\r\n')).toBe(true)
  })

  it.each([
    ['=1+1', "'=1+1"],
    ['-2x', "'-2x"],
    ['\tx', `"'\tx"`],
    ['\rx', `"'\rx"`],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
  ])('neutralises the CSV cell %j as %j', (input, output) => {
    expect(csvCell(input)).toBe(output)
  })

  it('is ready with row_count 0 when nothing matches', async () => {
    const job = await createExport({ org_id: orgId, format: 'csv', filters: { actions: ['no.such_action'] } })
    expect(job).toMatchObject({ status: 'ready', row_count: 0, error: null })
    expect(await (await fetch(job.download_url!)).text()).toBe(CSV_COLUMNS.join(',') + '\r\n')
  })

  it('fails with a reason when the file cannot be written', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'auditlens-block-')), 'not-a-dir')
    writeFileSync(blocker, 'a file where the export folder should be')
    const broken = await startLedger({ exportDir: blocker })
    try {
      const org = broken.ledger.createOrg('acme', null).id
      broken.ledger.appendMany(org, [...generateEvents(5)])
      const job = await createExport({ org_id: org, format: 'ndjson' }, broken)
      expect(job).toMatchObject({
        status: 'failed',
        download_url: null,
        error: expect.stringMatching(/could not be written/),
      })
    } finally {
      await broken.close()
    }
  })

  it('releases the file when the ledger shuts down mid-export', async () => {
    const { readdirSync, readlinkSync } = await import('node:fs')
    const openFilesOf = (jobId: string) =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).includes(jobId)
        } catch {
          return false
        }
      })
    const busy = await startLedger()
    const org = busy.ledger.createOrg('acme', null).id
    busy.ledger.appendMany(org, [...generateEvents(6000)])
    const job = busy.ledger.exports.create(org, 'ndjson', {
      actions: [],
      actorId: null,
      targetId: null,
      from: null,
      to: null,
    })
    await new Promise((resolve) => setTimeout(resolve, 5))
    await busy.ledger.exports.close()
    expect(busy.ledger.exports.get(job.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/shut down/),
    })
    expect(openFilesOf(job.id)).toEqual([])
    await busy.close()
  })

  describe('download links', () => {
    it('expire after 10 minutes, and polling again gives a fresh one', async () => {
      const job = await createExport({ org_id: orgId, format: 'ndjson', filters: { actions: 'invoice.paid' } })
      expect(Date.parse(job.expires_at!) - now).toBe(600_000)
      expect(job.download_url).toMatch(/\/download\?expires=\d+&signature=[\w-]{43}$/)
      now += 601_000
      const expired = await fetch(job.download_url!)
      expect(expired.status).toBe(403)
      expect(await expired.json()).toEqual({
        error: 'forbidden',
        message: expect.stringMatching(/expired; poll the export again/),
      })
      const fresh = (await (await t.call(`/v1/audit/exports/${job.id}`)).json()) as Job
      expect(fresh.download_url).not.toBe(job.download_url)
      expect((await fetch(fresh.download_url!)).status).toBe(200)
    })

    it.each([
      ['an edited signature', (u: URL) => u.searchParams.set('signature', '0'.repeat(64))],
      ['a well-formed signature of another link', (u: URL) => u.searchParams.set('signature', 'A'.repeat(43))],
      [
        'one changed character',
        (u: URL) =>
          u.searchParams.set(
            'signature',
            u.searchParams.get('signature')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
          ),
      ],
      [
        'a later expiry',
        (u: URL) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600)),
      ],
      [
        'another export id',
        (u: URL) => (u.pathname = u.pathname.replace(/aexp_\w+/, 'aexp_01JOTHER0000000000000000000')),
      ],
      ['no signature', (u: URL) => u.searchParams.delete('signature')],
    ])('refuse %s with 403', async (_label, edit) => {
      const job = await createExport({ org_id: orgId, format: 'csv', filters: { actions: 'invoice.voided' } })
      const url = new URL(job.download_url!)
      edit(url)
      const response = await fetch(url)
      expect(response.status).toBe(403)
      expect(await response.json()).toMatchObject({ error: 'forbidden' })
    })
  })

  it('refuses bad export requests with a JSON reason', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ org_id: 'aorg_missing', format: 'csv' }, 404, /No org has id/],
      [{ format: 'csv' }, 400, /org_id .*required/],
      [{ org_id: orgId, format: 'xlsx' }, 400, /format must be/],
      [{ org_id: orgId, format: 'csv', filters: { colour: 'red' } }, 400, /filters\.colour is not a filter/],
      [{ org_id: orgId, format: 'csv', filters: { range_start: 'soon' } }, 400, /RFC 3339/],
      [{ org_id: orgId, format: 'csv', extra: 1 }, 400, /extra is not a field/],
    ]
    for (const [body, status, message] of cases) {
      const response = await t.call('/v1/audit/exports', { method: 'POST', json: body })
      expect(response.status).toBe(status)
      expect(((await response.json()) as { message: string }).message).toMatch(message)
    }
  })
})

describe('export idempotency', () => {
  const count = () => (t.ledger.db.prepare('SELECT COUNT(*) AS n FROM exports').get() as { n: number }).n
  const post = (body: Record<string, unknown>, key: string, authorization?: string) =>
    t.call('/v1/audit/exports', {
      method: 'POST',
      json: body,
      headers: { 'idempotency-key': key, ...(authorization ? { authorization } : {}) },
    })

  it('gives back the same job for the same key and body (200, Idempotent-Replayed), creating one', async () => {
    const before = count()
    const body = { org_id: orgId, format: 'csv', filters: { actions: ['invoice.paid'] } }
    const first = await post(body, 'export-key-1')
    const again = await post({ filters: { actions: ['invoice.paid'] }, format: 'csv', org_id: orgId }, 'export-key-1')
    expect([first.status, again.status]).toEqual([202, 200])
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(((await again.json()) as Job).id).toBe(((await first.json()) as Job).id)
    expect(count()).toBe(before + 1)
    await t.ledger.exports.idle()
  })

  it('refuses the same key with a different body (409), creating nothing', async () => {
    await post({ org_id: orgId, format: 'csv' }, 'export-key-2')
    const before = count()
    const response = await post({ org_id: orgId, format: 'ndjson' }, 'export-key-2')
    expect(response.status).toBe(409)
    expect(await response.json()).toEqual({ error: 'conflict', message: expect.stringMatching(/different body/) })
    expect(count()).toBe(before)
    await t.ledger.exports.idle()
  })

  it('keeps keys per API key, and apart from the keys of ingest', async () => {
    const secret = t.ledger.apiKeys.create(['audit:read']).secret
    const body = { org_id: orgId, format: 'csv' }
    const mine = (await (await post(body, 'export-key-3')).json()) as Job
    const theirs = await post(body, 'export-key-3', `Bearer ${secret}`)
    expect(theirs.status).toBe(202)
    expect(((await theirs.json()) as Job).id).not.toBe(mine.id)
    const ingested = await t.call('/v1/audit/events', {
      method: 'POST',
      json: eventBody(),
      headers: { 'idempotency-key': 'export-key-3' },
    })
    expect(ingested.status).toBe(409)
    await t.ledger.exports.idle()
  })

  it('refuses an empty or over-long key', async () => {
    for (const key of ['', 'k'.repeat(256)]) {
      const response = await post({ org_id: orgId, format: 'csv' }, key)
      expect(response.status).toBe(400)
      expect(((await response.json()) as { message: string }).message).toMatch(/Idempotency-Key/)
    }
  })
})
