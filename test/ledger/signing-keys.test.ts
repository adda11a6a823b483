/**
 * The keys the ledger publishes and trusts come from its key files, not from the database: a
 * row written straight into SQLite (by anyone who can write the file, but not the key folder)
 * vouches for nothing.
 */
import Database from 'better-sqlite3'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { newId } from '../../src/ledger/ids.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { eventBody, startLedger, type TestLedger } from '../support/ledger.js'
import { createSigner, seedFrom } from '../support/signing.js'

interface KeysDocument {
  keys: { key_id: string; public_key: string }[]
}

let t: TestLedger | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

const rogue = createSigner(seedFrom(7), newId('akey', Date.now()))

/** Given a ledger on a database file, a second connection to it, as an attacker would open. */
async function fileLedger(warnings: string[]) {
  const db = join(mkdtempSync(join(tmpdir(), 'auditlens-keys-')), 'ledger.db')
  t = await startLedger({ db, warn: (line) => warnings.push(line) })
  return { ledger: t, attacker: new Database(db), db }
}

const publishedKeys = async (ledger: TestLedger) =>
  ((await (await fetch(`${ledger.url}/v1/audit/keys`)).json()) as KeysDocument).keys

describe('GET /v1/audit/keys', () => {
  it('does not publish a key row inserted straight into SQLite, and warns about it once', async () => {
    const warnings: string[] = []
    const { ledger, attacker } = await fileLedger(warnings)
    const [real] = ledger.ledger.keys.list()
    attacker
      .prepare('INSERT INTO signing_keys VALUES (?, ?, ?, ?)')
      .run(rogue.keyId, rogue.publicKey, '2000-01-01T00:00:00.000Z', '2000-01-02T00:00:00.000Z')
    attacker.close()

    expect(await publishedKeys(ledger)).toEqual([expect.objectContaining({ key_id: real!.key_id })])
    expect(await publishedKeys(ledger)).toHaveLength(1)
    expect(warnings).toEqual([expect.stringContaining(`"${rogue.keyId}" is in the database but has no key file`)])
  })

  it('does not publish the real key once its row’s public key is swapped for another', async () => {
    const warnings: string[] = []
    const { ledger, attacker } = await fileLedger(warnings)
    const [real] = ledger.ledger.keys.list()
    attacker.prepare('UPDATE signing_keys SET public_key = ? WHERE key_id = ?').run(rogue.publicKey, real!.key_id)
    attacker.close()

    expect(await publishedKeys(ledger)).toEqual([])
    expect(warnings).toEqual([expect.stringContaining('does not match its key file')])
    const ingest = await ledger.call('/v1/audit/events', {
      method: 'POST',
      json: eventBody(),
      headers: { 'idempotency-key': 'after-the-swap' },
    })
    expect(ingest.status).toBe(500) // the ledger refuses to sign under a key the database misstates
  })

  it('does not publish a retired key whose window a database write reopened, and warns about it', async () => {
    const warnings: string[] = []
    const { ledger, attacker } = await fileLedger(warnings)
    const [retired] = ledger.ledger.keys.list()
    const current = ledger.ledger.keys.rotate() // how an operator retires a leaked key
    const closed = (await publishedKeys(ledger)).find((k) => k.key_id === retired!.key_id)
    expect(closed).toMatchObject({ not_after: expect.any(String) })
    attacker
      .prepare('UPDATE signing_keys SET not_after = ? WHERE key_id = ?')
      .run('2999-01-01T00:00:00.000Z', retired!.key_id)
    attacker.close()

    expect((await publishedKeys(ledger)).map((k) => k.key_id)).toEqual([current.key_id])
    expect(warnings).toEqual([expect.stringContaining('validity window other than the one recorded')])
  })

  it('refuses to sign with a retired key that a database write made current again', async () => {
    const { ledger, attacker } = await fileLedger([])
    const [retired] = ledger.ledger.keys.list()
    const current = ledger.ledger.keys.rotate()
    attacker
      .prepare('UPDATE signing_keys SET not_after = NULL, not_before = ? WHERE key_id = ?')
      .run('2999-01-01T00:00:00.000Z', retired!.key_id)
    attacker.close()
    const ingest = await ledger.call('/v1/audit/events', {
      method: 'POST',
      json: eventBody(),
      headers: { 'idempotency-key': 'after-the-reopening' },
    })
    expect(ingest.status).toBe(500)
    expect(ledger.ledger.keys.list().map((k) => k.key_id)).toEqual([current.key_id])
  })

  it('keeps signing with the current key after a rotation that failed half-way', async () => {
    const { ledger, attacker } = await fileLedger([])
    attacker.close()
    const [current] = ledger.ledger.keys.list()
    // The new key cannot be made (a full disk, say) after the old window was recorded closed.
    vi.spyOn(ledger.ledger.keys as unknown as { create: () => never }, 'create').mockImplementation(() => {
      throw new Error('ENOSPC: no space left on device')
    })
    expect(() => ledger.ledger.keys.rotate()).toThrowError(/ENOSPC/)
    vi.restoreAllMocks()
    expect((await ledger.ingest(eventBody())).key_id).toBe(current!.key_id)
    expect(await publishedKeys(ledger)).toEqual([expect.objectContaining({ key_id: current!.key_id, not_after: null })])
  })

  it('keeps publishing a key rotated by another process (the window record is read afresh)', async () => {
    const { ledger, attacker, db } = await fileLedger([])
    attacker.close()
    const [first] = await publishedKeys(ledger)
    // Another process (auditlens keys rotate) on the same database and key folder.
    const other = new Ledger({ db, warn: () => {} })
    const second = other.keys.rotate()
    await other.close()
    expect((await publishedKeys(ledger)).map((k) => k.key_id)).toEqual([first!.key_id, second.key_id])
  })

  it('does not publish a row whose key_id would name a file outside the key folder', async () => {
    const warnings: string[] = []
    const { ledger, attacker } = await fileLedger(warnings)
    attacker
      .prepare('INSERT INTO signing_keys VALUES (?, ?, ?, NULL)')
      .run('../../ledger', rogue.publicKey, '1999-01-01T00:00:00.000Z')
    attacker.close()
    expect((await publishedKeys(ledger)).map((k) => k.key_id)).not.toContain('../../ledger')
  })
})

describe('GET /v1/audit/events/:id/verify', () => {
  it('does not call an event verified because it is signed by a key row inserted into the database', async () => {
    t = await startLedger({ warn: () => {} })
    const stored = await t.ingest(eventBody())
    t.ledger.db
      .prepare('INSERT INTO signing_keys VALUES (?, ?, ?, ?)')
      .run(rogue.keyId, rogue.publicKey, '2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z')
    // A forged event appended around the ledger (INSERT is not refused by the triggers).
    const forged = rogue.sign({
      id: newId('aevt', Date.now()),
      org_id: stored.org_id,
      seq: 2,
      occurred_at: stored.occurred_at,
      ingested_at: stored.ingested_at,
      action: 'member.role_changed',
      actor: { type: 'user', id: 'user_1', name: 'Ada' },
      targets: [],
      context: null,
      metadata: { role: 'owner' },
    })
    t.ledger.db
      .prepare(
        `INSERT INTO events (org_id, seq, id, occurred_at, ingested_at, action, actor_id, actor_json, targets_json,
          context_json, metadata_json, payload_hash, signature, key_id) VALUES (?, 2, ?, ?, ?, ?, 'user_1', ?, '[]', NULL, ?, ?, ?, ?)`,
      )
      .run(
        forged.org_id,
        forged.id,
        forged.occurred_at,
        forged.ingested_at,
        forged.action,
        JSON.stringify(forged.actor),
        JSON.stringify(forged.metadata),
        forged.payload_hash,
        forged.signature,
        rogue.keyId,
      )

    const check = (await (await t.call(`/v1/audit/events/${forged.id}/verify`)).json()) as Record<string, unknown>
    expect(check).toMatchObject({ valid: false, status: 'untrusted' })
    const genuine = (await (await t.call(`/v1/audit/events/${String(stored.id)}/verify`)).json()) as Record<
      string,
      unknown
    >
    expect(genuine).toMatchObject({ valid: true, status: 'verified' })
  })
})
