/**
 * The number rule (src/ledger/number-spelling.ts) against the interpreters it describes: its
 * hand-written Python float repr against CPython's own `repr`, and every spelling it keeps or
 * refuses against real `json.loads` / `json.dumps` and V8's `JSON.parse` / `JSON.stringify`.
 */
import { describe, expect, it } from 'vitest'
import { portableNumberSpelling, pythonFloatRepr } from '../../src/ledger/number-spelling.js'
import { REFUSED, STORED } from '../support/number-spellings.js'
import { havePython, python } from '../support/python.js'

/** A small seeded PRNG (mulberry32), so a failure names a reproducible input. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** Doubles of every magnitude: random bit patterns, powers of ten, and the layout boundaries. */
function doubles(): number[] {
  const r = prng(13)
  const view = new DataView(new ArrayBuffer(8))
  const out: number[] = [0, -0, 5e-324, Number.MAX_VALUE, 2 ** 53, 2 ** 53 + 2, 1e21, 1e16, 9999999999999998]
  out.push(1e-4, 9.999999999999999e-5, 1e-5, 0.00012, 123456789.123, 1e15, 1e17, 0.1 + 0.2)
  for (let e = -324; e <= 308; e++) out.push(Number(`1e${e}`), Number(`-2.5e${e}`), Number(`1.2345678901234567e${e}`))
  while (out.length < 5000) {
    view.setUint32(0, Math.floor(r() * 2 ** 32))
    view.setUint32(4, Math.floor(r() * 2 ** 32))
    const value = view.getFloat64(0)
    if (Number.isFinite(value)) out.push(value)
  }
  return out.filter(Number.isFinite)
}

/** JSON number literals as clients write them: any digits, point and exponent, in range or not. */
function literals(): string[] {
  const r = prng(29)
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('')
  const out = [...STORED.map(([l]) => l), ...REFUSED.map(([l]) => l)]
  while (out.length < 4000) {
    const int = r() < 0.3 ? '0' : String(1 + Math.floor(r() * 9)) + digits(Math.floor(r() * 24))
    const frac = r() < 0.6 ? `.${digits(1 + Math.floor(r() * 18))}` : ''
    const exp =
      r() < 0.5 ? `${r() < 0.2 ? 'E' : 'e'}${['', '+', '-'][Math.floor(r() * 3)]}${Math.floor(r() * 420)}` : ''
    out.push(`${r() < 0.3 ? '-' : ''}${int}${frac}${exp}`)
  }
  return out
}

const isUnsafeInteger = (text: string) => /^-?\d+$/.test(text) && !Number.isSafeInteger(Number(text))

describe.skipIf(!havePython)(
  'the number rule against real CPython (skipped, with a warning, when python3 is absent)',
  () => {
    it('writes repr(float) exactly as CPython does, for doubles of every magnitude', () => {
      const values = doubles()
      const reprs = python(
        'import sys\nfor line in sys.stdin: print(repr(float(line)))',
        values.map((v) => (Object.is(v, -0) ? '-0.0' : String(v))),
      )
      expect(values.map((v) => pythonFloatRepr(v))).toEqual(reprs)
    })

    it('keeps only spellings Python and V8 both read and write back unchanged, with the value sent', () => {
      const kept = literals().flatMap((literal) => {
        const spelling = portableNumberSpelling(literal)
        return spelling.ok ? [[literal, spelling.text] as const] : []
      })
      expect(kept.length).toBeGreaterThan(1000)
      const checks = python(
        'import json, sys\nfrom decimal import Decimal\nfor line in sys.stdin:\n' +
          '    lit, s = line.split()\n    print(json.dumps(json.loads(s)), Decimal(lit) == Decimal(s))',
        kept.map(([literal, text]) => `${literal} ${text}`),
      )
      kept.forEach(([literal, text], i) => {
        expect({ literal, python: checks[i] }).toEqual({ literal, python: `${text} True` })
        if (!isUnsafeInteger(text))
          expect({ literal, node: JSON.stringify(JSON.parse(text)) }).toEqual({ literal, node: text })
      })
    })

    it('refuses only literals whose Python and V8 re-serialisations differ, or change the value sent', () => {
      const refused = literals().filter((literal) => !portableNumberSpelling(literal).ok)
      expect(refused.length).toBeGreaterThan(1000)
      const checks = python(
        'import json, sys\nfrom decimal import Decimal\nfor line in sys.stdin:\n    lit = line.strip()\n' +
          '    try:\n        out = json.dumps(json.loads(lit))\n        print(out, Decimal(lit) == Decimal(out))\n' +
          '    except ValueError:\n        print("! False")',
        refused,
      )
      refused.forEach((literal, i) => {
        const [py, sameValue] = checks[i]!.split(' ')
        const node = JSON.stringify(JSON.parse(literal))
        expect({ literal, served: py !== node || sameValue === 'False' }).toEqual({ literal, served: true })
      })
    })
  },
)
