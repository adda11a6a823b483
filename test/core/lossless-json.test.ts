import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AuditJsonSyntaxError, LosslessNumber, parseAuditJson, stringifyAuditJson } from '../../src/core/index.js'

describe('parseAuditJson', () => {
  it('keeps an integer beyond 2^53 as its exact text', () => {
    const value = parseAuditJson('{"n":9223372036854775807}') as { n: LosslessNumber }
    expect(value.n).toBeInstanceOf(LosslessNumber)
    expect(value.n.text).toBe('9223372036854775807')
    expect(value.n.toBigInt()).toBe(9223372036854775807n)
  })

  it.each(['2.0', '1e3', '1E+3', '-0', '0.10', '1.5e-7', '-12.50'])('keeps %s byte for byte', (text) => {
    const value = parseAuditJson(`[${text}]`) as LosslessNumber[]
    expect(value[0]).toBeInstanceOf(LosslessNumber)
    expect(stringifyAuditJson(value)).toBe(`[${text}]`)
  })

  it('returns safe integers as plain numbers, so code can use seq directly', () => {
    expect(parseAuditJson('{"seq":42,"neg":-7,"max":9007199254740991}')).toEqual({
      seq: 42,
      neg: -7,
      max: 9007199254740991,
    })
  })

  it('decodes escapes, including escaped astral characters, to the same string as literal text', () => {
    expect(parseAuditJson('"caf\\u00e9 \\ud83d\\ude00 \\n\\t\\"\\\\\\/"')).toBe('café 😀 \n\t"\\/')
    expect(parseAuditJson('"café 😀"')).toBe(parseAuditJson('"caf\\u00e9 \\ud83d\\ude00"'))
  })

  it('accepts an escaped lone surrogate as valid JSON text (the verifier judges it later)', () => {
    expect(parseAuditJson('"\\ud800"')).toBe('\ud800')
  })

  it('makes keys the prototype already has (toString, constructor) own data members, even with a setter on Object.prototype', () => {
    let setterCalls = 0
    Object.defineProperty(Object.prototype, 'auditlensTrap', {
      configurable: true,
      set() {
        setterCalls++
      },
    })
    try {
      const value = parseAuditJson('{"toString":"x","constructor":1,"auditlensTrap":2}') as Record<string, unknown>
      expect(Object.keys(value)).toEqual(['toString', 'constructor', 'auditlensTrap'])
      expect([value.toString, value.constructor, value.auditlensTrap]).toEqual(['x', 1, 2])
      expect(setterCalls).toBe(0)
    } finally {
      delete (Object.prototype as Record<string, unknown>).auditlensTrap
    }
  })

  it('treats __proto__ as an ordinary key, never as a prototype', () => {
    const value = parseAuditJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(Object.keys(value)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuses a repeated key by default, naming it and where it is', () => {
    expect(() => parseAuditJson('{"a":1, "a":2}')).toThrowError(/Duplicate key "a" at position 8/)
    expect(parseAuditJson('{"a":1,"a":2}', { rejectDuplicateKeys: false })).toEqual({ a: 2 })
  })

  it.each([
    ['', /Unexpected end/],
    ['{', /Expected a string key/],
    ['{"a" 1}', /Expected ':'/],
    ['[1,]', /Unexpected character/],
    ['[1 2]', /Expected ',' or '\]'/],
    ['01', /Leading zero/],
    ['1.', /after the decimal point/],
    ['1e', /exponent/],
    ['"a\u0001"', /Control character/],
    ['"abc', /Unterminated string/],
    ['"\\x"', /Invalid escape/],
    ['"\\u12g4"', /Invalid \\u escape/],
    ['tru', /Unexpected token/],
    ['{} x', /after the JSON value/],
    ['NaN', /Unexpected character/],
  ])('rejects %j with a positioned error', (text, message) => {
    let thrown: unknown
    try {
      parseAuditJson(text)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(AuditJsonSyntaxError)
    expect((thrown as Error).message).toMatch(message)
    expect((thrown as AuditJsonSyntaxError).position).toBeGreaterThanOrEqual(0)
  })

  it('refuses nesting deeper than 256 levels instead of overflowing the stack', () => {
    expect(() => parseAuditJson('['.repeat(100_000) + ']'.repeat(100_000))).toThrowError(/Nesting deeper than 256/)
    expect(parseAuditJson('['.repeat(200) + ']'.repeat(200))).toBeInstanceOf(Array)
  })

  it('agrees with JSON.parse wherever JSON.parse is exact', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const text = JSON.stringify(value)
        expect(normalize(parseAuditJson(text))).toEqual(JSON.parse(text))
      }),
      { numRuns: 300 },
    )
  })

  it('round-trips any JSON text through stringifyAuditJson without changing a number', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (text) => {
        const once = stringifyAuditJson(parseAuditJson(text))
        expect(stringifyAuditJson(parseAuditJson(once))).toBe(once)
        expect(JSON.parse(once)).toEqual(JSON.parse(text))
      }),
      { numRuns: 300 },
    )
  })
})

describe('stringifyAuditJson', () => {
  it('writes bigints exactly and can sort keys by code point', () => {
    expect(stringifyAuditJson({ b: 1n << 70n, a: [true, null] })).toBe('{"b":1180591620717411303424,"a":[true,null]}')
    expect(stringifyAuditJson({ '\u{1F600}': 1, '\uE000': 2 }, { sortKeys: true })).toBe('{"\uE000":2,"\u{1F600}":1}')
  })

  it('indents like JSON.stringify(value, null, n), keeping exact numbers', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 1, max: 4 }), (value, indent) => {
        const text = JSON.stringify(value)
        expect(stringifyAuditJson(parseAuditJson(text), { indent })).toBe(
          JSON.stringify(JSON.parse(text), null, indent),
        )
      }),
      { numRuns: 200 },
    )
    expect(stringifyAuditJson(parseAuditJson('{"n":2.0}'), { indent: 2 })).toBe('{\n  "n": 2.0\n}')
  })

  it('refuses values JSON cannot hold', () => {
    expect(() => stringifyAuditJson(Number.NaN)).toThrowError(TypeError)
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(() => stringifyAuditJson(cycle)).toThrowError(/circular/)
  })
})

/** LosslessNumber -> number, for comparison with JSON.parse. */
function normalize(value: unknown): unknown {
  if (value instanceof LosslessNumber) return value.valueOf()
  if (Array.isArray(value)) return value.map(normalize)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]))
  }
  return value
}
