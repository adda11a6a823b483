/**
 * Streaming verification of NDJSON exports (one API event per line), in constant memory:
 * lines are split from raw byte chunks, a line longer than the limit is skipped rather than
 * buffered, and only a bounded window of verifications is in flight at once.
 *
 * The streaming code (ndjson-stream.ts) loads on the first call: pages that show the log never
 * check an export, and `auditlens/core`'s first download is checked at 16 kB
 * (test/bench/size.bench.ts). What it shares with that download (the parser, the check, the
 * key ring) comes in as an argument, so no shared chunk splits off.
 */
import { canonicalize } from '../json/canonical.js'
import { AuditJsonSyntaxError, LosslessNumber, parseAuditJson } from '../json/lossless-json.js'
import { resolveCrypto } from './crypto.js'
import { mapInOrder } from './in-order.js'
import { KeyRing } from './key-ring.js'
import type { VerificationResult } from '../types.js'
import { check, positiveInteger, type VerifyOptions } from './verify.js'

/** One line of input, as split by `splitLines` (ndjson-stream.ts). */
export type NdjsonLine =
  /** `bytes`: the line's size before decoding. */
  { line: number; text: string; bytes: number } | { line: number; text: null; problem: 'too-long' | 'invalid-utf8' }

export interface SplitLinesOptions {
  /** Lines longer than this many bytes are reported, not buffered (default 16 MiB). */
  maxLineBytes?: number
}

/** The verification of one NDJSON line. */
export interface NdjsonLineResult extends VerificationResult {
  /** 1-based line number in the input. */
  line: number
  /** The event's `id` (or `event_id`) when the line had one. */
  id: string | null
}

export interface VerifyNdjsonOptions extends VerifyOptions, SplitLinesOptions {
  /** Verifications in flight at once; results still come out in input order (default 64). */
  window?: number
  /**
   * Bytes of line text in flight at once (default 8 MiB). With the line limit this bounds
   * memory: at most this much plus one line is held, however large the input.
   */
  windowBytes?: number
  /**
   * Called with the export's trailer (the last line, `{"checkpoint": ...}`), parsed but not
   * decoded. A trailer is never verified as an event; one that is not the last line is reported
   * as a malformed line.
   */
  onTrailer?: (value: unknown, line: number) => void
  /**
   * Called with each event line's seq, id and canonical bytes, in input order, before its result
   * is yielded (for completeness checks against a checkpoint). Lines without a usable seq,
   * id or canonical form are not passed; their results say why.
   */
  onEvent?: (event: { seq: number; id: string }, canonicalBytes: Uint8Array) => Promise<void> | void
}

/** What ndjson-stream.ts uses of the modules that `auditlens/core` loads up front. */
export const streamParts = {
  canonicalize,
  parseAuditJson,
  LosslessNumber,
  AuditJsonSyntaxError,
  resolveCrypto,
  mapInOrder,
  KeyRing,
  check,
  positiveInteger,
}
export type StreamParts = typeof streamParts

let stream: Promise<typeof import('./ndjson-stream.js')> | null = null

/**
 * Verify an NDJSON stream line by line. Yields one result per non-blank line, in input order.
 * A line that is not a JSON object is `malformed` with reason `not-json`; nothing throws on data.
 */
export async function* verifyNdjson(
  chunks: AsyncIterable<Uint8Array>,
  options: VerifyNdjsonOptions = {},
): AsyncGenerator<NdjsonLineResult> {
  const { verifyStream } = await (stream ??= import('./ndjson-stream.js'))
  yield* verifyStream(streamParts, chunks, options)
}
