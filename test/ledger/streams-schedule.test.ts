/**
 * What a stream keeps in the database between processes: its retry schedule survives a
 * restart, and events another process appends are found by the deliverer's poll.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Ledger } from '../../src/ledger/ledger.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { ManualClock } from '../support/manual-clock.js'
import { startReceiver } from '../support/webhook-receiver.js'

const dir = mkdtempSync(join(tmpdir(), 'auditlens-streams-schedule-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function delivering(db: string, clock: ManualClock): Ledger {
  return new Ledger({
    db,
    now: clock.now,
    streams: {
      deliver: true,
      // The receiver is on 127.0.0.1, a private address: opted in explicitly (default refused).
      allowPrivateTargets: true,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      random: () => 0.5,
      baseDelayMs: 60_000,
      pollMs: 5_000,
    },
  })
}

describe('stream state across processes', () => {
  it('keeps the retry schedule across a restart, then delivers under the same webhook-id', async () => {
    const db = join(dir, 'schedule.db')
    const receiver = await startReceiver((n) => (n === 0 ? 503 : 200))
    const clock = new ManualClock()
    let ledger = delivering(db, clock)
    const org = ledger.createOrg('acme', null)
    const stream = ledger.streams.create(org.id, { url: receiver.url })
    receiver.secret = stream.signing_secret
    ledger.appendMany(org.id, [...generateEvents(1)])
    await receiver.waitFor(1)
    await ledger.streams.settled()
    await ledger.close()

    // A new process on the same file, with its own clock and timers, 10 s later.
    const later = new ManualClock(clock.now() + 10_000)
    ledger = delivering(db, later)
    await ledger.streams.settled()
    expect(ledger.streams.list(org.id)[0]).toMatchObject({
      state: 'error',
      failure_streak: 1,
      last_error: 'HTTP 503',
      next_attempt_at: new Date(clock.now() + 30_000).toISOString(),
    })
    later.advance(19_999)
    await ledger.streams.settled()
    expect(receiver.received).toHaveLength(1)
    later.advance(1)
    await receiver.waitFor(2)
    await ledger.streams.settled()
    expect(receiver.received[1]!.id).toBe(receiver.received[0]!.id)
    expect(receiver.received[1]!.verified).toBe(true)
    expect(ledger.streams.list(org.id)[0]).toMatchObject({ state: 'active', cursor_seq: 1 })
    await ledger.close()
    await receiver.close()
  })

  it('finds events another process appended on its next poll', async () => {
    const db = join(dir, 'poll.db')
    const receiver = await startReceiver()
    const clock = new ManualClock()
    const server = delivering(db, clock)
    const org = server.createOrg('acme', null)
    receiver.secret = server.streams.create(org.id, { url: receiver.url }).signing_secret
    // `auditlens seed` and scripts open the same file without delivering.
    const writer = new Ledger({ db })
    writer.appendMany(org.id, [...generateEvents(3)])
    await writer.close()
    await server.streams.settled()
    expect(receiver.received).toHaveLength(0)
    clock.advance(5_000)
    await receiver.waitFor(3)
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { seq: number }).seq)).toEqual([1, 2, 3])
    await server.close()
    await receiver.close()
  })
})
