/**
 * Writing JSON without losing numbers: the counterpart of parseAuditJson, and the code-point
 * key order canonical JSON needs.
 */
import { LosslessNumber } from './lossless-json.js'

export interface StringifyAuditJsonOptions {
  /** Sort object keys by Unicode code point (as canonical JSON needs). Default `false`. */
  sortKeys?: boolean
  /** Indent nested values by this many spaces (for display). Default: compact. */
  indent?: number
}

/**
 * Serialize a value compactly, writing {@link LosslessNumber}s as their source text and
 * `bigint`s as decimal integers, so `stringifyAuditJson(parseAuditJson(t))` keeps every number.
 *
 * @throws {TypeError} for values JSON cannot hold (non-finite numbers, functions, cycles).
 */
export function stringifyAuditJson(value: unknown, options: StringifyAuditJsonOptions = {}): string {
  const indent = options.indent ? ' '.repeat(options.indent) : ''
  return write(value, options.sortKeys ?? false, new Set(), indent, '\n')
}

function write(value: unknown, sortKeys: boolean, seen: Set<object>, indent: string, newline: string): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`Cannot write ${value} as JSON`)
      return String(value)
    case 'bigint':
      return value.toString()
    case 'object': {
      if (value === null) return 'null'
      if (value instanceof LosslessNumber) return value.text
      if (seen.has(value)) throw new TypeError('Cannot write a circular structure as JSON')
      seen.add(value)
      let out: string
      // With indent: each level on its own lines, one indent deeper than its parent.
      const inner = indent ? newline + indent : ''
      const close = indent ? newline : ''
      const child = (item: unknown) => write(item, sortKeys, seen, indent, inner || newline)
      if (Array.isArray(value)) {
        const items = value.map((item) => (item === undefined ? 'null' : child(item)))
        out = items.length === 0 ? '[]' : '[' + inner + items.join(',' + inner) + close + ']'
      } else {
        const record = value as Record<string, unknown>
        const keys = Object.keys(record).filter((k) => record[k] !== undefined)
        if (sortKeys) keys.sort(compareCodePoints)
        const members = keys.map((k) => JSON.stringify(k) + (indent ? ': ' : ':') + child(record[k]))
        out = members.length === 0 ? '{}' : '{' + inner + members.join(',' + inner) + close + '}'
      }
      seen.delete(value)
      return out
    }
    default:
      throw new TypeError(`Cannot write a ${typeof value} as JSON`)
  }
}

/**
 * Order two strings by Unicode code point, the order of Python's `sort_keys` and Rust's
 * `BTreeMap<String, _>`. JavaScript's default comparison uses UTF-16 code units, which puts
 * astral characters (stored as surrogates, 0xD800-0xDFFF) before U+E000..U+FFFF. Shifting
 * surrogates above that range restores code point order for well-formed strings.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) return codePointRank(x) - codePointRank(y)
      return x - y
    }
  }
  return a.length - b.length
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000
  if (unit >= 0xe000) return unit - 0x800
  return unit
}
