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

/** A hex digit's value from its char code, or -1 (`| 32` lowercases A-F). */
const nibble = (c: number) => (c >= 48 && c <= 57 ? c - 48 : (c |= 32) >= 97 && c <= 102 ? c - 87 : -1)

/**
 * Bytes of an even-length hex string (either case). Callers validate the text first. Read from
 * char codes rather than `slice` + `parseInt`: 0.6-1.5 against 4.1-11.7 µs a signature, on
 * every event verified (BENCHMARKS.md, "Where the verifier's time goes").
 */
export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 !== 0) throw new TypeError(NOT_HEX)
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) {
    const high = nibble(hex.charCodeAt(2 * i))
    const low = nibble(hex.charCodeAt(2 * i + 1))
    if (high < 0 || low < 0) throw new TypeError(NOT_HEX)
    out[i] = high * 16 + low
  }
  return out
}

const NOT_HEX = 'hexToBytes: not an even-length hex string'
