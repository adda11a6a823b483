import { describe, expect, it, vi } from 'vitest'
import {
  canonicalBytes,
  canonicalJson,
  canonicalize,
  LosslessNumber,
  MalformedEventError,
  parseAuditJson,
} from '../../src/core/index.js'
import { hasLoneSurrogate } from '../../src/core/json/json-writer.js'
import { compareCodePoints } from '../../src/core/json/json-writer.js'
import { apiEvent } from '../support/signing.js'

describe('canonicalJson', () => {
  it('orders keys by code point, not by UTF-16 code unit as Array.prototype.sort does', () => {
    const keys = ['\u{1F600}', '\uE000', 'z', 'Z', 'é', '\uFFFF', '\u{10000}']
    const event = apiEvent({ metadata: Object.fromEntries(keys.map((k, i) => [k, i])) })
    const metadata = JSON.parse(canonicalJson(event)).metadata as Record<string, number>
    expect(Object.keys(metadata)).toEqual(['Z', 'z', 'é', '\uE000', '\uFFFF', '\u{10000}', '\u{1F600}'])
    // The default sort disagrees, which is exactly the trap.
    expect([...keys].sort()).not.toEqual(Object.keys(metadata))
    expect([...keys].sort(compareCodePoints)).toEqual(Object.keys(metadata))
  })

  it('drops null members at every depth but keeps nulls inside arrays, in order', () => {
    const event = apiEvent({
      actor: { type: 'user', id: 'u', name: null, metadata: { a: null, b: { c: null, d: 1 } } },
      metadata: { list: [null, { x: null, y: [null] }, 3] },
      context: null,
    })
    const text = canonicalJson(event)
    expect(text).toContain('"actor":{"id":"u","metadata":{"b":{"d":1}},"type":"user"}')
    expect(text).toContain('"metadata":{"list":[null,{"y":[null]},3]}')
    expect(text).not.toContain('"context"')
  })

  it('signs only the spec’s fields: envelope and proof fields are left out', () => {
    const base = canonicalJson(apiEvent())
    const withExtras = canonicalJson(
      apiEvent({ version: 1, payload_hash: 'ab', signature: 'cd', signing_public_key: 'ef', key_id: 'k', extra: 1 }),
    )
    expect(withExtras).toBe(base)
    expect(base).toContain('"schema_id":"invoance.audit/1"')
    expect(base).toContain('"event_id":"aevt_01JTEST0000000000000000001"')
    expect(base).not.toContain('"id":"aevt')
  })

  it('writes non-ASCII literally and escapes control characters as JSON requires', () => {
    const text = canonicalJson(apiEvent({ metadata: { s: 'Grüße 😀 \u2028 \u007f \u0000\b\f\n\r\t"\\/' } }))
    expect(text).toContain('"s":"Grüße 😀 \u2028 \u007f \\u0000\\b\\f\\n\\r\\t\\"\\\\/"')
    expect(Buffer.from(canonicalBytes(apiEvent({ metadata: { s: 'é' } }))).includes(Buffer.from([0xc3, 0xa9]))).toBe(
      true,
    )
  })

  it('gives the same bytes for escaped and literal unicode in the input text', () => {
    const literal = parseAuditJson(JSON.stringify(apiEvent({ metadata: { name: 'José 田中 😀' } })))
    const escaped = parseAuditJson(
      JSON.stringify(apiEvent({ metadata: { name: 'PLACEHOLDER' } })).replace(
        'PLACEHOLDER',
        'Jos\\u00e9 \\u7530\\u4e2d \\ud83d\\ude00',
      ),
    )
    expect(canonicalJson(escaped)).toBe(canonicalJson(literal))
  })

  it('does not normalise Unicode: NFC and NFD spellings are different signed bytes', () => {
    const nfc = 'Am\u00e9lie'
    const nfd = nfc.normalize('NFD')
    expect(nfd).not.toBe(nfc)
    expect(canonicalJson(apiEvent({ metadata: { n: nfd } }))).not.toBe(
      canonicalJson(apiEvent({ metadata: { n: nfc } })),
    )
    expect(canonicalJson(apiEvent({ metadata: { n: nfd } }))).toContain(`"n":"${nfd}"`)
  })

  it('writes exact numbers from the lossless parser and refuses plain numbers that lost precision', () => {
    const parsed = parseAuditJson('{"big":18446744073709551615,"f":2.0,"e":1E3}')
    expect(canonicalJson(apiEvent({ metadata: parsed }))).toContain(
      '"metadata":{"big":18446744073709551615,"e":1E3,"f":2.0}',
    )
    expect(canonicalJson(apiEvent({ metadata: { big: 2n ** 64n } }))).toContain('"big":18446744073709551616')
    // 2 ** 63: the double that 9223372036854775807 (int64's largest) rounds to.
    const lossy = canonicalize(apiEvent({ metadata: { big: 2 ** 63 } }))
    expect(lossy).toMatchObject({ ok: false, error: { reason: 'invalid-number', path: 'metadata.big' } })
  })

  it('accepts seq as a number, bigint or exact integer text', () => {
    const expected = canonicalJson(apiEvent({ seq: 7 }))
    expect(canonicalJson(apiEvent({ seq: 7n }))).toBe(expected)
    expect(canonicalJson(apiEvent({ seq: new LosslessNumber('7') }))).toBe(expected)
  })

  it('accepts event_id in place of id, and refuses both when they disagree', () => {
    const { id, ...rest } = apiEvent()
    expect(canonicalJson({ ...rest, event_id: id })).toBe(canonicalJson(apiEvent()))
    expect(canonicalJson({ ...rest, event_id: id, id })).toBe(canonicalJson(apiEvent()))
    expect(() => canonicalBytes({ ...rest, event_id: id, id: 'aevt_other' })).toThrowError(MalformedEventError)
  })

  it.each([
    ['missing-field', 'org_id', { org_id: undefined }],
    ['missing-field', 'event_id', { id: null }],
    ['missing-field', 'seq', { seq: null }],
    ['missing-field', 'action', { action: undefined }],
    ['missing-field', 'actor', { actor: null }],
    ['missing-field', 'targets', { targets: undefined }],
    ['missing-field', 'ingested_at', { ingested_at: null }],
    ['invalid-field', 'seq', { seq: -1 }],
    ['invalid-field', 'seq', { seq: 1.5 }],
    ['invalid-field', 'seq', { seq: '1' }],
    ['invalid-field', 'action', { action: 7 }],
    ['invalid-field', 'actor', { actor: ['user'] }],
    ['invalid-field', 'targets', { targets: {} }],
    ['invalid-timestamp', 'occurred_at', { occurred_at: '2026-11-20 10:15:30Z' }],
    ['invalid-timestamp', 'ingested_at', { ingested_at: '2026-02-30T00:00:00Z' }],
    ['invalid-string', 'actor.name', { actor: { type: 'user', id: 'u', name: 'broken \ud800 half' } }],
    ['invalid-string', 'metadata.\udc00', { metadata: { '\udc00': 1 } }],
    ['invalid-number', 'metadata.x', { metadata: { x: Number.POSITIVE_INFINITY } }],
    ['invalid-field', 'targets[1]', { targets: [{ type: 't', id: '1' }, undefined] }],
    [
      'invalid-string',
      'targets[2].id',
      {
        targets: [
          { type: 't', id: '1' },
          { type: 't', id: '2' },
          { type: 't', id: '\udfff' },
        ],
      },
    ],
    ['invalid-number', 'metadata.list[0].n', { metadata: { list: [{ n: Number.NaN }] } }],
  ])('reports %s at %s', (reason, path, overrides) => {
    const result = canonicalize(apiEvent(overrides))
    expect(result).toMatchObject({ ok: false, error: { reason, path } })
  })

  it('accepts nesting 256 levels below the signed object and refuses any value one level deeper', () => {
    const nested = (levels: number, leaf: unknown): unknown => (levels === 0 ? leaf : [nested(levels - 1, leaf)])
    // metadata.x is level 2: 254 arrays below it put the leaf at level 256, 255 at level 257.
    expect(canonicalize(apiEvent({ metadata: { x: nested(254, 1) } })).ok).toBe(true)
    expect(canonicalize(apiEvent({ metadata: { x: nested(255, 1) } }))).toMatchObject({
      ok: false,
      error: { reason: 'invalid-field' },
    })
    expect(canonicalize(apiEvent({ metadata: { x: nested(255, 'a string leaf') } }))).toMatchObject({ ok: false })
  })

  it('reports a non-object event as malformed', () => {
    for (const value of [null, 'event', 42, [], undefined]) {
      expect(canonicalize(value)).toMatchObject({ ok: false, error: { reason: 'not-an-object' } })
    }
  })

  const surrogateCases: [string, boolean][] = [
    ['plain ascii', false],
    ['emoji 😀 and \uE000', false],
    ['high \ud83d alone', true],
    ['low \ude00 alone', true],
    ['ends high \ud83d', true],
    ['\ude00\ud83d', true],
  ]

  it('finds lone surrogates, paired ones excepted, with String.prototype.isWellFormed', () => {
    expect(typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed).toBe('function')
    for (const [text, lone] of surrogateCases) expect(hasLoneSurrogate(text), text).toBe(lone)
  })

  it('finds them the same way without isWellFormed (older Safari lacks it)', async () => {
    // json-writer.ts reads isWellFormed when it loads: a fresh copy of it is loaded without.
    const prototype = String.prototype as { isWellFormed?: unknown }
    const isWellFormed = prototype.isWellFormed
    delete prototype.isWellFormed
    try {
      vi.resetModules()
      const writer = await import('../../src/core/json/json-writer.js')
      expect(writer.hasLoneSurrogate).not.toBe(hasLoneSurrogate)
      for (const [text, lone] of surrogateCases) expect(writer.hasLoneSurrogate(text), text).toBe(lone)
    } finally {
      prototype.isWellFormed = isWellFormed
      vi.resetModules()
    }
  })
})
