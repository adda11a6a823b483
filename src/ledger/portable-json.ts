/**
 * Rewrites the caller's parts of an event (actor, targets, context, metadata) into the form
 * every Invoance verifier re-serialises to the same bytes, or refuses it with the field's path.
 * Invoance's verifiers parse an event and write it again (wire note §4.1), so the ledger must
 * sign what they will write, not what the client happened to send.
 */
import { LosslessNumber, type AuditJsonObject, type AuditJsonValue } from '../core/index.js'
import { badRequest } from '../protocol/errors.js'
import { portableNumberSpelling } from './number-spelling.js'

/**
 * A copy of `value` with every number in its portable spelling (see `number-spelling.ts`).
 *
 * @param path the dotted path of `value` in the event, such as `metadata` or `targets[0]`.
 * @throws {HttpError} 400 naming the path of a number no spelling serves, or of an object
 *   whose keys the Python and Node verifiers would order differently.
 */
export function portableJson(value: AuditJsonValue, path: string): AuditJsonValue {
  if (value instanceof LosslessNumber) {
    const spelling = portableNumberSpelling(value.text)
    if (!spelling.ok) {
      const shown = value.text.length > 24 ? `${value.text.slice(0, 24)}…` : value.text
      throw badRequest(
        `${path}: ${shown} has no spelling that both Invoance verifiers reproduce (${spelling.reason}); send it as a string.`,
      )
    }
    return numberValue(spelling.text)
  }
  if (Array.isArray(value)) return value.map((item, i) => portableJson(item, `${path}[${i}]`))
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value)
    checkKeyOrder(keys, path)
    const out: { [key: string]: AuditJsonValue } = {}
    for (const key of keys) {
      // Defined, not assigned, as in parseAuditJson: a "__proto__" key stays an own member.
      Object.defineProperty(out, key, {
        value: portableJson(value[key]!, `${path}.${key}`),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return out
  }
  return value
}

/** {@link portableJson} for an object member of the event (`actor`, `context`, `metadata`, a target). */
export function portableObject(value: AuditJsonObject, path: string): AuditJsonObject {
  return portableJson(value, path) as AuditJsonObject
}

/** The value parseAuditJson gives for `text`, so a stored event reads back the same way. */
function numberValue(text: string): number | LosslessNumber {
  const value = Number(text)
  return Number.isSafeInteger(value) && String(value) === text ? value : new LosslessNumber(text)
}

/** ECMA-262 array index: a canonical numeric string below 2^32 - 1 (§6.1.7). */
const isArrayIndex = (key: string) => /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1

/** Python's `sort_keys` order: by code point (CPython compares `str` by code point). */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!)
  const y = Array.from(b, (c) => c.codePointAt(0)!)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

/**
 * Refuse an object whose keys Invoance's Node verifier would write in another order than its
 * Python one. Python writes keys by code point. Node's `sortDeep` sorts by UTF-16 code unit
 * (`Object.keys(v).sort()`), and then `JSON.stringify` enumerates array-index keys first, in
 * numeric order, whatever the insertion order (ECMA-262 OrdinaryOwnPropertyKeys, §10.1.11.1).
 * No spelling of such an object serves both, so the ledger names the object instead.
 */
function checkKeyOrder(keys: readonly string[], path: string): void {
  // A lone surrogate has no code point order at all; the signer's own check names it.
  if (keys.length < 2 || keys.some((key) => /\p{Cs}/u.test(key))) return
  // Both orders agree unless a key holds a unit from U+D800 up or is an array index: most
  // objects (ASCII keys that are not integers) skip both sorts.
  if (!keys.some((key) => /[\uD800-\uFFFF]/.test(key) || isArrayIndex(key))) return
  const python = [...keys].sort(compareCodePoints)
  const utf16 = [...keys].sort()
  if (python.some((key, i) => key !== utf16[i])) {
    throw badRequest(
      `${path}: its keys order differently by code point (Python) and by UTF-16 unit (JavaScript), because some ` +
        'hold characters above U+FFFF and others U+E000 to U+FFFF, so Invoance’s Python and Node verifiers ' +
        'cannot both reproduce it; rename the keys.',
    )
  }
  const node = [
    ...utf16.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b)),
    ...utf16.filter((k) => !isArrayIndex(k)),
  ]
  if (python.some((key, i) => key !== node[i])) {
    throw badRequest(
      `${path}: integer-like keys (${keys.filter(isArrayIndex).slice(0, 3).join(', ')}) are written first and in ` +
        'numeric order by JavaScript but by code point by Python, so Invoance’s Python and Node verifiers cannot both ' +
        'reproduce it; prefix them (for example "n10") or use an array.',
    )
  }
}
