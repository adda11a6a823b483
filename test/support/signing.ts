/**
 * Test signer: produces events that are really signed over their canonical bytes, as the
 * reference ledger will. Uses noble directly (not the code under test) for signing.
 */
import * as ed from '@noble/ed25519'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { canonicalBytes } from '../../src/core/index.js'

ed.hashes.sha512 = sha512

/** The seed the golden vectors document (bytes 0..31); never a real key. */
export const VECTOR_SEED = Uint8Array.from({ length: 32 }, (_, i) => i)

export interface TestSigner {
  publicKey: string
  keyId: string
  /** Returns the event with `payload_hash`, `signature`, `signing_public_key` and `key_id` set. */
  sign<T extends Record<string, unknown>>(event: T): T & SignatureFields
}

export interface SignatureFields {
  payload_hash: string
  signature: string
  signing_public_key: string
  key_id: string
}

export function createSigner(seed: Uint8Array, keyId = 'key_test'): TestSigner {
  const publicKey = bytesToHex(ed.getPublicKey(seed))
  return {
    publicKey,
    keyId,
    sign(event) {
      const bytes = canonicalBytes(event)
      return {
        ...event,
        payload_hash: bytesToHex(sha256(bytes)),
        signature: bytesToHex(ed.sign(bytes, seed)),
        signing_public_key: publicKey,
        key_id: keyId,
      }
    },
  }
}

/** A deterministic seed from a small number, for a second or third signer. */
export function seedFrom(n: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (n * 31 + i * 7) & 0xff)
}

/** An unsigned event as the API returns it, with every optional part populated. */
export function apiEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'aevt_01JTEST0000000000000000001',
    org_id: 'aorg_01JTEST0000000000000000000',
    seq: 42,
    occurred_at: '2026-11-20T10:15:30.123Z',
    ingested_at: '2026-11-20T10:15:30.456Z',
    action: 'invoice.paid',
    actor: { type: 'user', id: 'user_1', name: 'Ada Lovelace', metadata: { role: 'admin' } },
    targets: [
      { type: 'invoice', id: 'inv_9', name: 'INV-9' },
      { type: 'customer', id: 'cus_3' },
    ],
    context: { location: '203.0.113.7', user_agent: 'Firefox/140' },
    metadata: { amount: 1250, currency: 'EUR', tags: ['q4', null, 'vip'] },
    ...overrides,
  }
}

// Ed25519's group order L and a point of order 8 (from the curve's torsion subgroup).
const L = 2n ** 252n + 27742317777372353535851937790883648493n
const ORDER_8 = ed.Point.fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05')

const littleEndian = (bytes: Uint8Array) => bytes.reduceRight((n, b) => (n << 8n) | BigInt(b), 0n)
const toBytes32 = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn))

/**
 * Sign with a deliberately mixed-order R (R = rB + T) or public key (A' = A + T, T of order 8).
 * Cofactored verifiers accept such signatures and cofactorless ones reject them, so they are
 * what tells a verifier that is consistent across backends from one that is not.
 */
export function signWithTorsion(
  event: Record<string, unknown>,
  seed: Uint8Array,
  torsionIn: 'R' | 'A',
): Record<string, unknown> {
  const message = canonicalBytes(event)
  const { scalar: a, point: A } = ed.utils.getExtendedPublicKey(seed)
  const publicKey = torsionIn === 'A' ? A.add(ORDER_8).toBytes() : A.toBytes()
  // Search for a nonce whose challenge k is not a multiple of 8, so the torsion part survives.
  for (let r = 1_000_003n; ; r += 7n) {
    const R = torsionIn === 'R' ? ed.Point.BASE.multiply(r).add(ORDER_8) : ed.Point.BASE.multiply(r)
    const Rb = R.toBytes()
    const k = littleEndian(sha512(new Uint8Array([...Rb, ...publicKey, ...message]))) % L
    if (k % 8n === 0n) continue
    const S = (r + k * a) % L
    return {
      ...event,
      payload_hash: bytesToHex(sha256(message)),
      signature: bytesToHex(new Uint8Array([...Rb, ...toBytes32(S)])),
      signing_public_key: bytesToHex(publicKey),
    }
  }
}
