/**
 * The one spelling of a JSON number that Invoance's Python and Node verifiers both reproduce.
 *
 * Neither verifier checks the bytes it received: each parses the event and serialises it again
 * (Python `json.loads` then `json.dumps`, `invoance-python:invoance/_internal/audit_canonical.py`;
 * Node `JSON.parse` then `JSON.stringify`, `invoance-node:src/audit-canonical.ts`). A number
 * therefore verifies only when it is signed in the spelling that both re-serialisations print.
 * Python prints an integer literal's digits exactly and any other number as `float.__repr__`;
 * Node prints ECMAScript `Number::toString` of the nearest double. The rule (wire note §4.2):
 *
 * 1. `s = Number::toString(Number(literal))`. Keep `s` when its decimal value equals the
 *    literal's (no digit lost: `1.50` becomes `1.5`, `-0` becomes `0`, `1e21` becomes `1e+21`)
 *    and Python prints it back unchanged: `s` is plain integer digits (Python reads an `int`)
 *    or Python's `repr` of the double is `s` too.
 * 2. Otherwise an integer literal of at most 4300 digits keeps its exact digits: Python
 *    verifies it, Node cannot beyond 2^53, which its own docs declare out of scope.
 * 3. Otherwise nothing serves both, and the caller is told why.
 *
 * Written by hand rather than with a decimal library because the rule is about two exact
 * specifications, and each line below is one of their clauses: CPython's `float_repr`
 * (`Objects/floatobject.c`: `PyOS_double_to_string(x, 'r', 0, Py_DTSF_ADD_DOT_0)`, whose layout
 * is `format_float_short` in `Python/pystrtod.c`) and ECMA-262 §6.1.6.1.20 `Number::toString`,
 * which the engine's `String(number)` implements. Both use the shortest digits that round-trip
 * (David Gay's `dtoa` mode 0 in CPython), so they differ only in layout, which is what
 * {@link pythonFloatRepr} rebuilds from the engine's digits.
 */

/**
 * CPython refuses to convert integer strings longer than this (`sys.int_info.default_max_str_digits`,
 * 3.11+, CVE-2020-10735), so `json.loads` raises on a longer integer literal.
 */
export const PYTHON_MAX_INT_DIGITS = 4300

/** Where a literal stands under the rule: the spelling to sign, or why none exists. */
export type NumberSpelling = { ok: true; text: string } | { ok: false; reason: string }

/**
 * An exact decimal: `(-1)^negative × digits × 10^exponent`, `digits` without leading or trailing
 * zeros (empty for zero, whose sign is dropped: JSON's `-0` and `0` are the same decimal value).
 */
interface Decimal {
  negative: boolean
  digits: string
  exponent: bigint
}

const INTEGER = /^-?\d+$/
const LITERAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/

function parseDecimal(text: string): Decimal {
  const match = LITERAL.exec(text)
  if (!match) throw new SyntaxError(`${JSON.stringify(text)} is not a JSON number`)
  const [, sign, int, frac = '', exp = '0'] = match
  const all = int! + frac
  const lead = all.search(/[1-9]/)
  if (lead < 0) return { negative: false, digits: '', exponent: 0n }
  // A loop, not /0+$/: that regex backtracks quadratically over a long run of inner zeros
  // (seconds for one 60 000-digit literal, well inside the 64 KiB body limit).
  let end = all.length
  while (all.charCodeAt(end - 1) === 0x30) end--
  const trimmed = all.slice(lead, end)
  const trailingZeros = all.length - end
  // BigInt, so an exponent such as 1e99999999999999999999 is compared exactly, not as Infinity.
  return {
    negative: sign === '-',
    digits: trimmed,
    exponent: BigInt(exp) - BigInt(frac.length) + BigInt(trailingZeros),
  }
}

function sameDecimal(a: Decimal, b: Decimal): boolean {
  return a.negative === b.negative && a.digits === b.digits && a.exponent === b.exponent
}

/**
 * Python's `repr(float)` of a finite double, which `json.dumps` writes for every float
 * (`json.encoder` uses `float.__repr__`). Layout from `format_float_short` for type `'r'`:
 * exponent form when the decimal point position `decpt` is `<= -4` or `> 16`, with a sign and
 * at least two exponent digits (`1e-05`, `1e+16`); otherwise fixed notation, with `.0` added
 * to integral values (`Py_DTSF_ADD_DOT_0`).
 */
export function pythonFloatRepr(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} has no float repr in JSON`)
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const { negative, digits, exponent } = parseDecimal(String(value))
  const sign = negative ? '-' : ''
  const decpt = digits.length + Number(exponent)
  if (decpt <= -4 || decpt > 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const e = decpt - 1
    return `${sign}${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`
  if (decpt < digits.length) return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`
  return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`
}

/**
 * The spelling under which a JSON number literal verifies with both Invoance verifiers (see the
 * module comment), or the reason there is none.
 *
 * @param literal a JSON number exactly as the client wrote it, such as `1.50` or `2e-7`.
 */
export function portableNumberSpelling(literal: string): NumberSpelling {
  const exact = parseDecimal(literal)
  const value = Number(literal)
  if (Number.isFinite(value)) {
    const js = String(value)
    const lossless = sameDecimal(parseDecimal(js), exact)
    if (lossless && (INTEGER.test(js) || pythonFloatRepr(value) === js)) return { ok: true, text: js }
    if (INTEGER.test(literal)) return integerDigits(literal)
    if (!lossless)
      return { ok: false, reason: `a double cannot hold it without changing its value (it reads as ${js})` }
    return { ok: false, reason: `Python prints it as ${pythonFloatRepr(value)} and JavaScript as ${js}` }
  }
  if (INTEGER.test(literal)) return integerDigits(literal)
  return { ok: false, reason: 'it is beyond the range of a double (Python reads Infinity, JavaScript null)' }
}

function integerDigits(literal: string): NumberSpelling {
  const digits = literal.replace(/^-/, '')
  if (digits.length > PYTHON_MAX_INT_DIGITS) {
    return {
      ok: false,
      reason: `it has ${digits.length} digits, and Python refuses integers over ${PYTHON_MAX_INT_DIGITS} digits`,
    }
  }
  return { ok: true, text: literal }
}
