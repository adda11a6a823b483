/**
 * JSON number spellings and what the ledger does with each (wire note §4.1, §4.2): shared by
 * the HTTP table test and the offline check against real Python.
 */

const DIGITS_4300 = '9'.repeat(4300)
const DIGITS_4301 = '1' + '0'.repeat(4300)
/** Near the 64 KiB body limit, with a long inner run of zeros (a quadratic case for /0+$/). */
const DIGITS_60002 = '1' + '0'.repeat(60000) + '1'

/** Literal as sent → spelling stored, signed and served. */
export const STORED: [string, string][] = [
  ['1.50', '1.5'],
  ['-0', '0'],
  ['-0.0', '0'],
  ['1.0', '1'],
  ['100.0', '100'],
  ['1E2', '100'],
  ['1e21', '1e+21'],
  ['1.5e22', '1.5e+22'],
  ['1e16', '10000000000000000'],
  ['100000000000000000000.0', '100000000000000000000'],
  ['100000000000000000000', '100000000000000000000'],
  ['0.1', '0.1'],
  ['123.456', '123.456'],
  ['0.0001', '0.0001'],
  ['-2.5e-3', '-0.0025'],
  ['1e-10', '1e-10'],
  ['9.99e-10', '9.99e-10'],
  ['5e-324', '5e-324'],
  ['1.7976931348623157e308', '1.7976931348623157e+308'],
  // Integer literals no double holds keep their digits: Python verifies them, Node declares
  // integers beyond 2^53 out of scope (invoance-node src/audit-canonical.ts).
  ['9007199254740993', '9007199254740993'],
  ['9223372036854775807', '9223372036854775807'],
  ['-9223372036854775808', '-9223372036854775808'],
  ['1152921504606846976', '1152921504606846976'],
  [DIGITS_4300, DIGITS_4300],
]

/** Literal as sent → why no spelling serves both verifiers. */
export const REFUSED: [string, RegExp][] = [
  ['2e-7', /Python prints it as 2e-07 and JavaScript as 2e-7/],
  ['2e-07', /Python prints it as 2e-07 and JavaScript as 2e-7/],
  ['0.00009', /Python prints it as 9e-05 and JavaScript as 0\.00009/],
  ['1e-6', /Python prints it as 1e-06/],
  ['1e-9', /Python prints it as 1e-09/],
  ['1e400', /beyond the range of a double/],
  ['-1e400', /beyond the range of a double/],
  ['1e-400', /cannot hold it without changing its value \(it reads as 0\)/],
  ['9007199254740993.0', /cannot hold it without changing its value \(it reads as 9007199254740992\)/],
  ['0.10000000000000001', /cannot hold it without changing its value \(it reads as 0\.1\)/],
  [DIGITS_4301, /it has 4301 digits, and Python refuses integers over 4300 digits/],
  [DIGITS_60002, /it has 60002 digits/],
]
