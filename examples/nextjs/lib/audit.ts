/**
 * What this server learns from the audit API (Invoance, or `auditlens serve` in development):
 * the signing keys the page pins, and the audit org id of each of our tenants. Both are read
 * once per server process, server side, never by the browser.
 */
import { KeyRing, parseKeysDocument, type TrustedKeyInput } from 'auditlens/core'

export function requiredEnv(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set (see README).`)
  return value
}

async function upstreamJson(path: string): Promise<unknown> {
  const response = await fetch(new URL(path, requiredEnv('AUDIT_API_URL')), {
    headers: { authorization: `Bearer ${requiredEnv('AUDIT_API_KEY')}` },
    cache: 'no-store',
  })
  if (!response.ok) throw new Error(`GET ${path} on the audit API answered ${response.status}.`)
  return response.json()
}

/** Memoized per process; a failure is not remembered, so the next request tries again. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined
  return () =>
    (pending ??= load().catch((error: unknown) => {
      pending = undefined
      throw error
    }))
}

/**
 * The keys to pin, as README "Pinning keys" recommends: learned at startup and handed to the
 * page with its HTML, so nothing the browser fetches next to the events can change them. A key
 * the audit API adds later is trusted after the next restart. `KeyRing` refuses anything that
 * is not a usable Ed25519 key.
 */
export const pinnedKeys = once(async (): Promise<TrustedKeyInput[]> => {
  const keys = parseKeysDocument(await upstreamJson('/v1/audit/keys'))
  await new KeyRing(keys).usable() // refuses a malformed or small-order key
  return keys
})

// `authorize` answers with the audit API's org id (`aorg_…`); this app knows its tenants by its
// own ids, which the audit API keeps as each org's `external_id`. Looked up once.
const orgIds = once(async (): Promise<Map<string, string>> => {
  const body = await upstreamJson('/v1/audit/orgs')
  const orgs = typeof body === 'object' && body !== null && 'orgs' in body && Array.isArray(body.orgs) ? body.orgs : []
  const ids = new Map<string, string>()
  for (const org of orgs as unknown[]) {
    if (typeof org !== 'object' || org === null) continue
    const { id, external_id } = org as Record<string, unknown>
    if (typeof id === 'string' && typeof external_id === 'string') ids.set(external_id, id)
  }
  return ids
})

/** The audit org id of one of our tenants, or null when the audit API has no org for it. */
export async function auditOrgId(tenant: string): Promise<string | null> {
  return (await orgIds()).get(tenant) ?? null
}
