/** Properties that must hold for every event, not just the hand-picked ones. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson, parseAuditJson, stringifyAuditJson, verifyEvent } from '../../src/core/index.js'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'

const signer = createSigner(VECTOR_SEED)
const pinned = [signer.publicKey]

// Leaves a JavaScript caller can hold exactly: plain integers beyond 2^53 are refused as
// malformed (their digits are already lost), which canonical.test.ts covers separately.
const exactDouble = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((d) => !Number.isInteger(d) || Number.isSafeInteger(d))
const jsonLeaf = fc.oneof(fc.string({ unit: 'grapheme' }), fc.integer(), fc.boolean(), exactDouble)
const metadata = fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), jsonLeaf, { minKeys: 1, maxKeys: 6 })

/** Rebuild every object with its keys in a shuffled order. */
function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, random))
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[entries[i], entries[j]] = [entries[j]!, entries[i]!]
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, random)]))
  }
  return value
}

describe('canonical bytes', () => {
  it('do not change when keys are reordered or whitespace is added', () => {
    fc.assert(
      fc.property(metadata, fc.integer(), fc.constantFrom(0, 1, 2, '\t'), (meta, seed, indent) => {
        const event = apiEvent({ metadata: meta })
        let state = seed
        const random = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x80000000
        const reordered = shuffleKeys(event, random)
        const pretty = JSON.stringify(reordered, null, indent)
        expect(canonicalJson(parseAuditJson(pretty))).toBe(canonicalJson(event))
      }),
      { numRuns: 200 },
    )
  })

  it('survive a lossless parse and re-serialisation of the API event', () => {
    fc.assert(
      fc.property(metadata, (meta) => {
        const event = apiEvent({ metadata: meta })
        const text = stringifyAuditJson(parseAuditJson(JSON.stringify(event)))
        expect(canonicalJson(parseAuditJson(text))).toBe(canonicalJson(event))
      }),
      { numRuns: 100 },
    )
  })
})

describe('verification', () => {
  it('turns verified into tampered when any signed value changes', async () => {
    await fc.assert(
      fc.asyncProperty(
        metadata,
        fc.constantFrom('action', 'actor.id', 'org_id', 'targets.0.id', 'actor.name', 'metadata', 'context.location'),
        fc.string({ unit: 'grapheme' }),
        jsonLeaf,
        async (meta, path, text, leaf) => {
          // Fields the spec types as strings get a string, so the change stays well-formed.
          const replacement = ['action', 'actor.id', 'org_id', 'targets.0.id'].includes(path) ? text : leaf
          const signed = signer.sign(apiEvent({ metadata: meta }))
          expect((await verifyEvent(signed, { trustedKeys: pinned })).status).toBe('verified')
          const changed = structuredClone(signed) as Record<string, unknown>
          const parts = path.split('.')
          let node = changed as Record<string, unknown>
          for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>
          const last = parts.at(-1)!
          const next = path === 'metadata' ? { ...meta, '\u0000added': replacement } : replacement
          fc.pre(JSON.stringify(node[last]) !== JSON.stringify(next))
          node[last] = next
          expect((await verifyEvent(changed, { trustedKeys: pinned })).status).toBe('tampered')
        },
      ),
      { numRuns: 60 },
    )
  })
})
