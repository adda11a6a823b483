/**
 * The keys document: `GET /v1/audit/keys`, an auditlens extension to Invoance's API that the
 * reference ledger serves and the proxy relays, listing the Ed25519 keys events are signed
 * with and when each may sign. One shape for the ledger, the proxy and the host apps.
 */

/** One signing key. `not_before` is inclusive and `not_after` exclusive, against `ingested_at`. */
export interface KeyInfo {
  key_id: string
  algorithm: 'Ed25519'
  /** 64 hex characters: the raw Ed25519 public key. */
  public_key: string
  not_before: string | null
  not_after: string | null
}

const KEY_ID = /^[\w.:-]{1,128}$/
const HEX_64 = /^[0-9a-fA-F]{64}$/

/**
 * Decode `{ keys: [...] }` from the network, each key reduced to its five known fields, or
 * `null` when anything in it is not what a keys document holds. What is pinned comes from
 * here, so nothing else of the answer is kept.
 */
export function decodeKeysDocument(value: unknown): KeyInfo[] | null {
  const list = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).keys : undefined
  if (!Array.isArray(list)) return null
  const optional = (v: unknown) => (v === undefined || v === null ? null : typeof v === 'string' ? v : undefined)
  const keys: KeyInfo[] = []
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return null
    const e = entry as Record<string, unknown>
    const [notBefore, notAfter] = [optional(e.not_before), optional(e.not_after)]
    if (
      typeof e.key_id !== 'string' ||
      !KEY_ID.test(e.key_id) ||
      (e.algorithm ?? 'Ed25519') !== 'Ed25519' ||
      typeof e.public_key !== 'string' ||
      !HEX_64.test(e.public_key) ||
      notBefore === undefined ||
      notAfter === undefined
    )
      return null
    keys.push({
      key_id: e.key_id,
      algorithm: 'Ed25519',
      public_key: e.public_key,
      not_before: notBefore,
      not_after: notAfter,
    })
  }
  return keys
}
