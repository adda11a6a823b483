/**
 * The integrity monitor's snapshot, problems and evidence: types and the evidence file's
 * English sentences, import-free so the viewer can name them without loading the proof code.
 */
import type { PrunedPrefix } from '../../protocol/proofs.js'

/** What failed, for the alarm; the viewer puts each kind in words from its messages. */
export type IntegrityProblem =
  /** The log's tree does not extend the one this browser saw: history was rewritten or forked. */
  | { kind: 'forked'; size: number; previousSize: number }
  /** The log now signs fewer events than it did before: the newest ones were removed. */
  | { kind: 'truncated'; size: number; previousSize: number }
  /** The log this browser saw is gone (no checkpoint, or no events, any more). */
  | { kind: 'deleted'; size?: number; previousSize?: number }
  /** The org is now served another log (a different checkpoint origin). */
  | { kind: 'replaced'; origin: string; previousOrigin: string }
  /** The checkpoint's signature or form did not verify against the pinned keys. */
  | { kind: 'bad-checkpoint'; detail: string }
  /** The newest loaded event is not at its place in the signed tree. */
  | { kind: 'not-included'; seq: number; size: number }
  /** A loaded event has a seq beyond the signed tree's size. */
  | { kind: 'beyond-checkpoint'; seq: number; size: number }
  /** Without checkpoints: an event seen on an earlier visit has other content now. */
  | { kind: 'event-changed'; seq: number }
  /** Without checkpoints: an event seen on an earlier visit is no longer served. */
  | { kind: 'event-gone'; seq: number }

/** What the alarm offers for download: both checkpoint notes and the failed proof. */
export interface IntegrityEvidence {
  format: 'auditlens.integrity-evidence/1'
  org: string | null
  /** ISO 8601. */
  detectedAt: string
  problem: string
  /** The checkpoint note this browser remembered, as served then. */
  previousCheckpoint: string | null
  /** The checkpoint note served now. */
  checkpoint: string | null
  /** The proof that failed, hashes in base64 (RFC 9162 section 2.1.3 or 2.1.4). */
  proof:
    | { type: 'consistency'; first: number; second: number; hashes: string[] }
    | { type: 'inclusion'; index: number; size: number; hashes: string[] }
    | null
  /** Without checkpoints: the remembered and current payload hashes that differ. */
  events?: unknown[]
}

/**
 * This browser's memory of the log was started afresh: the earlier record could not be used.
 * Said on the line, never an alarm by itself: a key rotation that drops the old pin is
 * legitimate, but what the line claims ("consistent since D") then only goes back to `at`.
 */
export interface IntegrityRestart {
  /**
   * When the earlier record began (epoch milliseconds), as this browser stored it; null when the
   * record itself could not be read.
   */
  from: number | null
  /** When the memory started afresh (epoch milliseconds). */
  at: number
  /**
   * `unverifiable`: the remembered checkpoint no longer verifies against the pinned keys (a
   * rotation dropped its key, or storage was edited); `missing`: the record names the log but
   * its checkpoint is gone from storage; `unreadable`: the record is not one this code wrote.
   */
  reason: 'unverifiable' | 'missing' | 'unreadable'
}

/** Where the org's log stands; `checking` until the first check ends. */
export interface IntegritySnapshot {
  status: 'checking' | 'complete' | 'no-checkpoints' | 'alarm' | 'unavailable'
  /** Events in the verified checkpoint (`complete`). */
  size: number | null
  /** The checkpoint's signed time, epoch milliseconds. */
  time: number | null
  /** When this browser first saw this org's log (epoch milliseconds), or last started afresh. */
  firstSeenAt: number | null
  /**
   * Set when this browser's memory of the log was started afresh (see {@link IntegrityRestart}):
   * for the rest of that visit, and on later visits until one confirms the log against the new
   * memory (`firstSeenAt`, the restart's date, then says how far back the claim goes).
   */
  restarted: IntegrityRestart | null
  /** An English sentence for logs (the viewer words problems from its messages). */
  message: string | null
  problem: IntegrityProblem | null
  evidence: IntegrityEvidence | null
  /** The verified checkpoint note (`complete`), for Verify entire log. */
  note?: string
  /** Its pruned prefix, when retention removed the oldest events (for Verify entire log). */
  pruned?: PrunedPrefix | null
}

/** The snapshot before (and while) a check runs: nothing known yet. */
export const CHECKING: IntegritySnapshot = {
  status: 'checking',
  size: null,
  time: null,
  firstSeenAt: null,
  restarted: null,
  message: null,
  problem: null,
  evidence: null,
}

/** The problem in one English sentence, for the evidence file and `message`. */
export function problemSentence(problem: IntegrityProblem): string {
  switch (problem.kind) {
    case 'forked':
      return `The log of ${problem.size} events does not extend the log of ${problem.previousSize} events this browser saw before: its history was rewritten.`
    case 'truncated':
      return `The log now signs ${problem.size} events where it signed ${problem.previousSize} before: the newest events were removed.`
    case 'deleted':
      return 'The log this browser saw before is no longer served.'
    case 'replaced':
      return `The organization is now served the log "${problem.origin}" instead of "${problem.previousOrigin}".`
    case 'bad-checkpoint':
      return `The log's checkpoint did not verify against the pinned keys: ${problem.detail}`
    case 'not-included':
      return `Event #${problem.seq} is not in the signed tree of ${problem.size} events.`
    case 'beyond-checkpoint':
      return `Event #${problem.seq} is beyond the signed tree of ${problem.size} events.`
    case 'event-changed':
      return `Event #${problem.seq} has other content than when this browser saw it.`
    case 'event-gone':
      return `Event #${problem.seq}, seen by this browser before, is no longer served.`
  }
}
