/**
 * Pinned (trusted) Ed25519 public keys, each with an optional id and validity window.
 *
 * Pinning is what turns "the signature matches the key inside the event" into "this event
 * came from the ledger": without pinned keys anyone who can rewrite an event can also
 * re-sign it with their own key and embed that key.
 */
import { hexToBytes } from './hex.js'
import { isUsablePublicKey } from './crypto.js'
import { normalizeTimestamp } from '../json/timestamp.js'

/**
 * A pinned key: a 64-character hex string, or an object with its id and validity window.
 * `notBefore` is inclusive and `notAfter` exclusive, compared with the event's `ingested_at`.
 */
export type TrustedKeyInput =
  | string
  | {
      publicKey: string
      keyId?: string
      notBefore?: string | Date | null
      notAfter?: string | Date | null
    }

/** A validated pinned key. */
export interface TrustedKey {
  /** Lowercase hex. */
  readonly publicKey: string
  readonly bytes: Uint8Array
  readonly keyId?: string
  /** Epoch milliseconds, or `null` for unbounded. */
  readonly notBefore: number | null
  readonly notAfter: number | null
}

export const HEX_64 = /^[0-9a-fA-F]{64}$/

/** An immutable set of pinned keys. Build it once and share it across verifications. */
export class KeyRing {
  readonly keys: readonly TrustedKey[]
  private readonly byHex: ReadonlyMap<string, TrustedKey>

  private checked: Promise<void> | undefined

  /**
   * @throws {TypeError} naming the offending entry when a key is not 64 hex characters or has a
   * window that is not an RFC 3339 instant. Pinned keys are configuration, so a mistake there is
   * an error, never a silent "untrusted". Whether each key is a usable Ed25519 point is
   * checked by {@link KeyRing.usable}, which verification waits for.
   */
  constructor(inputs: readonly TrustedKeyInput[] = []) {
    const keys = inputs.map(toTrustedKey)
    this.keys = Object.freeze(keys)
    this.byHex = new Map(keys.map((key) => [key.publicKey, key]))
  }

  /**
   * Resolves once every key is known to be a usable Ed25519 point, and rejects with a
   * `TypeError` naming the first that is not (a small-order or non-canonical point, under which
   * a forged signature can verify). It needs the curve arithmetic, which is loaded on first
   * use so that pages pay for it only once they verify; `verifyEvent(s)` and `createVerifier`
   * wait for it.
   */
  usable(): Promise<void> {
    this.checked ??= (async () => {
      for (const [index, key] of this.keys.entries()) {
        if (!(await isUsablePublicKey(key.bytes)))
          throw new TypeError(
            `trustedKeys[${index}].publicKey is not a usable Ed25519 public key (non-canonical or small-order point)`,
          )
      }
    })()
    return this.checked
  }

  /**
   * `keys` as a ring: a ring as it is, an array read afresh (a host that removes a key from its
   * array must not see it vouch again), nothing as no pinned keys.
   */
  static from(keys: KeyRing | readonly TrustedKeyInput[] | undefined): KeyRing {
    return keys instanceof KeyRing ? keys : new KeyRing(keys ?? [])
  }

  get size(): number {
    return this.keys.length
  }

  /** The pinned key with this public key (any hex case), if there is one. */
  get(publicKeyHex: string): TrustedKey | undefined {
    return this.byHex.get(publicKeyHex.toLowerCase())
  }

  /** Whether `key` may vouch for an event ingested at `epochMs`. */
  static isValidAt(key: TrustedKey, epochMs: number): boolean {
    return (key.notBefore === null || epochMs >= key.notBefore) && (key.notAfter === null || epochMs < key.notAfter)
  }
}

function toTrustedKey(input: TrustedKeyInput, index: number): TrustedKey {
  const where = `trustedKeys[${index}]`
  const spec = typeof input === 'string' ? { publicKey: input } : input
  if (typeof spec !== 'object' || spec === null || typeof spec.publicKey !== 'string') {
    throw new TypeError(`${where} must be a hex public key or { publicKey, keyId?, notBefore?, notAfter? }`)
  }
  if (!HEX_64.test(spec.publicKey)) {
    throw new TypeError(`${where}.publicKey must be 64 hex characters (a raw Ed25519 public key)`)
  }
  return {
    publicKey: spec.publicKey.toLowerCase(),
    bytes: hexToBytes(spec.publicKey.toLowerCase()),
    ...(spec.keyId !== undefined ? { keyId: spec.keyId } : {}),
    notBefore: instant(spec.notBefore, `${where}.notBefore`),
    notAfter: instant(spec.notAfter, `${where}.notAfter`),
  }
}

function instant(value: string | Date | null | undefined, where: string): number | null {
  if (value === undefined || value === null) return null
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`${where} is an invalid Date`)
    return value.getTime()
  }
  const result = normalizeTimestamp(value)
  if (!result.ok) throw new TypeError(`${where} ${JSON.stringify(value)} ${result.problem}`)
  return result.epochMs
}

/**
 * Read a keys document into {@link TrustedKeyInput}s: the `GET /v1/audit/keys` response
 * (`{ keys: [{ key_id, public_key, not_before, not_after }] }`), a bare array of such entries,
 * or an array of hex strings. This is how the CLI's `--keys` file and the proxy's key list are read.
 *
 * @throws {TypeError} when the document has none of those shapes.
 */
export function parseKeysDocument(document: unknown): TrustedKeyInput[] {
  const list = Array.isArray(document)
    ? document
    : typeof document === 'object' && document !== null && Array.isArray((document as { keys?: unknown }).keys)
      ? (document as { keys: unknown[] }).keys
      : null
  if (list === null) throw new TypeError('a keys document must be { "keys": [...] } or an array')
  return list.map((entry, index): TrustedKeyInput => {
    if (typeof entry === 'string') return entry
    if (typeof entry !== 'object' || entry === null)
      throw new TypeError(`keys[${index}] must be an object or a hex string`)
    const e = entry as Record<string, unknown>
    const publicKey = e.public_key ?? e.publicKey
    if (typeof publicKey !== 'string') throw new TypeError(`keys[${index}].public_key must be a hex string`)
    const keyId = e.key_id ?? e.keyId
    return {
      publicKey,
      ...(typeof keyId === 'string' ? { keyId } : {}),
      notBefore: optionalString(e.not_before ?? e.notBefore, `keys[${index}].not_before`),
      notAfter: optionalString(e.not_after ?? e.notAfter, `keys[${index}].not_after`),
    }
  })
}

function optionalString(value: unknown, where: string): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw new TypeError(`${where} must be an RFC 3339 string or null`)
  return value
}
