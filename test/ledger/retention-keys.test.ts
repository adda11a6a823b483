import { describe, expect, it } from 'vitest'
import { parseKeysDocument, verifyPruneMarker } from '../../src/core/index.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { startLedger } from '../support/ledger.js'

const DAY = 86_400_000

describe('prune markers and key rotation', () => {
  it('keep verifying after a rotation, even one whose clock stepped back behind the marker', async () => {
    let now = Date.parse('2026-11-01T00:00:00.000Z')
    const t = await startLedger({ now: () => now, retentionIntervalMs: null })
    try {
      const org = t.ledger.createOrg('rotated', null)
      t.ledger.appendMany(org.id, [...generateEvents(3)])
      t.ledger.retention.setDays(org.id, 1)
      now += 3 * DAY
      await t.ledger.retention.runPass()
      // Every event of the old key is gone; only the marker shows how long the key was in use.
      now -= DAY
      t.ledger.keys.rotate()
      const trustedKeys = parseKeysDocument(await (await t.call('/v1/audit/keys')).json())
      expect(trustedKeys).toHaveLength(2)
      const { markers } = (await (await t.call(`/v1/audit/orgs/${org.id}/prune_markers`)).json()) as {
        markers: unknown[]
      }
      expect(await verifyPruneMarker(markers[0], { trustedKeys })).toMatchObject({ status: 'verified' })
    } finally {
      await t.close()
    }
  })
})
