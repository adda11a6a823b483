import { describe, expect, it } from 'vitest'
import { splitLines, verifyNdjson } from '../../src/core/index.js'
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
      { line: 1, text: 'a' },
      { line: 4, text: 'b' },
      { line: 5, text: 'c' },
    ])
  })

  it('joins a line and a multi-byte character split across chunks', async () => {
    const bytes = encoder.encode('{"n":"é😀"}\n')
    const parts = Array.from(bytes, (b) => Uint8Array.of(b))
    expect(await collect(splitLines(chunks(...parts)))).toEqual([{ line: 1, text: '{"n":"é😀"}' }])
  })

  it('drops a UTF-8 byte order mark at the start of the file', async () => {
    expect(await collect(splitLines(chunks(Uint8Array.of(0xef, 0xbb, 0xbf), '{}\n')))).toEqual([
      { line: 1, text: '{}' },
    ])
  })

  it('reports invalid UTF-8 and over-long lines without buffering them', async () => {
    const lines = await collect(
      splitLines(chunks(Uint8Array.of(0xff, 0x0a), 'x'.repeat(10), 'y'.repeat(10), '\nok\n'), { maxLineBytes: 15 }),
    )
    expect(lines).toEqual([
      { line: 1, text: null, problem: 'invalid-utf8' },
      { line: 2, text: null, problem: 'too-long' },
      { line: 3, text: 'ok' },
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

  it('fails before reading anything when a pinned key is invalid', async () => {
    await expect(collect(verifyNdjson(chunks('{}\n'), { trustedKeys: ['nope'] }))).rejects.toThrowError(/64 hex/)
  })
})
