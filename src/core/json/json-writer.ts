/**
 * The one JSON writer: the counterpart of parseAuditJson, in three modes.
 *
 * - `plain`: compact (or indented) JSON that keeps every number, for display and storage.
 * - `sorted`: `plain` with keys in code-point order, for stable hashing of request bodies.
 * - `canonical`: the `invoance.audit/1` rules for signed bytes: keys sorted by code point, null
 *   members dropped at every depth, and anything whose bytes would be ambiguous refused (a lone
 *   surrogate, a number rounded beyond 2^53, an `undefined` array element).
 *
 * One writer, so the three can never disagree on how a number or a string is spelled.
 */
import { LosslessNumber, MAX_DEPTH } from './lossless-json.js'

/** How {@link writeJson} writes: see the module comment. */
export type JsonWriteMode = 'plain' | 'sorted' | 'canonical'

/** Why a value could not be written, in the verifier's vocabulary. */
export type JsonWriteProblem = 'invalid-field' | 'invalid-number' | 'invalid-string'

/**
 * Thrown by {@link writeJson} for a value JSON cannot hold (or, in `canonical` mode, cannot
 * hold unambiguously). A `TypeError`, as `JSON.stringify` throws; `path` names the member.
 */
export class JsonWriteError extends TypeError {
  readonly problem: JsonWriteProblem
  /** Dotted path of the offending member, such as `actor.name` or `targets[2].id`. */
  readonly path: string

  constructor(problem: JsonWriteProblem, path: string, message: string) {
    super(message)
    this.name = 'JsonWriteError'
    this.problem = problem
    this.path = path
  }
}

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
  return writeJson(value, options.sortKeys ? 'sorted' : 'plain', options.indent)
}

/**
 * Write `value` as JSON in `mode`, indenting by `indent` spaces (ignored in `canonical` mode,
 * whose bytes are always compact).
 *
 * @throws {JsonWriteError} for a value the mode cannot write.
 */
export function writeJson(value: unknown, mode: JsonWriteMode, indent = 0): string {
  const canonical = mode === 'canonical'
  const writer = new Writer(mode !== 'plain', canonical, canonical || !indent ? '' : ' '.repeat(indent))
  return writer.write(value, '\n')
}

/**
 * Where the writer is, as the keys and indexes from the root. Paths are only put into words
 * when something is wrong: building one per member made canonicalization a third slower.
 */
type Path = (string | number)[]

function pathText(path: Path): string {
  let out = ''
  for (const step of path) out += typeof step === 'number' ? `[${step}]` : out ? `.${step}` : step
  return out
}

/**
 * A lone UTF-16 surrogate: with the `u` flag, a well-formed pair reads as one code point and
 * only an unpaired surrogate falls in category Cs. Works where String.prototype.isWellFormed
 * does not exist yet (Safari before 16.4).
 */
const LONE_SURROGATE = /\p{Cs}/u

/** `String.prototype.isWellFormed` (ES2024) where it exists. */
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed

/**
 * Whether `value` holds a UTF-16 surrogate with no partner (and so has no UTF-8 form). Asked of
 * about 30 strings an event: `isWellFormed` answers in 22 ns where the regular expression takes
 * 130 (BENCHMARKS.md, "Where the verifier's time goes").
 */
export function hasLoneSurrogate(value: string): boolean {
  return isWellFormed ? !isWellFormed.call(value) : LONE_SURROGATE.test(value)
}

class Writer {
  private readonly path: Path = []

  constructor(
    private readonly sortKeys: boolean,
    /** Canonical: drop null members, refuse what has no single spelling. */
    private readonly canonical: boolean,
    private readonly indent: string,
  ) {}

  private fail(problem: JsonWriteProblem, describe: (where: string) => string): never {
    const where = pathText(this.path)
    throw new JsonWriteError(problem, where, describe(where || 'the value'))
  }

  private string(value: string): string {
    // A lone surrogate has no UTF-8 encoding: TextEncoder would silently write U+FFFD and the
    // bytes would no longer be the ones that were signed.
    if (this.canonical && hasLoneSurrogate(value)) {
      this.fail('invalid-string', (where) => `${where} contains a lone UTF-16 surrogate, which has no UTF-8 form`)
    }
    return JSON.stringify(value)
  }

  write(value: unknown, newline: string): string {
    // As in parseAuditJson: deeper nesting (or a cycle) is refused, never a stack overflow.
    if (this.path.length > MAX_DEPTH) {
      this.fail('invalid-field', (where) => `${where} is nested deeper than ${MAX_DEPTH} levels or is circular`)
    }
    switch (typeof value) {
      case 'string':
        return this.string(value)
      case 'boolean':
        return value ? 'true' : 'false'
      case 'bigint':
        return value.toString()
      case 'number':
        if (!Number.isFinite(value))
          this.fail('invalid-number', (where) => `${where} is ${value}, which JSON cannot hold`)
        // A plain number outside the safe range has already been rounded by whoever parsed it,
        // so its original digits (and the signed bytes) are unknowable.
        if (this.canonical && Number.isInteger(value) && !Number.isSafeInteger(value)) {
          this.fail(
            'invalid-number',
            (where) => `${where} lost precision beyond 2^53; parse the event with parseAuditJson`,
          )
        }
        return String(value)
      case 'object':
        if (value === null) return 'null'
        if (value instanceof LosslessNumber) return value.text
        return Array.isArray(value)
          ? this.array(value, newline)
          : this.object(value as Record<string, unknown>, newline)
      default:
        return this.fail('invalid-field', (where) => `${where} is a ${typeof value}, which JSON cannot hold`)
    }
  }

  private array(value: readonly unknown[], newline: string): string {
    if (value.length === 0) return '[]'
    const inner = this.indent ? newline + this.indent : ''
    let out = '[' + inner
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',' + inner
      const item = value[i]
      this.path.push(i)
      if (item === undefined) {
        // JSON.stringify writes null here; signed bytes must not guess.
        if (this.canonical) this.fail('invalid-field', (where) => `${where} is not a JSON value`)
        out += 'null'
      } else {
        out += this.write(item, inner || newline)
      }
      this.path.pop()
    }
    return out + (this.indent ? newline : '') + ']'
  }

  private object(record: Record<string, unknown>, newline: string): string {
    const keys = Object.keys(record).filter((key) => {
      const member = record[key]
      return member !== undefined && !(this.canonical && member === null)
    })
    if (keys.length === 0) return '{}'
    if (this.sortKeys) keys.sort(compareCodePoints)
    const inner = this.indent ? newline + this.indent : ''
    const colon = this.indent ? ': ' : ':'
    let out = '{' + inner
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      if (i > 0) out += ',' + inner
      this.path.push(key)
      out += this.string(key) + colon + this.write(record[key], inner || newline)
      this.path.pop()
    }
    return out + (this.indent ? newline : '') + '}'
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
