/**
 * The integrity monitor's last step (integrity-monitor.ts): the newest loaded event must be in
 * the verified checkpoint's tree, at its seq (RFC 9162 section 2.1.3). Apart because it needs
 * only the checkpoint and the event, not the browser's memory.
 */
import { toBase64 } from '../../protocol/base64.js'
import type { AuditClient } from '../log/client.js'
import type { AuditEvent } from '../types.js'
import type { CryptoBackend } from '../verify/crypto.js'
import type { Checkpoint } from './checkpoint.js'
import type { IntegrityEvidence, IntegrityProblem } from './integrity-types.js'
import { leafHash, verifyInclusion } from './merkle.js'
import { seqOf } from './seen-events.js'

/** What an alarm's evidence holds besides what every alarm fills in. */
export type EvidenceParts = Omit<IntegrityEvidence, 'format' | 'org' | 'detectedAt' | 'problem'>

/**
 * Null when `newest` is at its place in the tree of `checkpoint` (whose note is `note`), or the
 * problem and evidence to raise. A log that denies an event it served (not found) is as wrong
 * as a proof that fails. Throws when the proof cannot be fetched for another reason.
 */
export async function newestNotIncluded(
  newest: AuditEvent,
  checkpoint: Checkpoint,
  note: string,
  parts: {
    client: Pick<AuditClient, 'getInclusion'>
    backend: CryptoBackend
    canonicalBytes: (event: AuditEvent) => Uint8Array
    signal?: AbortSignal | undefined
  },
): Promise<{ problem: IntegrityProblem; evidence: EvidenceParts } | null> {
  const { client, backend, signal } = parts
  const seq = seqOf(newest)
  if (seq > checkpoint.size)
    return {
      problem: { kind: 'beyond-checkpoint', seq, size: checkpoint.size },
      evidence: { previousCheckpoint: null, checkpoint: note, proof: null },
    }
  const inclusion = await client
    .getInclusion(newest.id, checkpoint.size, { ...(signal ? { signal } : {}) })
    .catch((error: unknown) => {
      if ((error as { code?: unknown } | null)?.code === 'not-found') return null
      throw error
    })
  const leaf = await leafHash(backend, parts.canonicalBytes(newest))
  if (
    inclusion &&
    inclusion.index === seq - 1 &&
    (await verifyInclusion(backend, inclusion.index, checkpoint.size, leaf, inclusion.proof, checkpoint.rootHash))
  )
    return null
  return {
    problem: { kind: 'not-included', seq, size: checkpoint.size },
    evidence: {
      previousCheckpoint: null,
      checkpoint: note,
      proof: inclusion && {
        type: 'inclusion',
        index: inclusion.index,
        size: checkpoint.size,
        hashes: inclusion.proof.map(toBase64),
      },
    },
  }
}
