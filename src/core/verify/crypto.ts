/**
 * The two primitives verification needs (SHA-256 and Ed25519 verify), behind one interface
 * with two implementations: WebCrypto, which Node 20 and current Chromium support natively and
 * which is roughly ten times faster, and @noble/ed25519 + @noble/hashes in pure JavaScript for
 * runtimes without Ed25519 in WebCrypto (older Safari and Firefox) or without `crypto.subtle`
 * at all (pages served over plain http). Both give the same answers; tests force each one.
 */
import { BoundedCache } from '../bounded-cache.js'
import { hexToBytes } from './hex.js'
import type { WebSubtleCrypto } from './web-types.js'

/** SHA-256 and Ed25519 verification, injectable so tests and hosts can choose. */
export interface CryptoBackend {
  /** Shown in diagnostics and benchmarks. */
  readonly name: string
  sha256(data: Uint8Array): Promise<Uint8Array>
  /** Resolves `false` (never rejects) when the signature does not verify. */
  verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean>
}

/** Which backend to use: `auto` picks WebCrypto when it can verify Ed25519, noble otherwise. */
export type CryptoChoice = 'auto' | 'webcrypto' | 'noble' | CryptoBackend

/**
 * noble's Ed25519 and SHA-2, loaded on first use. Pages that render before they verify, and
 * browsers with Ed25519 in WebCrypto, keep them out of their first download (about 5.5 kB
 * gzip); noble's synchronous API gets its SHA-512 then, so importing auditlens has no side
 * effects.
 */
let noble: Promise<[typeof import('@noble/ed25519'), typeof import('@noble/hashes/sha2.js')]> | undefined
function loadNoble() {
  noble ??= Promise.all([import('@noble/ed25519'), import('@noble/hashes/sha2.js')]).then((modules) => {
    modules[0].hashes.sha512 = modules[1].sha512
    return modules
  })
  return noble
}

/** Pure-JavaScript backend. Works anywhere, including insecure contexts without `crypto.subtle`. */
export const nobleBackend: CryptoBackend = {
  name: 'noble',
  async sha256(data) {
    return (await loadNoble())[1].sha256(data)
  },
  async verifyEd25519(signature, message, publicKey) {
    const [ed] = await loadNoble()
    try {
      // WebCrypto (OpenSSL, BoringSSL) checks RFC 8032's cofactorless equation [S]B = R + [k]A;
      // noble checks the cofactored one, which also accepts an R with a small-order component.
      // With a torsion-free A (see isUsablePublicKey) the two agree exactly when R is torsion-free
      // too, so that extra check makes both backends accept and reject the same signatures.
      if (!ed.verify(signature, message, publicKey, { zip215: false })) return false
      return ed.Point.fromBytes(signature.subarray(0, 32), false).isTorsionFree()
    } catch {
      return false
    }
  },
}

/** Imported keys are reused; the bound keeps a file full of distinct embedded keys from growing it forever. */
const MAX_CACHED_KEYS = 256

/** Backend over `crypto.subtle`. Fails at use time if the runtime lacks Ed25519; prefer {@link resolveCrypto}. */
export function createWebCryptoBackend(subtle: WebSubtleCrypto = globalThis.crypto.subtle): CryptoBackend {
  const keys = new BoundedCache<string, Promise<CryptoKey>>(MAX_CACHED_KEYS)
  const importKey = (publicKey: Uint8Array): Promise<CryptoKey> => {
    const id = String.fromCharCode(...publicKey)
    let key = keys.get(id)
    if (!key) {
      key = subtle.importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify'])
      keys.set(id, key)
      key.catch(() => keys.delete(id))
    }
    return key
  }
  return {
    name: 'webcrypto',
    // Measured in Chromium: 5,000 digests of about 1 KB all in flight finish at about 150,000 a
    // second, so the hash is a small share next to Ed25519 (about 8,600 verifications a second).
    async sha256(data) {
      return new Uint8Array(await subtle.digest('SHA-256', data as BufferSource))
    },
    async verifyEd25519(signature, message, publicKey) {
      try {
        const key = await importKey(publicKey)
        return await subtle.verify('Ed25519', key, signature as BufferSource, message as BufferSource)
      } catch {
        return false
      }
    },
  }
}

// RFC 8032 section 7.1, TEST 1: a known-good signature, used to probe WebCrypto's Ed25519.
const PROBE_KEY = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'
const PROBE_SIG =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'

let autoBackend: Promise<CryptoBackend> | undefined

/**
 * Pick a backend. `auto` probes WebCrypto once per page (or process) with an RFC 8032 test
 * vector and falls back to noble if anything about it fails.
 */
export function resolveCrypto(choice: CryptoChoice = 'auto'): Promise<CryptoBackend> {
  if (typeof choice === 'object' && choice !== null) return Promise.resolve(choice)
  if (choice !== 'auto' && choice !== 'noble' && choice !== 'webcrypto') {
    return Promise.reject(
      new TypeError(`crypto must be 'auto', 'webcrypto', 'noble' or a CryptoBackend; got ${String(choice)}`),
    )
  }
  if (choice === 'noble') return Promise.resolve(nobleBackend)
  if (choice === 'webcrypto') {
    if (!globalThis.crypto?.subtle) {
      return Promise.reject(new Error('crypto: "webcrypto" was requested but crypto.subtle is not available here'))
    }
    return Promise.resolve(createWebCryptoBackend())
  }
  autoBackend ??= probeWebCrypto().then((backend) => backend ?? nobleBackend)
  return autoBackend
}

async function probeWebCrypto(): Promise<CryptoBackend | null> {
  const subtle = globalThis.crypto?.subtle
  if (!subtle) return null
  try {
    const key = await subtle.importKey('raw', hexToBytes(PROBE_KEY), { name: 'Ed25519' }, false, ['verify'])
    const ok = await subtle.verify('Ed25519', key, hexToBytes(PROBE_SIG), new Uint8Array(0))
    return ok ? createWebCryptoBackend(subtle) : null
  } catch {
    return null
  }
}

const usableKeys = new BoundedCache<string, boolean>(1024)

/**
 * Whether `publicKey` is an Ed25519 key that can prove anything: the canonical encoding of a
 * point in the prime-order subgroup, other than the identity. With a small-order key a crafted
 * signature verifies for any message (Node's WebCrypto accepts one), and a key with a
 * small-order component makes cofactored and cofactorless verifiers disagree, so neither kind
 * ever counts as a signer. Asynchronous because the curve arithmetic is loaded on first use.
 */
export async function isUsablePublicKey(publicKey: Uint8Array): Promise<boolean> {
  // Keyed by the bytes themselves: decoding a point costs about as much as a verification, and
  // the same few keys recur in every ring and event.
  const id = String.fromCharCode(...publicKey)
  let usable = usableKeys.get(id)
  if (usable === undefined) {
    const [ed] = await loadNoble()
    try {
      const point = ed.Point.fromBytes(publicKey, false)
      usable = !point.isSmallOrder() && point.isTorsionFree()
    } catch {
      usable = false
    }
    usableKeys.set(id, usable)
  }
  return usable
}
