/**
 * The integrity line's and alarm's words. They load with the integrity panel (after the first
 * rows), not with the table: the React entry's size budget. A host rewords them through the
 * provider's `messages.integrity`, like every other string.
 */
import type { IntegrityProblem } from '../core/proof/integrity-types.js'

export interface IntegrityMessages {
  checking: string
  /** `since` is when this browser first saw the log (a date), `asOf` the checkpoint's signed time. */
  complete: (size: number, asOf: string, since: string) => string
  noCheckpoints: string
  /**
   * Added to the line when this browser's memory of the log was started afresh (the remembered
   * checkpoint no longer verified, e.g. after a key rotation, or storage was altered), until a
   * later visit confirms the log against the new memory: `from` is the date the earlier record
   * began, null when it could not be read; `at` the restart's.
   */
  restarted: (from: string | null, at: string) => string
  unavailable: string
  alarmLine: string
  showAlarm: string
  alarmTitle: string
  alarmIntro: string
  problem: (problem: IntegrityProblem) => string
  downloadEvidence: string
  /** Closes the alarm without calling anything fine: the line stays red. */
  keepReviewing: string
  verifyAll: string
  verifyProgress: (done: number, total: number) => string
  cancel: string
  verifyReport: (report: {
    verified: number
    gaps: number
    tampered: number
    untrusted: number
    seconds: number
    rootMatches: boolean
  }) => string
}

export const defaultIntegrityMessages: IntegrityMessages = {
  checking: 'Checking that the log is complete…',
  complete: (size, asOf, since) =>
    `Complete up to #${size.toLocaleString()} as of ${asOf} · consistent with what this browser saw on ${since}`,
  noCheckpoints:
    'This audit service publishes no checkpoints: only signatures and gaps between loaded events are checked',
  restarted: (from, at) =>
    from === null
      ? `this browser’s earlier record of this log could not be read and was started afresh on ${at}`
      : `this browser’s earlier record of this log, from ${from}, could not be checked (the pinned keys may have changed) and was started afresh on ${at}`,
  unavailable: 'Completeness could not be checked right now.',
  alarmLine: 'This audit log failed an integrity check.',
  showAlarm: 'Show what failed',
  alarmTitle: 'This audit log is not what it was',
  alarmIntro:
    'Your browser remembers what this log looked like on earlier visits. The log it is shown now does not match:',
  problem: (problem) => {
    switch (problem.kind) {
      case 'forked':
        return `The log of ${problem.size} events does not extend the ${problem.previousSize} events this browser saw before: its history was rewritten.`
      case 'truncated':
        return `The log now holds ${problem.size} events where it held ${problem.previousSize} before: the newest events were removed.`
      case 'deleted':
        return 'The log this browser saw before is gone.'
      case 'replaced':
        return 'This organization is now shown a different log than before.'
      case 'bad-checkpoint':
        return 'The log’s signed checkpoint does not verify against the pinned keys.'
      case 'not-included':
        return `Event #${problem.seq} is not part of the signed log.`
      case 'beyond-checkpoint':
        return `Event #${problem.seq} is beyond the ${problem.size} events the log signed.`
      case 'event-changed':
        return `Event #${problem.seq} has changed since this browser saw it.`
      case 'event-gone':
        return `Event #${problem.seq}, seen by this browser before, is gone.`
    }
  },
  downloadEvidence: 'Download evidence (JSON)',
  keepReviewing: 'Keep reviewing with caution',
  verifyAll: 'Verify entire log',
  verifyProgress: (done, total) => `Verifying… ${done.toLocaleString()} of ${total.toLocaleString()}`,
  cancel: 'Cancel',
  verifyReport: (r) =>
    `${r.verified.toLocaleString()} events verified, ${r.gaps} gaps, ${r.tampered} tampered, ${r.untrusted} untrusted` +
    `${r.rootMatches ? ', root matches the checkpoint' : ', ROOT DOES NOT MATCH the checkpoint'} (${r.seconds.toFixed(1)} s)`,
}
