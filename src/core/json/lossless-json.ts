/**
 * A JSON parser and serializer that lose nothing.
 *
 * `JSON.parse` turns every number into an IEEE-754 double, so `9223372036854775807` becomes
 * `9223372036854775808` and `2.0` becomes `2`. Both change the canonical bytes an event was
 * signed over (golden vector 09 of `invoance.audit/1` holds exactly such an integer). This
 * parser keeps the source text of every number that a double cannot reproduce, so canonical
 * bytes can be rebuilt byte for byte, while safe integers (such as `seq`) stay plain numbers.
 */

/**
 * A JSON number kept as its exact source text: integers beyond 2^53 and any number whose
 * text is not what `String(Number(text))` gives back (`2.0`, `1e3`, `-0`, `0.10`).
 */
export class LosslessNumber {
  /** The number exactly as it was written in the JSON text. */
  readonly text: string

  constructor(text: string) {
    if (!NUMBER_PATTERN.test(text)) {
      throw new SyntaxError(`LosslessNumber: ${JSON.stringify(text)} is not a JSON number`)
    }
    this.text = text
  }

  /** The nearest double. Precision may be lost; use `text` or `toBigInt()` when it matters. */
  valueOf(): number {
    return Number(this.text)
  }

  /** The exact value for integers written without fraction or exponent; throws otherwise. */
  toBigInt(): bigint {
    if (!/^-?\d+$/.test(this.text)) {
      throw new RangeError(`LosslessNumber: ${this.text} is not an integer literal`)
    }
    return BigInt(this.text)
  }

  toString(): string {
    return this.text
  }

  /** `JSON.stringify` cannot write raw text, so it sees the (possibly rounded) double. */
  toJSON(): number {
    return this.valueOf()
  }
}

/** A value produced by {@link parseAuditJson}. */
export type AuditJsonValue =
  string | number | boolean | null | LosslessNumber | AuditJsonValue[] | { [key: string]: AuditJsonValue }

/** Thrown by {@link parseAuditJson} for text that is not JSON, with the offset of the problem. */
export class AuditJsonSyntaxError extends SyntaxError {
  /** Offset (in UTF-16 code units) into the text where parsing failed. */
  readonly position: number

  constructor(message: string, position: number) {
    super(`${message} at position ${position}`)
    this.name = 'AuditJsonSyntaxError'
    this.position = position
  }
}

const NUMBER_PATTERN = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/**
 * Nesting deeper than this is refused instead of risking a stack overflow on hostile input;
 * canonical bytes use the same bound, so whatever parses can be canonicalised.
 */
export const MAX_DEPTH = 256

export interface ParseAuditJsonOptions {
  /**
   * Refuse objects that repeat a key (default `true`). A repeated key lets a signer and a
   * viewer each see a different value for the same field, so the verifier treats it as
   * malformed rather than silently picking one.
   */
  rejectDuplicateKeys?: boolean
}

/**
 * Parse JSON text without losing number precision. Objects come back as plain objects (a
 * `__proto__` key is an ordinary own property, as with `JSON.parse`), numbers as `number`
 * when that is exact and as {@link LosslessNumber} otherwise.
 *
 * @throws {AuditJsonSyntaxError} when the text is not a single JSON value.
 */
export function parseAuditJson(text: string, options: ParseAuditJsonOptions = {}): AuditJsonValue {
  const parser = new Parser(text, options.rejectDuplicateKeys ?? true)
  parser.skipWhitespace()
  const value = parser.parseValue(0)
  parser.skipWhitespace()
  if (parser.pos < text.length) parser.fail('Unexpected data after the JSON value')
  return value
}

class Parser {
  pos = 0
  /**
   * Each distinct string value of this text, once, as a copy of its own. V8 returns a
   * `slice()` of 13 or more characters as a view that keeps the whole source text alive, so
   * one event kept from a page of 200 held the page's text (measured in the demo: about 0.9 kB
   * an event beyond the parsed objects, test/bench/heap-parts.ts). A copy also lets the values
   * a page repeats (org, action, actor, key) share one string.
   */
  private readonly strings = new Map<string, string>()

  constructor(
    private readonly text: string,
    private readonly rejectDuplicates: boolean,
  ) {}

  fail(message: string, at = this.pos): never {
    throw new AuditJsonSyntaxError(message, at)
  }

  skipWhitespace(): void {
    const { text } = this
    let c = text.charCodeAt(this.pos)
    // JSON whitespace is exactly space, tab, LF and CR (RFC 8259 section 2).
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.pos)
  }

  parseValue(depth: number): AuditJsonValue {
    const c = this.text.charCodeAt(this.pos)
    switch (c) {
      case 0x7b /* { */:
        return this.parseObject(depth + 1)
      case 0x5b /* [ */:
        return this.parseArray(depth + 1)
      case 0x22 /* " */: {
        const at = this.pos
        const value = this.parseString()
        let owned = this.strings.get(value)
        // V8 copies slices shorter than 13 characters (SlicedString::kMinLength in
        // src/objects/string.h). Longer ones are copied by JSON.parse, natively, from the source
        // text this parser has just checked, which JSON.parse decodes to the same UTF-16.
        if (owned === undefined)
          this.strings.set(
            value,
            (owned = value.length < 13 ? value : (JSON.parse(this.text.slice(at, this.pos)) as string)),
          )
        return owned
      }
      case 0x74 /* t */:
        return this.parseLiteral('true', true)
      case 0x66 /* f */:
        return this.parseLiteral('false', false)
      case 0x6e /* n */:
        return this.parseLiteral('null', null)
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber()
        if (Number.isNaN(c)) this.fail('Unexpected end of JSON input')
        return this.fail(`Unexpected character ${JSON.stringify(this.text[this.pos])}`)
    }
  }

  parseLiteral<T>(word: string, value: T): T {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length
      return value
    }
    return this.fail('Unexpected token')
  }

  parseObject(depth: number): { [key: string]: AuditJsonValue } {
    if (depth > MAX_DEPTH) this.fail(`Nesting deeper than ${MAX_DEPTH} levels`)
    const result: { [key: string]: AuditJsonValue } = {}
    this.pos++ // {
    this.skipWhitespace()
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++
      return result
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('Expected a string key')
      const keyAt = this.pos
      const key = this.parseString()
      this.skipWhitespace()
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("Expected ':' after an object key")
      this.pos++
      this.skipWhitespace()
      const value = this.parseValue(depth)
      if (Object.prototype.hasOwnProperty.call(result, key)) {
        if (this.rejectDuplicates) this.fail(`Duplicate key ${JSON.stringify(key)}`, keyAt)
      }
      // A key the prototype already has ("__proto__", "toString") must become an own data
      // member, never call an inherited setter or hit a frozen built-in: defined, not assigned.
      // Other keys are assigned, which is several times faster.
      if (key in result) {
        Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true })
      } else result[key] = value
      this.skipWhitespace()
      const next = this.text.charCodeAt(this.pos++)
      if (next === 0x7d) return result
      if (next !== 0x2c) this.fail("Expected ',' or '}' in an object", this.pos - 1)
      this.skipWhitespace()
    }
  }

  parseArray(depth: number): AuditJsonValue[] {
    if (depth > MAX_DEPTH) this.fail(`Nesting deeper than ${MAX_DEPTH} levels`)
    const result: AuditJsonValue[] = []
    this.pos++ // [
    this.skipWhitespace()
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++
      return result
    }
    for (;;) {
      result.push(this.parseValue(depth))
      this.skipWhitespace()
      const next = this.text.charCodeAt(this.pos++)
      if (next === 0x5d) return result
      if (next !== 0x2c) this.fail("Expected ',' or ']' in an array", this.pos - 1)
      this.skipWhitespace()
    }
  }

  parseString(): string {
    const { text } = this
    const start = ++this.pos // opening quote
    // Fast path: a run without escapes is one slice.
    let i = start
    for (;;) {
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        this.pos = i + 1
        return text.slice(start, i)
      }
      if (c === 0x5c) break
      if (c < 0x20 || Number.isNaN(c)) {
        this.fail(Number.isNaN(c) ? 'Unterminated string' : 'Control character in a string', i)
      }
      i++
    }
    let out = text.slice(start, i)
    for (;;) {
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        this.pos = i + 1
        return out
      }
      if (Number.isNaN(c)) this.fail('Unterminated string', i)
      if (c < 0x20) this.fail('Control character in a string', i)
      if (c !== 0x5c) {
        let j = i + 1
        while (j < text.length) {
          const d = text.charCodeAt(j)
          if (d === 0x22 || d === 0x5c || d < 0x20) break
          j++
        }
        out += text.slice(i, j)
        i = j
        continue
      }
      const e = text[i + 1]
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e
          i += 2
          break
        case 'b':
          out += '\b'
          i += 2
          break
        case 'f':
          out += '\f'
          i += 2
          break
        case 'n':
          out += '\n'
          i += 2
          break
        case 'r':
          out += '\r'
          i += 2
          break
        case 't':
          out += '\t'
          i += 2
          break
        case 'u': {
          const hex = text.slice(i + 2, i + 6)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\u escape', i)
          // Escaped lone surrogates are valid JSON text; the verifier reports them as malformed.
          out += String.fromCharCode(parseInt(hex, 16))
          i += 6
          break
        }
        default:
          this.fail('Invalid escape', i)
      }
    }
  }

  parseNumber(): number | LosslessNumber {
    const { text } = this
    const start = this.pos
    let i = start
    if (text.charCodeAt(i) === 0x2d) i++
    const intStart = i
    while (isDigit(text.charCodeAt(i))) i++
    if (i === intStart) this.fail('Expected a digit', i)
    if (text.charCodeAt(intStart) === 0x30 && i - intStart > 1) this.fail('Leading zero in a number', intStart)
    if (text.charCodeAt(i) === 0x2e) {
      const fracStart = ++i
      while (isDigit(text.charCodeAt(i))) i++
      if (i === fracStart) this.fail('Expected a digit after the decimal point', i)
    }
    const e = text.charCodeAt(i)
    if (e === 0x65 || e === 0x45) {
      i++
      const s = text.charCodeAt(i)
      if (s === 0x2b || s === 0x2d) i++
      const expStart = i
      while (isDigit(text.charCodeAt(i))) i++
      if (i === expStart) this.fail('Expected a digit in the exponent', i)
    }
    this.pos = i
    const source = text.slice(start, i)
    const value = Number(source)
    // Plain numbers only where printing the double gives back the same text, so nothing
    // downstream can tell the difference. -0 prints as "0", hence the Object.is check.
    if (Number.isSafeInteger(value) && !Object.is(value, -0) && String(value) === source) return value
    return new LosslessNumber(source)
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}
