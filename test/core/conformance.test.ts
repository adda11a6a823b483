/**
 * Conformance with the 15 golden vectors of `invoance.audit/1`, read from the workspace's
 * shared/ folder (never copied into this repository), through both crypto backends.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '@noble/hashes/utils.js'
import {
  canonicalBytes,
  canonicalJson,
  LosslessNumber,
  parseAuditJson,
  resolveCrypto,
  verifyEvent,
} from '../../src/core/index.js'

const VECTORS_PATH = fileURLToPath(new URL('../../../shared/vectors/invoance-audit-1.json', import.meta.url))
const present = existsSync(VECTORS_PATH)

if (!present) {
  console.warn(`[conformance] ${VECTORS_PATH} is absent (a clone outside the workspace): golden vectors skipped`)
}

interface Vector {
  name: string
  event: Record<string, unknown>
  canonical_utf8: string
  canonical_hex: string
  payload_hash_sha256: string
  signature_ed25519: string
  public_key: string
}

// Parsed losslessly: vector 09 holds 9223372036854775807, which JSON.parse would round.
const doc = present
  ? (parseAuditJson(readFileSync(VECTORS_PATH, 'utf8')) as unknown as {
      test_public_key: string
      vector_count: number
      vectors: Vector[]
    })
  : { test_public_key: '', vector_count: 0, vectors: [] }

const byName = (name: string) => doc.vectors.find((v) => v.name.startsWith(name))!

describe.skipIf(!present)('invoance.audit/1 golden vectors', () => {
  it('has all 15 vectors', () => {
    expect(doc.vectors).toHaveLength(15)
    expect(doc.vector_count).toBe(15)
  })

  describe.each(doc.vectors.map((v) => [v.name, v] as const))('%s', (_name, vector) => {
    it('reproduces the canonical UTF-8 text and hex bytes exactly', () => {
      expect(canonicalJson(vector.event)).toBe(vector.canonical_utf8)
      expect(bytesToHex(canonicalBytes(vector.event))).toBe(vector.canonical_hex)
    })

    it.each(['webcrypto', 'noble'] as const)('verifies against the pinned test key on the %s path', async (crypto) => {
      const signed = {
        ...vector.event,
        payload_hash: vector.payload_hash_sha256,
        signature: vector.signature_ed25519,
        signing_public_key: vector.public_key,
      }
      const pinned = await verifyEvent(signed, { trustedKeys: [doc.test_public_key], crypto })
      expect(pinned).toMatchObject({ status: 'verified', payloadHash: vector.payload_hash_sha256 })
      const unpinned = await verifyEvent(signed, { crypto })
      expect(unpinned).toMatchObject({ status: 'unpinned', payloadHash: vector.payload_hash_sha256 })
    })
  })

  it('keeps vector 09’s int64 exactly, where JSON.parse would round it', () => {
    const vector = byName('09')
    const n = (vector.event.metadata as Record<string, unknown>).n
    expect(n).toBeInstanceOf(LosslessNumber)
    expect((n as LosslessNumber).toBigInt()).toBe(9223372036854775807n)
    expect(vector.canonical_utf8).toContain('"n":9223372036854775807')
  })

  it('signs the same bytes whether optional members are absent or null (04a, 04b) and with or without version (10a, 10b)', () => {
    expect(byName('04a').canonical_hex).toBe(byName('04b').canonical_hex)
    expect(canonicalJson(byName('04b').event)).toBe(canonicalJson(byName('04a').event))
    expect(canonicalJson(byName('10b').event)).toBe(canonicalJson(byName('10a').event))
  })

  it('keeps target order significant (07a and 07b differ)', () => {
    expect(canonicalJson(byName('07a').event)).not.toBe(canonicalJson(byName('07b').event))
  })

  it('uses WebCrypto by default on Node 20, so the fast path is the one exercised in production', async () => {
    expect((await resolveCrypto('auto')).name).toBe('webcrypto')
  })
})
