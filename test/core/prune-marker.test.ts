/**
 * Prune markers are checked like events: against pinned keys, at `pruned_at`, over bytes the
 * test builds by hand from the documented layout (not with the code under test).
 */
import * as ed from '@noble/ed25519'
import { bytesToHex } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import { verifyPruneMarker } from '../../src/core/index.js'
import { decodePruneMarker } from '../../src/core/verify/prune-marker.js'
import { createSigner, VECTOR_SEED } from '../support/signing.js'

const signer = createSigner(VECTOR_SEED) // sets noble's sha512
const OTHER_SEED = Uint8Array.from({ length: 32 }, (_, i) => 255 - i)

const fields = {
  cutoff: '2026-10-01T00:00:00.000Z',
  key_id: 'akey_01',
  org_id: 'aorg_01',
  pruned_at: '2026-11-01T00:00:00.000Z',
  pruned_through_seq: 42,
  retention_days: 31,
  schema: 'auditlens.prune/1',
}

/** The documented bytes: keys in code-point order, no whitespace. */
const documented = (f: typeof fields) =>
  `{"cutoff":"${f.cutoff}","key_id":"${f.key_id}","org_id":"${f.org_id}","pruned_at":"${f.pruned_at}",` +
  `"pruned_through_seq":${f.pruned_through_seq},"retention_days":${f.retention_days},"schema":"${f.schema}"}`

function signed(seed = VECTOR_SEED, f = fields) {
  const signature = bytesToHex(ed.sign(new TextEncoder().encode(documented(f)), seed))
  return { ...f, signing_public_key: bytesToHex(ed.getPublicKey(seed)), signature }
}

describe('verifyPruneMarker', () => {
  it('verifies a marker signed over the documented bytes by a pinned key', async () => {
    const check = await verifyPruneMarker(signed(), {
      trustedKeys: [{ publicKey: signer.publicKey, keyId: 'akey_01' }],
    })
    expect(check).toMatchObject({ status: 'verified', marker: { pruned_through_seq: 42, org_id: 'aorg_01' } })
  })

  it.each([
    ['pruned_through_seq', 43],
    ['org_id', 'aorg_02'],
    ['cutoff', '2026-10-02T00:00:00.000Z'],
    ['retention_days', 30],
  ])('calls a marker with %s changed after signing tampered', async (field, value) => {
    const check = await verifyPruneMarker({ ...signed(), [field]: value }, { trustedKeys: [signer.publicKey] })
    expect(check.status).toBe('tampered')
  })

  it('never verifies without pinned keys, under an unpinned key, or outside the key’s window', async () => {
    expect((await verifyPruneMarker(signed())).status).toBe('unpinned')
    // Re-signed by someone else, who embeds their own public key: not pinned, so tampered.
    expect((await verifyPruneMarker(signed(OTHER_SEED), { trustedKeys: [signer.publicKey] })).status).toBe('tampered')
    const window = { publicKey: signer.publicKey, notBefore: '2026-11-02T00:00:00.000Z' }
    expect((await verifyPruneMarker(signed(), { trustedKeys: [window] })).status).toBe('untrusted')
  })

  it('reports malformed fields by name instead of throwing', async () => {
    const cases: [unknown, RegExp][] = [
      [null, /not an object/],
      [{ ...signed(), schema: 'x' }, /schema/],
      [{ ...signed(), pruned_through_seq: 0 }, /pruned_through_seq/],
      [{ ...signed(), pruned_through_seq: '42' }, /pruned_through_seq/],
      [{ ...signed(), pruned_at: '2026-11-01T00:00:00Z' }, /pruned_at/],
      [{ ...signed(), org_id: 'a"b' }, /org_id/],
      [{ ...signed(), signature: 'zz' }, /signature/],
    ]
    for (const [input, problem] of cases) {
      const check = await verifyPruneMarker(input, { trustedKeys: [signer.publicKey] })
      expect(check).toEqual({ status: 'malformed', message: expect.stringMatching(problem) })
    }
    expect(decodePruneMarker(signed()).ok).toBe(true)
  })

  it('gives a verified result that cannot be edited into a claim about other seqs', async () => {
    const check = await verifyPruneMarker(signed(), { trustedKeys: [signer.publicKey] })
    if (check.status !== 'verified') throw new Error('expected verified')
    expect(() => {
      ;(check.marker as { pruned_through_seq: number }).pruned_through_seq = 99
    }).toThrow(TypeError)
  })
})
