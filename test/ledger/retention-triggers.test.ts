import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/ledger/database.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { generateEvents } from '../../src/ledger/seed.js'

let ledger: Ledger
let orgId: string
beforeAll(() => {
  ledger = new Ledger({ db: ':memory:', retentionIntervalMs: null })
  orgId = ledger.createOrg('guarded', null).id
  ledger.appendMany(orgId, [...generateEvents(10)])
})
afterAll(() => ledger.close())

const count = (table: string) =>
  (ledger.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE org_id = ?`).get(orgId) as { n: number }).n

describe('the append-only triggers with retention in place', () => {
  it('still refuse a plain DELETE or UPDATE of events and event_targets', () => {
    expect(() => ledger.db.prepare('DELETE FROM events WHERE org_id = ? AND seq = 1').run(orgId)).toThrow(
      /append-only: DELETE is refused/,
    )
    expect(() => ledger.db.prepare("UPDATE events SET action = 'x.y' WHERE org_id = ?").run(orgId)).toThrow(
      /append-only: UPDATE is refused/,
    )
    expect(() => ledger.db.prepare('DELETE FROM event_targets WHERE org_id = ?').run(orgId)).toThrow(
      /append-only: DELETE is refused/,
    )
    expect(() => ledger.db.prepare('UPDATE event_targets SET seq = seq + 100 WHERE org_id = ?').run(orgId)).toThrow(
      /append-only: UPDATE is refused/,
    )
    expect(count('events')).toBe(10)
  })

  it('admit a DELETE only within a permit’s org and seq range, and never an UPDATE', () => {
    const other = ledger.createOrg('other', null).id
    ledger.appendMany(other, [...generateEvents(3)])
    const attempt = ledger.db.transaction(() => {
      ledger.db.prepare('INSERT INTO prune_permits VALUES (?, 2)').run(orgId)
      try {
        expect(() => ledger.db.prepare('DELETE FROM events WHERE org_id = ? AND seq = 3').run(orgId)).toThrow(
          /DELETE is refused/,
        )
        expect(() => ledger.db.prepare('DELETE FROM events WHERE org_id = ? AND seq = 1').run(other)).toThrow(
          /DELETE is refused/,
        )
        expect(() =>
          ledger.db.prepare("UPDATE events SET action = 'x.y' WHERE org_id = ? AND seq = 1").run(orgId),
        ).toThrow(/UPDATE is refused/)
      } finally {
        ledger.db.prepare('DELETE FROM prune_permits').run()
      }
    })
    attempt()
    expect(count('events')).toBe(10)
  })

  it('keep prune markers append-only', () => {
    ledger.db
      .prepare(
        "INSERT INTO prune_markers VALUES (?, 1, '2026-01-01T00:00:00.000Z', 1, '2025-12-31T00:00:00.000Z', 'k', 's')",
      )
      .run(orgId)
    expect(() => ledger.db.prepare('DELETE FROM prune_markers').run()).toThrow(/prune markers are append-only/)
    expect(() => ledger.db.prepare('UPDATE prune_markers SET pruned_through_seq = 9').run()).toThrow(
      /prune markers are append-only/,
    )
  })
})

describe('a database made before retention', () => {
  it('gets the permit-aware DELETE triggers and the retention_days column when opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auditlens-ret-'))
    try {
      const path = join(dir, 'old.db')
      const old = openDatabase(path)
      // Recreate the earlier schema: unconditional triggers, no retention_days column.
      for (const table of ['events', 'event_targets']) {
        old.exec(`DROP TRIGGER ${table}_no_delete`)
        old.exec(
          `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE is refused'); END`,
        )
      }
      old.exec('ALTER TABLE orgs DROP COLUMN retention_days')
      old.close()

      const reopened = new Ledger({ db: path, retentionIntervalMs: null })
      const org = reopened.createOrg('old', null)
      reopened.appendMany(org.id, [...generateEvents(2)])
      reopened.retention.setDays(org.id, 1)
      expect(reopened.retention.daysOf(org.id)).toBe(1)
      const triggers = reopened.db
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_no_delete'")
        .all() as { sql: string }[]
      expect(triggers.filter((t) => t.sql.includes('prune_permits'))).toHaveLength(2)
      await reopened.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
