/**
 * The demo's data: realistic events in three orgs, and in `acme` the three things a
 * trustworthy audit tab must show honestly: an event changed after signing, an event signed
 * by a key that is not the ledger's, and a seq gap. They are made the way an attacker with
 * database access would make them: by going around the ledger's append-only triggers.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { canonicalBytes, parseAuditJson, stringifyAuditJson } from '../../src/core/index.js'
import type { Ledger } from '../../src/ledger/ledger.js'
import { seedDemo } from '../../src/ledger/demo-orgs.js'

const TRIGGERS = `
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE is refused'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE is refused'); END;
CREATE TRIGGER IF NOT EXISTS event_targets_no_delete BEFORE DELETE ON event_targets
BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE is refused'); END;`

/** Run `change` with the append-only guards lifted, and put them back, in one transaction. */
function aroundTheGuards(ledger: Ledger, change: () => void): void {
  ledger.db.transaction(() => {
    ledger.db.exec(
      'DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; DROP TRIGGER event_targets_no_delete;',
    )
    change()
    ledger.db.exec(TRIGGERS)
  })()
}

/** Seed the demo orgs on a first run and plant acme's examples. Returns events added. */
export function prepareDemo(ledger: Ledger, total: number): number {
  const added = seedDemo(ledger, total)
  if (added === 0) return 0
  const acme = ledger.orgByExternalId('acme')!
  const now = new Date().toISOString()
  const actor = { type: 'user', id: 'user_7', name: 'Mallory Example' }
  const [tampered, foreign] = ledger.appendMany(acme.id, [
    {
      action: 'demo.tampered_example',
      occurredAt: now,
      actor,
      targets: [{ type: 'invoice', id: 'inv_demo' }],
      context: null,
      metadata: { amount: 1250, currency: 'EUR' },
    },
    {
      action: 'demo.foreign_key_example',
      occurredAt: now,
      actor,
      targets: [],
      context: null,
      metadata: { note: 're-signed outside the ledger' },
    },
  ])
  const otherKey = generateKeyPairSync('ed25519')
  const otherPublic = (otherKey.publicKey.export({ format: 'der', type: 'spki' }) as Buffer)
    .subarray(-32)
    .toString('hex')
  const foreignEvent = parseAuditJson(ledger.events.toJson(foreign!)) as Record<string, unknown>
  const foreignBytes = canonicalBytes(foreignEvent)
  const [gapA, gapB] = ledger.appendMany(acme.id, [
    { action: 'demo.deleted_example', occurredAt: now, actor, targets: [], context: null, metadata: null },
    { action: 'demo.deleted_example', occurredAt: now, actor, targets: [], context: null, metadata: null },
  ])
  ledger.appendMany(acme.id, [
    { action: 'user.signed_in', occurredAt: now, actor, targets: [], context: null, metadata: null },
  ])

  aroundTheGuards(ledger, () => {
    // 1. Metadata changed after signing: the stored hash and signature no longer match.
    ledger.db
      .prepare('UPDATE events SET metadata_json = ? WHERE id = ?')
      .run(stringifyAuditJson({ amount: 9, currency: 'EUR' }), tampered!.id)
    // 2. Re-signed with a key that is not the ledger's, embedded in the event.
    ledger.db
      .prepare(
        "UPDATE events SET signature = ?, payload_hash = ?, key_id = 'akey_unknown', signing_public_key = ? WHERE id = ?",
      )
      .run(
        sign(null, foreignBytes, otherKey.privateKey).toString('hex'),
        createHash('sha256').update(foreignBytes).digest('hex'),
        otherPublic,
        foreign!.id,
      )
    // 3. Two events removed: a seq gap.
    for (const row of [gapA!, gapB!]) {
      ledger.db.prepare('DELETE FROM event_targets WHERE org_id = ? AND seq = ?').run(row.org_id, row.seq)
      ledger.db.prepare('DELETE FROM events WHERE id = ?').run(row.id)
    }
  })
  return added + 5
}
