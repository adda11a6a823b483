import { afterEach, describe, expect, it } from 'vitest'
import { Ledger } from '../../src/ledger/ledger.js'
import { seedOrg } from '../../src/ledger/seed.js'

const NO_FILTERS = { actions: [], actorId: null, targetId: null, from: null, to: null }

// Crockford base32 of the first 48 bits of a ULID-shaped id: its milliseconds.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const idTime = (id: string) => [...id.split('_')[1]!.slice(0, 10)].reduce((t, c) => t * 32 + ALPHABET.indexOf(c), 0)

let ledger: Ledger | null = null
afterEach(async () => {
  await ledger?.close()
  ledger = null
})

describe('a ledger given a clock', () => {
  it('stamps orgs, events, exports, API keys and idempotency keys with its time, not the wall clock', async () => {
    let now = Date.parse('2001-02-03T04:05:06.789Z')
    ledger = new Ledger({ db: ':memory:', now: () => now })
    const at = (sql: string, id: string) => (ledger!.db.prepare(sql).get(id) as { created_at: string }).created_at

    const org = ledger.createOrg('clocked', null)
    expect(at('SELECT created_at FROM orgs WHERE id = ?', org.id)).toBe('2001-02-03T04:05:06.789Z')
    expect(idTime(org.id)).toBe(now)

    now += 1000
    const key = ledger.apiKeys.create(['audit:write'])
    expect(at('SELECT created_at FROM api_keys WHERE id = ?', key.id)).toBe('2001-02-03T04:05:07.789Z')
    expect(idTime(key.id)).toBe(now)

    now += 1000
    const caller = { keyId: key.id, scopes: new Set(['audit:write'] as const) }
    const input = { orgRef: 'clocked', action: 'a.b', occurredAt: null, actor: { id: 'u' } }
    const { event } = ledger.ingest(caller, 'k1', { ...input, targets: [], context: null, metadata: null }, { a: 1 })
    expect(event.ingested_at).toBe('2001-02-03T04:05:08.789Z')
    expect(idTime(event.id)).toBe(now)
    expect(
      (ledger.db.prepare('SELECT created_at FROM idempotency_keys WHERE key = ?').get('k1') as { created_at: string })
        .created_at,
    ).toBe('2001-02-03T04:05:08.789Z')

    now += 1000
    const { job } = ledger.createExport(caller, null, org.id, 'csv', NO_FILTERS, {})
    expect(job.created_at).toBe('2001-02-03T04:05:09.789Z')
    expect(idTime(job.id)).toBe(now)
    now += 1000
    await ledger.exports.idle()
    expect(ledger.exports.get(job.id)).toMatchObject({ status: 'ready', finished_at: '2001-02-03T04:05:10.789Z' })
  })

  it('seeds demo events up to its own time', () => {
    const now = Date.parse('2001-02-03T04:05:06.789Z')
    ledger = new Ledger({ db: ':memory:', now: () => now })
    const org = ledger.createOrg('seeded', null)
    seedOrg(ledger, org.id, 20)
    const latest = ledger.db.prepare('SELECT MAX(occurred_at) AS at FROM events').get() as { at: string }
    expect(Date.parse(latest.at)).toBeLessThanOrEqual(now)
    expect(Date.parse(latest.at)).toBeGreaterThan(now - 181 * 86_400_000)
  })
})
