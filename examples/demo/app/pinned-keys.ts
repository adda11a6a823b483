/**
 * The keys this page pins, as README "Pinning keys" recommends: the host learned them from the
 * ledger at startup and embedded them in the HTML (examples/demo/server.ts), so they arrive with the
 * page's code instead of being fetched from the proxy's `/keys` next to the events they vouch for.
 */
import { parseKeysDocument, type TrustedKeyInput } from '../../../src/core/index.js'

/** Must match PINNED_KEYS_ELEMENT in examples/demo/server.ts (not imported: that module is Node-only). */
const ELEMENT_ID = 'auditlens-pinned-keys'

/**
 * The embedded keys document, decoded. Missing or unreadable, it is an empty list, never a
 * fallback fetch: with nothing pinned every badge honestly says Unpinned key.
 */
export function readPinnedKeys(doc: Document = document): readonly TrustedKeyInput[] {
  const text = doc.getElementById(ELEMENT_ID)?.textContent
  if (!text) return []
  try {
    return parseKeysDocument(JSON.parse(text))
  } catch {
    return []
  }
}
