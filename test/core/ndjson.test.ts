import { describe, expect, it } from 'vitest'
import { nobleBackend, verifyNdjson, type CryptoBackend } from '../../src/core/index.js'
import { splitLines } from '../../src/core/verify/ndjson-stream.js'
import { apiEvent, createSigner, VECTOR_SEED } from '../support/signing.js'

const encoder = new TextEncoder()

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? encoder.encode(part) : part
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of iterable) out.push(item)
  return out
}

describe('splitLines', () => {
  it('splits LF and CRLF lines, skips blank ones and numbers lines as an editor does', async () => {
    const lines = await collect(splitLines(chunks('a\r\n\n  \nb\nc')))
    expect(lines).toEqual([
      { line: 1, text: 'a', bytes: 1 },
      { line: 4, text: 'b', bytes: 1 },
      { line: 5, text: 'c', bytes: 1 },
    ])
  })

  it('joins a line and a multi-byte character split across chunks', async () => {
    const bytes = encoder.encode('{"n":"é😀"}\n')
    const parts = Array.from(bytes, (b) => Uint8Array.of(b))
    expect(await collect(splitLines(chunks(...parts)))).toEqual([
      { line: 1, text: '{"n":"é😀"}', bytes: bytes.length - 1 },
    ])
  })

  it('drops a UTF-8 byte order mark at the start of the file', async () => {
    expect(await collect(splitLines(chunks(Uint8Array.of(0xef, 0xbb, 0xbf), '{}\n')))).toEqual([
      { line: 1, text: '{}', bytes: 5 },
    ])
  })

  it('reports invalid UTF-8 and over-long lines without buffering them', async () => {
    const lines = await collect(
      splitLines(chunks(Uint8Array.of(0xff, 0x0a), 'x'.repeat(10), 'y'.repeat(10), '\nok\n'), { maxLineBytes: 15 }),
    )
    expect(lines).toEqual([
      { line: 1, text: null, problem: 'invalid-utf8' },
      { line: 2, text: null, problem: 'too-long' },
      { line: 3, text: 'ok', bytes: 2 },
    ])
  })
})

describe('verifyNdjson', () => {
  const signer = createSigner(VECTOR_SEED)

  it('yields one result per line, in input order, with line numbers and ids', async () => {
    const good = signer.sign(apiEvent({ id: 'aevt_good' }))
    const bad = { ...signer.sign(apiEvent({ id: 'aevt_bad' })), action: 'changed' }
    const text = [good, bad, '{oops', good].map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n\n')
    const results = await collect(verifyNdjson(chunks(text), { trustedKeys: [signer.publicKey], window: 2 }))
    expect(results.map(({ line, id, status, reason }) => ({ line, id, status, reason }))).toEqual([
      { line: 1, id: 'aevt_good', status: 'verified', reason: 'signature-valid' },
      { line: 3, id: 'aevt_bad', status: 'tampered', reason: 'payload-hash-mismatch' },
      { line: 5, id: null, status: 'malformed', reason: 'not-json' },
      { line: 7, id: 'aevt_good', status: 'verified', reason: 'signature-valid' },
    ])
  })

  it('reports a JSON line that is not an event as malformed', async () => {
    const results = await collect(verifyNdjson(chunks('[1,2]\n"x"\n')))
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ['malformed', 'not-an-object'],
      ['malformed', 'not-an-object'],
    ])
  })

  it('keeps at most `window` lines and about `windowBytes` bytes in flight', async () => {
    const events = Array.from({ length: 30 }, (_, i) => JSON.stringify(signer.sign(apiEvent({ id: `aevt_${i}` }))))
    let inFlight = 0
    let peak = 0
    const gated: CryptoBackend = {
      name: 'gated',
      sha256: async (data) => {
        inFlight++
        peak = Math.max(peak, inFlight)
        await new Promise((resolve) => setTimeout(resolve, 1))
        return nobleBackend.sha256(data)
      },
      verifyEd25519: async (...args) => {
        inFlight--
        return nobleBackend.verifyEd25519(...args)
      },
    }
    const run = async (options: { window?: number; windowBytes?: number }) => {
      peak = 0
      const results = await collect(verifyNdjson(chunks(events.join('\n')), { crypto: gated, ...options }))
      expect(results.map((r) => r.status)).toEqual(Array(30).fill('unpinned'))
      return peak
    }
    expect(await run({ window: 3 })).toBe(3)
    // A budget of two and a half lines allows two at a time (the lines are ASCII: chars = bytes).
    const lineBytes = Math.max(...events.map((e) => e.length))
    expect(await run({ windowBytes: Math.floor(lineBytes * 2.5) })).toBe(2)
    await expect(collect(verifyNdjson(chunks('{}'), { window: Number.NaN }))).rejects.toThrowError(/window must be/)
  })

  it('fails before reading anything when a pinned key is invalid', async () => {
    await expect(collect(verifyNdjson(chunks('{}\n'), { trustedKeys: ['nope'] }))).rejects.toThrowError(/64 hex/)
  })
})
