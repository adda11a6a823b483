/**
 * What a viewer can check alone when the audit service publishes no checkpoints (Invoance's
 * hosted API today): per org, the highest seq seen and the payload hashes of the newest events
 * seen, and on a later visit whether any of them changed or is gone. Weaker than checkpoints
 * (it only covers what this browser loaded, and a first visit trusts what it gets), which the
 * viewer says in words.
 */
import type { AuditEvent } from '../types.js'
import type { IntegrityProblem } from './integrity-types.js'

/** Hashes remembered per org: enough for the pages a reader loads, bounded in storage. */
export const SEEN_EVENTS_LIMIT = 1000

/** The remembered part: highest seq, and `[seq, payload hash hex]` newest first. */
export interface SeenEvents {
  highestSeq: number
  hashes: [number, string][]
}

/** What a later visit found wrong, by seq. */
export type SeenEventsProblem =
  | { kind: 'event-changed'; seq: number; remembered: string; now: string }
  | { kind: 'event-gone'; seq: number; remembered: string }
  | { kind: 'truncated'; previousSize: number; size: number }

/** One loaded event, with the payload hash the verifier recomputed, if it verified. */
export interface LoadedEvent {
  seq: number
  /** Lowercase hex SHA-256 of the canonical bytes; null when it did not verify against a pinned key. */
  payloadHash: string | null
}

/** Decode remembered text; anything else (storage is not trusted) counts as nothing seen. */
export function decodeSeenEvents(value: unknown): SeenEvents | null {
  if (typeof value !== 'object' || value === null) return null
  const { highestSeq, hashes } = value as Record<string, unknown>
  if (!Number.isSafeInteger(highestSeq) || !Array.isArray(hashes)) return null
  const pairs: [number, string][] = []
  for (const pair of hashes) {
    if (!Array.isArray(pair) || !Number.isSafeInteger(pair[0]) || typeof pair[1] !== 'string') return null
    pairs.push([pair[0] as number, pair[1]])
  }
  return { highestSeq: highestSeq as number, hashes: pairs }
}

export const seqOf = (event: AuditEvent): number => Number(String(event.seq))

/**
 * Compare what is loaded now with what was seen. `loaded` is newest first and, when
 * `fromHead`, unfiltered from the newest event down, so every seq between its newest and
 * oldest should be there (a missing one the store already shows as a gap; a remembered one
 * missing here is gone). `compared` counts the remembered events found again with the same
 * verified hash: only those confirm anything, so no problems with nothing compared (nothing
 * remembered verified, or no seq loaded in common) proves nothing.
 */
export function compareSeen(
  seen: SeenEvents,
  loaded: readonly LoadedEvent[],
  fromHead: boolean,
): { problems: SeenEventsProblem[]; compared: number } {
  const problems: SeenEventsProblem[] = []
  let compared = 0
  const newest = loaded.length ? Math.max(...loaded.map((event) => event.seq)) : 0
  if (fromHead && newest < seen.highestSeq)
    problems.push({ kind: 'truncated', previousSize: seen.highestSeq, size: newest })
  const now = new Map(loaded.map((event) => [event.seq, event.payloadHash]))
  const oldest = loaded.length ? Math.min(...loaded.map((event) => event.seq)) : Infinity
  for (const [seq, remembered] of seen.hashes) {
    const hash = now.get(seq)
    if (hash === undefined) {
      if (fromHead && seq >= oldest && seq <= newest) problems.push({ kind: 'event-gone', seq, remembered })
    } else if (hash !== remembered) {
      problems.push({ kind: 'event-changed', seq, remembered, now: hash ?? 'does not verify' })
    } else compared++
  }
  return { problems, compared }
}

/** `seen` with the verified loaded events added: the newest {@link SEEN_EVENTS_LIMIT} by seq. */
export function rememberSeen(seen: SeenEvents | null, loaded: readonly LoadedEvent[]): SeenEvents {
  const hashes = new Map(seen?.hashes ?? [])
  let highestSeq = seen?.highestSeq ?? 0
  for (const { seq, payloadHash } of loaded) {
    highestSeq = Math.max(highestSeq, seq)
    if (payloadHash) hashes.set(seq, payloadHash)
  }
  const newest = [...hashes].sort((a, b) => b[0] - a[0]).slice(0, SEEN_EVENTS_LIMIT)
  return { highestSeq, hashes: newest }
}

/** A seen-events problem as the monitor's problem: a log truncated to nothing is deleted. */
export function seenProblem(first: SeenEventsProblem): IntegrityProblem {
  return first.kind === 'truncated'
    ? { kind: first.size === 0 ? 'deleted' : 'truncated', size: first.size, previousSize: first.previousSize }
    : { kind: first.kind, seq: first.seq }
}
