import { describe, expect, it } from 'vitest'
import { bytesToHex } from '@noble/hashes/utils.js'
import * as ed from '@noble/ed25519'
import {
  KeyRing,
  nobleBackend,
  verifyEvent,
  verifyEvents,
  type CryptoBackend,
  type VerificationStatus,
  type VerifyOptions,
} from '../../src/core/index.js'
import { apiEvent, createSigner, seedFrom, signWithTorsion, VECTOR_SEED } from '../support/signing.js'

const ledger = createSigner(VECTOR_SEED, 'key_ledger')
const attacker = createSigner(seedFrom(666), 'key_attacker')
const pinned = [ledger.publicKey]
const paths = ['webcrypto', 'noble'] as const

/** Change the value at a dotted path of a deep copy. */
function change(event: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(event)
  const parts = path.split('.')
  let node = copy as Record<string, unknown>
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>
  node[parts.at(-1)!] = value
  return copy
}

describe.each(paths)('verifyEvent on the %s path', (crypto) => {
  const verify = (event: unknown, options: VerifyOptions = {}) => verifyEvent(event, { crypto, ...options })
  const signed = ledger.sign(apiEvent())

  it('says verified for an intact event signed by a pinned key', async () => {
    expect(await verify(signed, { trustedKeys: pinned })).toEqual({
      status: 'verified',
      reason: 'signature-valid',
      message: expect.any(String),
      payloadHash: signed.payload_hash,
    })
  })

  it('names the pinned key by its own id, never by the unsigned key_id the event claims', async () => {
    const ring = new KeyRing([{ publicKey: ledger.publicKey, keyId: 'pinned_2026' }])
    const claiming = { ...signed, key_id: 'prod-root-key' }
    expect(await verify(claiming, { trustedKeys: ring })).toMatchObject({ status: 'verified', keyId: 'pinned_2026' })
    expect(await verify(claiming, { trustedKeys: pinned })).not.toHaveProperty('keyId')
    expect(await verify(claiming)).not.toHaveProperty('keyId')
  })

  it('says unpinned, never verified, when no keys are pinned', async () => {
    expect(await verify(signed)).toMatchObject({ status: 'unpinned', reason: 'no-pinned-keys' })
    expect(await verify(signed, { trustedKeys: [] })).toMatchObject({ status: 'unpinned' })
  })

  describe('after any signed value is changed', () => {
    const fields: [string, unknown][] = [
      ['org_id', 'aorg_someone_else'],
      ['id', 'aevt_01JTEST0000000000000000002'],
      ['seq', 43],
      ['ingested_at', '2026-11-20T10:15:31.456Z'],
      ['occurred_at', '2026-11-19T10:15:30.123Z'],
      ['action', 'invoice.refunded'],
      ['actor.id', 'user_2'],
      ['actor.name', 'Mallory'],
      ['actor.metadata', { role: 'viewer' }],
      [
        'targets',
        [
          { type: 'customer', id: 'cus_3' },
          { type: 'invoice', id: 'inv_9', name: 'INV-9' },
        ],
      ],
      ['context.location', '198.51.100.1'],
      ['context', null],
      ['metadata.amount', 1],
      ['metadata.tags', ['q4', 'vip']],
      ['metadata.added', 'x'],
    ]

    it.each(fields)('%s: tampered, by the hash check', async (path, value) => {
      const result = await verify(change(signed, path, value), { trustedKeys: pinned })
      expect(result).toMatchObject({ status: 'tampered', reason: 'payload-hash-mismatch' })
    })

    it.each(fields)(
      '%s: tampered, by the signature, when payload_hash was recomputed to match',
      async (path, value) => {
        const forged = change(signed, path, value)
        const rehashed = { ...forged, payload_hash: ledger.sign(forged).payload_hash }
        const result = await verify(rehashed, { trustedKeys: pinned })
        expect(result).toMatchObject({ status: 'tampered', reason: 'signature-invalid' })
        expect(await verify(rehashed)).toMatchObject({ status: 'tampered' })
      },
    )
  })

  it('still verifies when payload_hash is absent (the signature alone covers the bytes)', async () => {
    const { payload_hash: _, ...withoutHash } = signed
    expect(await verify(withoutHash, { trustedKeys: pinned })).toMatchObject({ status: 'verified' })
  })

  it('ignores a changed timestamp spelling that denotes the same millisecond', async () => {
    const respelled = { ...signed, occurred_at: '2026-11-20T12:15:30.123999+02:00' }
    expect(await verify(respelled, { trustedKeys: pinned })).toMatchObject({ status: 'verified' })
  })

  it('says untrusted for an event re-signed with another key that is embedded in it', async () => {
    const resigned = attacker.sign(change(apiEvent(), 'metadata.amount', 1))
    expect(await verify(resigned, { trustedKeys: pinned })).toMatchObject({
      status: 'untrusted',
      reason: 'key-not-pinned',
    })
    // Without pinning the forgery is indistinguishable, which is why the status says so.
    expect(await verify(resigned)).toMatchObject({ status: 'unpinned' })
  })

  it('says tampered when a pinned key is embedded but another key signed (key substitution)', async () => {
    const substituted = { ...attacker.sign(apiEvent()), signing_public_key: ledger.publicKey }
    expect(await verify(substituted, { trustedKeys: pinned })).toMatchObject({
      status: 'tampered',
      reason: 'signature-invalid',
    })
    expect(await verify(substituted)).toMatchObject({ status: 'tampered' })
  })

  it('verifies a pinned-key signature even when the embedded key was swapped for another', async () => {
    const swapped = { ...signed, signing_public_key: attacker.publicKey, key_id: 'key_attacker' }
    expect(await verify(swapped, { trustedKeys: pinned })).toMatchObject({ status: 'verified' })
    expect(await verify(swapped)).toMatchObject({ status: 'tampered' })
  })

  it('uses the event key only when no key is pinned, and verifies without an embedded key when one is', async () => {
    const { signing_public_key: _, ...bare } = signed
    expect(await verify(bare, { trustedKeys: pinned })).toMatchObject({ status: 'verified' })
    expect(await verify(bare)).toMatchObject({ status: 'malformed', reason: 'no-key' })
  })

  describe('key validity windows (checked against ingested_at)', () => {
    const windowed = (notBefore: string | null, notAfter: string | null) =>
      new KeyRing([{ publicKey: ledger.publicKey, keyId: 'k1', notBefore, notAfter }])

    it('trusts a key inside its window, notBefore inclusive', async () => {
      const ring = windowed('2026-11-20T10:15:30.456Z', '2026-11-21T00:00:00Z')
      expect(await verify(signed, { trustedKeys: ring })).toMatchObject({ status: 'verified', keyId: 'k1' })
    })

    it.each([
      ['before notBefore', '2026-11-20T10:15:30.457Z', null],
      ['at notAfter (exclusive)', null, '2026-11-20T10:15:30.456Z'],
      ['after notAfter', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
    ])('does not trust a key %s', async (_label, notBefore, notAfter) => {
      const result = await verify(signed, { trustedKeys: windowed(notBefore, notAfter) })
      expect(result).toMatchObject({ status: 'untrusted', reason: 'key-outside-validity-window', keyId: 'k1' })
    })

    it('accepts the old key for old events and the new key for new events after a rotation', async () => {
      const next = createSigner(seedFrom(2), 'key_2')
      const ring = new KeyRing([
        { publicKey: ledger.publicKey, keyId: 'key_1', notAfter: '2026-11-01T00:00:00Z' },
        { publicKey: next.publicKey, keyId: 'key_2', notBefore: '2026-11-01T00:00:00Z' },
      ])
      const old = ledger.sign(apiEvent({ ingested_at: '2026-10-31T23:59:59.999Z' }))
      const fresh = next.sign(apiEvent({ ingested_at: '2026-11-01T00:00:00.000Z' }))
      const backdated = next.sign(apiEvent({ ingested_at: '2026-10-01T00:00:00.000Z' }))
      expect(await verify(old, { trustedKeys: ring })).toMatchObject({ status: 'verified', keyId: 'key_1' })
      expect(await verify(fresh, { trustedKeys: ring })).toMatchObject({ status: 'verified', keyId: 'key_2' })
      expect(await verify(backdated, { trustedKeys: ring })).toMatchObject({ status: 'untrusted' })
    })
  })

  describe('says malformed, and never throws, when the event cannot be checked', () => {
    const cases: [string, unknown, string][] = [
      ['a missing required field', { ...signed, actor: undefined }, 'missing-field'],
      ['a null required field', { ...signed, targets: null }, 'missing-field'],
      ['a timestamp that is not RFC 3339', { ...signed, occurred_at: '20 Nov 2026' }, 'invalid-timestamp'],
      ['a short signature', { ...signed, signature: signed.signature.slice(2) }, 'invalid-signature'],
      ['a non-hex signature', { ...signed, signature: 'zz' + signed.signature.slice(2) }, 'invalid-signature'],
      ['a missing signature', { ...signed, signature: undefined }, 'invalid-signature'],
      ['a short key', { ...signed, signing_public_key: 'abcd' }, 'invalid-public-key'],
      ['a key that is not a string', { ...signed, signing_public_key: 12 }, 'invalid-public-key'],
      [
        'a payload_hash of the wrong length',
        { ...signed, payload_hash: signed.payload_hash + '00' },
        'invalid-payload-hash',
      ],
      ['a lone surrogate', { ...signed, action: 'user.\udbff' }, 'invalid-string'],
      ['a non-object', 'not an event', 'not-an-object'],
      ['a conflicting event_id', { ...signed, event_id: 'aevt_other' }, 'conflicting-event-id'],
    ]
    it.each(cases)('%s', async (_label, event, reason) => {
      const results = await Promise.all([verify(event), verify(event, { trustedKeys: pinned })])
      for (const result of results) expect(result).toMatchObject({ status: 'malformed', reason, payloadHash: null })
    })
  })

  it('accepts upper-case hex in signature, key and hash', async () => {
    const upper = {
      ...signed,
      signature: signed.signature.toUpperCase(),
      signing_public_key: signed.signing_public_key.toUpperCase(),
      payload_hash: signed.payload_hash.toUpperCase(),
    }
    expect(await verify(upper, { trustedKeys: pinned })).toMatchObject({ status: 'verified' })
  })

  it('never counts a small-order embedded key as a signer', async () => {
    // The identity point with S = 0 and R = identity satisfies the cofactorless equation for
    // every message, so a backend that does not refuse such keys would call this unpinned.
    const identity = '01' + '00'.repeat(31)
    const forged = { ...apiEvent(), signature: identity + '00'.repeat(32), signing_public_key: identity }
    expect(await verify(forged)).toMatchObject({ status: 'tampered', reason: 'signature-invalid' })
    expect(await verify(forged, { trustedKeys: pinned })).toMatchObject({ status: 'tampered' })
  })
})

describe('the two crypto paths', () => {
  it('give the same result for every case in a mixed batch', async () => {
    const signed = ledger.sign(apiEvent())
    const batch: unknown[] = [
      signed,
      attacker.sign(apiEvent()),
      { ...signed, seq: 1 },
      { ...signed, signature: signed.signature.replace(/^../, 'ff') },
      { ...signed, payload_hash: undefined, metadata: null },
      { ...signed, ingested_at: 'yesterday' },
      { ...signed, signing_public_key: '01' + '00'.repeat(31) },
    ]
    const [viaWebCrypto, viaNoble] = await Promise.all(
      paths.map((crypto) => verifyEvents(batch, { trustedKeys: pinned, crypto })),
    )
    expect(viaNoble).toEqual(viaWebCrypto)
    expect(viaWebCrypto!.map((r) => r.status)).toEqual<VerificationStatus[]>([
      'verified',
      'untrusted',
      'tampered',
      'tampered',
      'tampered',
      'malformed',
      'verified',
    ])
  })

  it('agree on signatures with a small-order component in R or in the key (cofactored vs cofactorless)', async () => {
    const mixedR = signWithTorsion(apiEvent(), VECTOR_SEED, 'R')
    const mixedA = signWithTorsion(apiEvent(), VECTOR_SEED, 'A')
    for (const crypto of paths) {
      expect(await verifyEvent(mixedR, { crypto })).toMatchObject({ status: 'tampered' })
      expect(await verifyEvent(mixedR, { crypto, trustedKeys: pinned })).toMatchObject({ status: 'tampered' })
      expect(await verifyEvent(mixedA, { crypto })).toMatchObject({ status: 'tampered' })
    }
    // Such a key cannot be pinned either.
    await expect(new KeyRing([mixedA.signing_public_key as string]).usable()).rejects.toThrowError(
      /not a usable Ed25519 public key/,
    )
  })

  it('accept an injected backend, so a host can bring its own primitives', async () => {
    const calls: string[] = []
    const counting: CryptoBackend = {
      name: 'counting',
      sha256: async (data) => (
        calls.push('sha256'),
        new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource))
      ),
      verifyEd25519: async (s, m, k) => (calls.push('verify'), ed.verifyAsync(s, m, k)),
    }
    const result = await verifyEvent(ledger.sign(apiEvent()), { trustedKeys: pinned, crypto: counting })
    expect(result.status).toBe('verified')
    expect(calls).toEqual(['sha256', 'verify'])
  })
})

describe('pinned key order', () => {
  it('tries the key the event names first, so an honest event costs one signature check', async () => {
    const others = [createSigner(seedFrom(11)), createSigner(seedFrom(12)), createSigner(seedFrom(13))]
    const ring = new KeyRing([...others.map((o) => o.publicKey), ledger.publicKey])
    const tried: string[] = []
    const recording: CryptoBackend = {
      name: 'recording',
      sha256: (data) => nobleBackend.sha256(data),
      verifyEd25519: (s, m, k) => (tried.push(bytesToHex(k)), nobleBackend.verifyEd25519(s, m, k)),
    }
    const result = await verifyEvent(ledger.sign(apiEvent()), { trustedKeys: ring, crypto: recording })
    expect(result.status).toBe('verified')
    expect(tried).toEqual([ledger.publicKey])
  })
})

describe('hostile input and options', () => {
  it('reports nesting deeper than 256 levels, or a cycle, as malformed instead of overflowing the stack', async () => {
    const deep = JSON.parse('['.repeat(20_000) + ']'.repeat(20_000)) as unknown
    expect(await verifyEvent({ ...ledger.sign(apiEvent()), metadata: { deep } })).toMatchObject({
      status: 'malformed',
      reason: 'invalid-field',
    })
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    const results = await verifyEvents([{ ...ledger.sign(apiEvent()), metadata: cycle }, ledger.sign(apiEvent())])
    expect(results.map((r) => r.status)).toEqual(['malformed', 'unpinned'])
  })

  it('rejects options that would silently check nothing', async () => {
    await expect(verifyEvents([apiEvent()], { concurrency: Number.NaN })).rejects.toThrowError(/concurrency must be/)
    await expect(verifyEvents([apiEvent()], { concurrency: 0 })).rejects.toThrowError(/concurrency must be/)
    await expect(verifyEvent(apiEvent(), { crypto: 'fast' as 'auto' })).rejects.toThrowError(/crypto must be/)
  })
})

describe('verifyEvents', () => {
  const events = Array.from({ length: 40 }, (_, i) => ledger.sign(apiEvent({ id: `aevt_${i}`, seq: i + 1 })))

  it('returns results in input order with bounded concurrency', async () => {
    let inFlight = 0
    let peak = 0
    const slow: CryptoBackend = {
      name: 'slow',
      sha256: async (data) => {
        inFlight++
        peak = Math.max(peak, inFlight)
        await new Promise((resolve) => setTimeout(resolve, 1))
        inFlight--
        return new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource))
      },
      verifyEd25519: async (s, m, k) => ed.verifyAsync(s, m, k),
    }
    const tampered = events.map((e, i) => (i % 7 === 3 ? { ...e, action: 'changed' } : e))
    const results = await verifyEvents(tampered, { trustedKeys: pinned, crypto: slow, concurrency: 4 })
    expect(results.map((r) => r.status)).toEqual(tampered.map((_, i) => (i % 7 === 3 ? 'tampered' : 'verified')))
    expect(results.map((r) => r.payloadHash)).toEqual(
      events.map((e, i) => (i % 7 === 3 ? expect.not.stringMatching(e.payload_hash) : e.payload_hash)),
    )
    expect(peak).toBe(4)
  })

  it('reports each result as it completes', async () => {
    const seen: number[] = []
    await verifyEvents(events, { trustedKeys: pinned, onResult: (_r, index) => seen.push(index) })
    expect(seen.sort((a, b) => a - b)).toEqual(events.map((_, i) => i))
  })

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController()
    const run = verifyEvents(events, {
      trustedKeys: pinned,
      concurrency: 1,
      signal: controller.signal,
      onResult: (_r, index) => index === 2 && controller.abort(new Error('left the page')),
    })
    await expect(run).rejects.toThrowError('left the page')
  })

  it('resolves to an empty list for no events', async () => {
    expect(await verifyEvents([], { trustedKeys: pinned })).toEqual([])
  })
})

describe('given a host removes a compromised key from its array of pinned keys', () => {
  it('the next call no longer counts that key as pinned', async () => {
    const keys = [ledger.publicKey]
    const event = ledger.sign(apiEvent({ id: 'aevt_revoked' }))
    expect((await verifyEvent(event, { trustedKeys: keys })).status).toBe('verified')
    keys.splice(0, 1, createSigner(seedFrom(9)).publicKey)
    expect((await verifyEvent(event, { trustedKeys: keys })).status).toBe('untrusted')
    keys.length = 0
    expect((await verifyEvent(event, { trustedKeys: keys })).status).toBe('unpinned')
  })
})

describe('KeyRing', () => {
  it('refuses pinned keys that are not usable, naming the entry', async () => {
    expect(() => new KeyRing(['abc'])).toThrowError(/trustedKeys\[0\]\.publicKey must be 64 hex/)
    await expect(new KeyRing([ledger.publicKey, '01' + '00'.repeat(31)]).usable()).rejects.toThrowError(
      /trustedKeys\[1\].*small-order/,
    )
    // Verification refuses such a ring as an invalid option, whichever form it is given in.
    const smallOrder = ['01' + '00'.repeat(31)]
    await expect(verifyEvent(ledger.sign(apiEvent()), { trustedKeys: smallOrder })).rejects.toThrowError(/small-order/)
    await expect(verifyEvents([ledger.sign(apiEvent())], { trustedKeys: smallOrder })).rejects.toThrowError(
      /small-order/,
    )
    expect(() => new KeyRing([{ publicKey: ledger.publicKey, notAfter: 'soon' }])).toThrowError(/notAfter "soon"/)
    expect(() => new KeyRing([{ publicKey: ledger.publicKey, notBefore: new Date(Number.NaN) }])).toThrowError(
      /invalid Date/,
    )
  })

  it('looks keys up in any hex case', () => {
    const ring = new KeyRing([ledger.publicKey.toUpperCase()])
    expect(ring.get(ledger.publicKey)?.publicKey).toBe(ledger.publicKey)
    expect(bytesToHex(ring.keys[0]!.bytes)).toBe(ledger.publicKey)
  })
})
