/**
 * Hex for keys, signatures and hashes. Small on purpose: importing a crypto library's utility
 * module for these two functions would put all of it in every page's first download.
 */
const HEX = '0123456789abcdef'

/** Lowercase hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += HEX[byte >> 4]! + HEX[byte & 15]!
  return out
}

/** Bytes of an even-length hex string (either case). Callers validate the text first. */
export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 !== 0) throw new TypeError('hexToBytes: not an even-length hex string')
  const out = new Uint8Array(hex.length / 2)
  // From char codes, not parseInt(slice): every signature is decoded once per event, and the
  // slices and parses cost about 4 µs of a 64-byte signature (test/bench/verify-profile.bench.ts).
  for (let i = 0; i < out.length; i++) {
    const high = nibble(hex.charCodeAt(2 * i))
    const low = nibble(hex.charCodeAt(2 * i + 1))
    if (high < 0 || low < 0) throw new TypeError('hexToBytes: not an even-length hex string')
    out[i] = (high << 4) | low
  }
  return out
}

/** The value of one hex digit's char code, or -1. */
function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48 // 0-9
  const lower = code | 32 // A-F and a-f alike
  return lower >= 97 && lower <= 102 ? lower - 87 : -1
}
