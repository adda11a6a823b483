/**
 * Two reference ledgers that share a history and a signing key: one database file seeded,
 * closed and copied, both opened over the same key folder. Whatever is appended to one
 * afterwards is a second history signed with the same key, the same-key fork of issue 14.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateEvents } from '../../src/ledger/seed.js'
import { startLedger, type TestLedger } from './ledger.js'

export interface ForkedLedgers {
  a: TestLedger
  b: TestLedger
  /** The shared org's id (the same in both). */
  orgId: string
  /** Append `count` events to `ledger` (a different seed per call, so the two histories differ). */
  append(ledger: TestLedger, count: number): void
  close(): Promise<void>
}

let seed = 100

/** Seed `shared` events for org `acme`, then fork the database. */
export async function startForkedLedgers(shared: number): Promise<ForkedLedgers> {
  const dir = mkdtempSync(join(tmpdir(), 'auditlens-fork-'))
  const first = await startLedger({ db: join(dir, 'a.db') })
  const orgId = first.ledger.createOrg('acme', 'Acme').id
  first.ledger.appendMany(orgId, [...generateEvents(shared, { seed: 1 })])
  await first.close()
  copyFileSync(join(dir, 'a.db'), join(dir, 'b.db'))
  const a = await startLedger({ db: join(dir, 'a.db') })
  const b = await startLedger({ db: join(dir, 'b.db') })
  return {
    a,
    b,
    orgId,
    append: (ledger, count) => void ledger.ledger.appendMany(orgId, [...generateEvents(count, { seed: ++seed })]),
    async close() {
      await a.close()
      await b.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
