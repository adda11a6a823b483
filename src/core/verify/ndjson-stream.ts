/**
 * The streaming half of NDJSON verification (`verifyNdjson` in ndjson.ts), loaded on its first
 * call. The modules it shares with `auditlens/core`'s first download come in as `parts` rather
 * than imports: importing them would split them into a shared chunk, which costs the first
 * download more bytes than this file saves.
 */
import { concatBytes } from '../bytes.js'
import { isTrailerLine } from '../../protocol/trailer-line.js'
import type { CanonicalResult } from '../json/canonical.js'
import type { CryptoBackend } from './crypto.js'
import type { KeyRing } from './key-ring.js'
import type { NdjsonLine, NdjsonLineResult, SplitLinesOptions, StreamParts, VerifyNdjsonOptions } from './ndjson.js'

/**
 * Split a byte stream into non-blank lines (LF or CRLF), numbered from 1 as an editor would
 * number them. A UTF-8 byte order mark at the very start is ignored.
 */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array>,
  options: SplitLinesOptions = {},
): AsyncGenerator<NdjsonLine> {
  const maxLineBytes = options.maxLineBytes ?? 16 * 1024 * 1024
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
  let parts: Uint8Array[] = []
  let size = 0
  let overflow = false
  let lineNumber = 0

  const finish = (): NdjsonLine | null => {
    lineNumber++
    const tooLong = overflow
    const joined = concatBytes(parts, size)
    parts = []
    size = 0
    overflow = false
    if (tooLong) return { line: lineNumber, text: null, problem: 'too-long' }
    let end = joined.length
    if (end > 0 && joined[end - 1] === 0x0d) end--
    let text: string
    try {
      // Each call decodes a whole line as its own input, so a BOM opening line 1 is dropped
      // (as it is at the start of any line, where it could only be noise).
      text = decoder.decode(joined.subarray(0, end))
    } catch {
      return { line: lineNumber, text: null, problem: 'invalid-utf8' }
    }
    return /^[ \t]*$/.test(text) ? null : { line: lineNumber, text, bytes: end }
  }

  const append = (piece: Uint8Array) => {
    if (overflow) return
    if (size + piece.length > maxLineBytes) {
      overflow = true
      parts = []
      size = 0
      return
    }
    parts.push(piece)
    size += piece.length
  }

  for await (const chunk of chunks) {
    let start = 0
    for (;;) {
      const newline = chunk.indexOf(0x0a, start)
      if (newline === -1) {
        if (start < chunk.length) append(chunk.subarray(start))
        break
      }
      append(chunk.subarray(start, newline))
      const line = finish()
      if (line) yield line
      start = newline + 1
    }
  }
  if (size > 0 || overflow) {
    const line = finish()
    if (line) yield line
  }
}

/** `verifyNdjson` (ndjson.ts), with the modules it shares with the first download as `parts`. */
export async function* verifyStream(
  parts: StreamParts,
  chunks: AsyncIterable<Uint8Array>,
  options: VerifyNdjsonOptions = {},
): AsyncGenerator<NdjsonLineResult> {
  const { positiveInteger, KeyRing, resolveCrypto, mapInOrder } = parts
  const window = positiveInteger(options.window, 64, 'window')
  const windowBytes = positiveInteger(options.windowBytes, 8 * 1024 * 1024, 'windowBytes')
  // Settle the options once, so a bad pinned key fails here instead of in every line.
  const trustedKeys = KeyRing.from(options.trustedKeys)
  await trustedKeys.usable()
  const verifyOptions: SettledOptions = { trustedKeys, crypto: await resolveCrypto(options.crypto) }
  const lines = splitLines(chunks, options)
  const checked = mapInOrder(lines, (line) => verifyLine(parts, line, verifyOptions), {
    concurrency: window,
    weigh: (line) => (line.text === null ? 0 : line.bytes),
    maxWeight: windowBytes,
  })
  let trailer: Extract<CheckedLine, { trailer: unknown }> | null = null
  for await (const checkedLine of checked) {
    if (trailer) {
      yield malformedLine(trailer.line, 'a checkpoint trailer must be the last line of an export', 'invalid-field')
      trailer = null
    }
    if ('trailer' in checkedLine) {
      trailer = checkedLine
      continue
    }
    if (checkedLine.leaf) await options.onEvent?.(checkedLine.leaf.event, checkedLine.leaf.bytes)
    yield checkedLine.result
  }
  if (trailer) options.onTrailer?.(trailer.trailer, trailer.line)
}

/** Keys and backend settled once for the whole stream. */
type SettledOptions = { trustedKeys: KeyRing; crypto: CryptoBackend }

/** A checked line: an event's result (with what completeness checks need), or a trailer. */
type CheckedLine =
  | { result: NdjsonLineResult; leaf: { event: { seq: number; id: string }; bytes: Uint8Array } | null }
  | { trailer: unknown; line: number }

async function verifyLine(parts: StreamParts, line: NdjsonLine, options: SettledOptions): Promise<CheckedLine> {
  const { parseAuditJson, AuditJsonSyntaxError, canonicalize, check } = parts
  if (line.text === null) {
    const message =
      line.problem === 'too-long' ? 'the line is longer than the line limit' : 'the line is not valid UTF-8'
    return { result: malformedLine(line.line, message), leaf: null }
  }
  let event: unknown
  try {
    event = parseAuditJson(line.text)
  } catch (error) {
    if (error instanceof AuditJsonSyntaxError) {
      return { result: malformedLine(line.line, `the line is not JSON: ${error.message}`), leaf: null }
    }
    throw error
  }
  if (isTrailerLine(event)) return { trailer: event, line: line.line }
  // Built once: the check hashes these bytes, and a completeness check keeps them as the leaf.
  const canonical = canonicalize(event)
  const result = {
    line: line.line,
    id: eventId(event),
    ...(await check(event, options.trustedKeys, options.crypto, canonical)),
  }
  return { result, leaf: leafOf(parts, event, result.id, canonical) }
}

/** An event's seq and canonical bytes, when it has both (a malformed one says why elsewhere). */
function leafOf({ LosslessNumber }: StreamParts, event: unknown, id: string | null, canonical: CanonicalResult) {
  const seq = (event as { seq?: unknown }).seq
  if (id === null || !canonical.ok) return null
  const n = typeof seq === 'number' ? seq : seq instanceof LosslessNumber ? Number(seq.text) : NaN
  return Number.isSafeInteger(n) && n >= 1 ? { event: { seq: n, id }, bytes: canonical.bytes } : null
}

/** A line that is no event: not JSON (the default reason), or a trailer out of place. */
function malformedLine(
  line: number,
  message: string,
  reason: 'not-json' | 'invalid-field' = 'not-json',
): NdjsonLineResult {
  return { line, id: null, status: 'malformed', reason, message, payloadHash: null }
}

function eventId(event: unknown): string | null {
  if (typeof event !== 'object' || event === null) return null
  const { id, event_id } = event as { id?: unknown; event_id?: unknown }
  return typeof id === 'string' ? id : typeof event_id === 'string' ? event_id : null
}
