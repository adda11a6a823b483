/**
 * The client's calls for the completeness extension (issue 14): the org's checkpoint and the
 * RFC 9162 proofs, through the proxy (`{baseUrl}/checkpoint`, …) or the portal transport
 * (`/v1/audit/portal/checkpoint`, …). Answers are decoded, not verified: that is the job of
 * `verifyCheckpoint`, `verifyConsistency` and `verifyInclusion` with pinned keys.
 *
 * The client loads this file, and the decoders with it, on demand: apps that only list events
 * never download them (core's budget is 16 kB, its client-only part's 9 kB: test/bench/size.bench.ts).
 */
import {
  decodeCheckpointAnswer,
  decodeConsistencyAnswer,
  decodeInclusionAnswer,
  type CheckpointAnswer,
  type InclusionAnswer,
} from '../../protocol/proofs.js'
import type { AuditError } from './audit-error.js'

interface CallOptions {
  signal?: AbortSignal
}

/** The client's JSON call: the parsed body of a 2xx answer to `path`, or an {@link AuditError}. */
export type ProofCall = (path: string, init: { signal?: AbortSignal | undefined }) => Promise<unknown>

export interface ProofCalls {
  /**
   * The org's signed checkpoint (a C2SP tlog-checkpoint note, unverified: pass it to
   * `verifyCheckpoint`), or null when the service publishes none (a 404, as Invoance's hosted
   * API answers today).
   */
  getCheckpoint(options?: CallOptions): Promise<CheckpointAnswer | null>
  /** The RFC 9162 §2.1.4 consistency proof between log sizes `first` and `second` (unverified). */
  getConsistency(first: number, second: number, options?: CallOptions): Promise<Uint8Array[]>
  /** The RFC 9162 §2.1.3 inclusion proof of event `eventId` in the tree of `size` leaves (unverified). */
  getInclusion(eventId: string, size: number, options?: CallOptions): Promise<InclusionAnswer>
}

/** A log size as the endpoints take it; anything else would only earn a 400. */
function logSize(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a log size (a whole number)`)
  return value
}

/**
 * The three calls over the client's `call`. The error class is passed in rather than imported,
 * so this file shares no module with the client's first download and loads as one chunk.
 */
export function proofCalls(call: ProofCall, Errors: typeof AuditError): ProofCalls {
  const invalid = (message: string) => new Errors('upstream', message, { retryable: false })
  /** A decoded answer, or an error saying the service sent something that is not a `what`. */
  function decoded<T>(value: T | null, what: string): T {
    if (value === null) throw invalid(`The audit service answered with a ${what} it could not describe.`)
    return value
  }
  return {
    async getCheckpoint({ signal } = {}) {
      let body: unknown
      try {
        body = await call('/checkpoint', { signal })
      } catch (error) {
        if (error instanceof Errors && error.code === 'not-found') return null
        throw error
      }
      return decoded(decodeCheckpointAnswer(body), 'checkpoint')
    },
    async getConsistency(first, second, { signal } = {}) {
      const query = `first=${logSize('first', first)}&second=${logSize('second', second)}`
      const body = await call(`/consistency?${query}`, { signal })
      return decoded(decodeConsistencyAnswer(body), 'consistency proof')
    },
    async getInclusion(eventId, size, { signal } = {}) {
      const path = `/events/${encodeURIComponent(eventId)}/inclusion?size=${logSize('size', size)}`
      const answer = decoded(decodeInclusionAnswer(await call(path, { signal })), 'inclusion proof')
      // A proof for another tree than asked is no answer to the question; the index is the
      // verifier's to check against the event's seq.
      if (answer.size !== size) throw invalid('The audit service answered with a proof for another log size.')
      return answer
    },
  }
}
