import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Ledger } from '../../src/ledger/ledger.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { runCli } from '../support/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'auditlens-prune-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('auditlens prune', () => {
  it('runs one retention pass on the database and prints the marker it signed', async () => {
    const db = join(dir, 'ledger.db')
    // Events ingested ten days ago (the ledger's clock), under a three-day retention.
    const past = new Ledger({ db, now: () => Date.now() - 10 * 86_400_000, retentionIntervalMs: null })
    const org = past.createOrg('old-co', null)
    past.appendMany(org.id, [...generateEvents(4)])
    past.retention.setDays(org.id, 3)
    const kept = past.createOrg('forever-co', null)
    past.appendMany(kept.id, [...generateEvents(2)])
    await past.close()

    const result = await runCli(['prune', '--db', db])
    expect(result).toMatchObject({ code: 0 })
    expect(result.stdout).toMatch(
      new RegExp(`^${org.id}  pruned through seq 4 \\(3-day retention, before .+\\), marker signed by akey_`),
    )
    expect(result.stderr).toMatch(/1 prune marker\(s\) written/)

    const after = new Ledger({ db, retentionIntervalMs: null })
    try {
      expect(after.events.integrity(org.id, after.retention.prunedThrough(org.id))).toEqual({
        max_seq: 4,
        count: 0,
        gaps: [],
      })
      expect(after.events.integrity(kept.id)).toMatchObject({ count: 2 })
    } finally {
      await after.close()
    }
  })
})
