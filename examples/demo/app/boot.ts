/**
 * What the demo's server put in the page (examples/demo/server.ts): the orgs, who is signed in,
 * and with `?ssr` the log's token and first page from `loadAuditLogInitialData`. Read once, so
 * the app renders the log at once instead of asking `/demo/orgs` first. Decoded, not cast; the
 * first page is checked again by `<AuditLog initialData>` like any page.
 */
import type { AuditLogInitialData } from '../../../src/core/index.js'

/** Must match BOOT_ELEMENT in examples/demo/server.ts (not imported: that module is Node-only). */
const ELEMENT_ID = 'demo-boot'

export interface Org {
  external_id: string
  name: string
}

export interface Boot {
  orgs: Org[]
  signedIn: string | null
  initial: AuditLogInitialData | null
}

/** The embedded boot data, or null (then the app asks `/demo/orgs`). */
export function readBoot(doc: Document = document): Boot | null {
  try {
    const value = JSON.parse(doc.getElementById(ELEMENT_ID)?.textContent ?? 'null') as Record<string, unknown> | null
    const orgs = Array.isArray(value?.orgs)
      ? value.orgs.filter(
          (org): org is Org =>
            typeof (org as Org | null)?.external_id === 'string' && typeof (org as Org).name === 'string',
        )
      : null
    if (!orgs) return null
    const signedIn = typeof value?.signed_in === 'string' ? value.signed_in : null
    const initial = typeof value?.initial === 'object' && value.initial !== null ? value.initial : null
    return { orgs, signedIn, initial: initial as AuditLogInitialData | null }
  } catch {
    return null
  }
}
