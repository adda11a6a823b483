/** The three demo orgs `auditlens serve --seed` and the demo fill on a first run. */
import type { Ledger } from './ledger.js'
import { seedOrg } from './seed.js'

/** The orgs `serve --seed` fills on a first run, with their share of the events. */
export const DEMO_ORGS = [
  { external_id: 'acme', name: 'Acme Corporation', share: 0.6 },
  { external_id: 'globex', name: 'Globex', share: 0.25 },
  { external_id: 'initech', name: 'Initech', share: 0.15 },
] as const

/** Fill the demo orgs when the ledger holds no events yet. Returns how many were added. */
export function seedDemo(ledger: Ledger, total: number): number {
  const existing = ledger.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }
  if (existing.n > 0 || total === 0) return 0
  DEMO_ORGS.forEach((spec, i) => {
    const org = ledger.orgByExternalId(spec.external_id) ?? ledger.createOrg(spec.external_id, spec.name)
    seedOrg(ledger, org.id, Math.round(total * spec.share), { seed: i + 1 })
  })
  return total
}
