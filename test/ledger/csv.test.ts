/**
 * CSV injection (OWASP): whichever of `,`, `;` or tab a spreadsheet takes as the delimiter, no
 * field it reads out of an export starts a formula; and an RFC 4180 reader gets back each value
 * with nothing changed but the documented `'`s.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvCell, csvLine, neutraliseCell } from '../../src/ledger/csv.js'

/**
 * Split one CSV text into fields the way spreadsheets do: a field that starts with `"` is quoted
 * (`""` is a quote, text after the closing quote is kept); any other quote is literal. CR and LF
 * end a field, as they end a record. Written here from RFC 4180, not taken from the code under test.
 */
function fields(text: string, delimiter: string): string[] {
  const out: string[] = []
  let i = 0
  while (i <= text.length) {
    let field = ''
    if (text[i] === '"') {
      i++
      while (i < text.length) {
        if (text[i] === '"') {
          if (text[i + 1] !== '"') {
            i++
            break
          }
          i++
        }
        field += text[i++]
      }
    }
    while (i < text.length && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') field += text[i++]
    out.push(field)
    i++
  }
  return out
}

/** What a spreadsheet may skip before it looks for `=`: whitespace (Unicode too), control characters, quotes. */
// eslint-disable-next-line no-control-regex -- control characters are among what a spreadsheet skips
const LEADING = /^[\s\x00-\x1f\x7f"]*/
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

function startsFormula(field: string): boolean {
  const rest = field.replace(LEADING, '')
  if (rest.startsWith('=') || rest.startsWith('@')) return true
  return (rest.startsWith('+') || rest.startsWith('-')) && !NUMBER.test(rest)
}

const hostileChar = fc.constantFrom(
  ...['=', '+', '-', '@', ',', ';', '\t', '\r', '\n', '"', "'", '\0', '\x01', ' ', '\u00a0', '\u3000', '\ufeff'],
  ...['a', '1', '5', '.', 'e', 'E', '(', ')', '|', '!'],
)
const hostileCell = fc.oneof(
  fc.array(hostileChar, { maxLength: 14 }).map((chars) => chars.join('')),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.constantFrom('-5', '+1.5', '-1e3', '2026-11-20T10:00:00.000Z', 'Bob;=1+1', '\0=1', '{"a":"x;-y"}'),
)

describe('CSV cells', () => {
  it('never start a formula under a `,`, `;` or tab delimiter, and round-trip through an RFC 4180 reader', () => {
    fc.assert(
      fc.property(fc.array(hostileCell, { minLength: 1, maxLength: 6 }), (cells) => {
        const line = csvLine(cells)
        for (const delimiter of [',', ';', '\t']) {
          const bad = fields(line, delimiter).filter(startsFormula)
          expect(bad, `delimiter ${JSON.stringify(delimiter)} in ${JSON.stringify(line)}`).toEqual([])
        }
        const read = fields(line.slice(0, -2), ',')
        expect(read).toEqual(cells.map((cell, i) => neutraliseCell(cell, i === 0)))
        // The only change is the documented one: apostrophes added.
        expect(read.map((cell) => cell.replaceAll("'", ''))).toEqual(cells.map((cell) => cell.replaceAll("'", '')))
      }),
      { numRuns: 3000 },
    )
  })

  it.each([
    ['Bob;=1+1', `"Bob;'=1+1"`],
    ['\0=1', "'\0=1"],
    ['a\t@SUM(A1)', `"a\t'@SUM(A1)"`],
    ['x\n -1+1', `"x\n' -1+1"`],
    ['-5', '-5'],
    ['+1.5', '+1.5'],
    ['-5 ', "'-5 "],
    ['2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z'],
    ['{"a":"x,-y"}', '"{""a"":""x,-y""}"'],
  ])('writes the cell %j as %j', (input, output) => {
    expect(csvCell(input)).toBe(output)
  })

  it('neutralises a plain number as a row’s first cell, where `;` or tab readers run it into the next', () => {
    expect(csvLine(['-5', '=1'])).toBe("'-5,'=1\r\n")
  })
})
