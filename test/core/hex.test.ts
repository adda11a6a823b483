/** Hex decoding from char codes: exactly the bytes of either case, and nothing else accepted. */
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../../src/core/verify/hex.js'

describe('hexToBytes', () => {
  it('reads every byte value in either case', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(hexToBytes(bytesToHex(all))).toEqual(all)
    expect(hexToBytes(bytesToHex(all).toUpperCase())).toEqual(all)
    expect(hexToBytes('aF09')).toEqual(Uint8Array.of(0xaf, 0x09))
  })

  it('refuses odd lengths and every character that is not a hex digit', () => {
    expect(() => hexToBytes('abc')).toThrow(TypeError)
    // The neighbours of each digit range in ASCII, and non-ASCII whose low byte looks like one,
    // in either position of a byte.
    for (const bad of ['/', ':', '@', 'G', '`', 'g', ' ', '\u0130', '\u0161', '\uff10'])
      for (const text of [`0${bad}`, `${bad}0`]) expect(() => hexToBytes(text), JSON.stringify(text)).toThrow(TypeError)
  })
})
