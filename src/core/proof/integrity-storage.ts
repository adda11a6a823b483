/**
 * Where the integrity monitor remembers things: the default storage (localStorage, or memory
 * where there is none) and the per-org record, decoded because storage is not trusted either.
 */
import type { CheckpointStorage } from './checkpoint-memory.js'
import type { IntegrityRestart } from './integrity-types.js'
import { decodeSeenEvents, type SeenEvents } from './seen-events.js'

/** Per org: the log's origin once a checkpoint verified, when this browser first saw it, seen events. */
export interface OrgRecord {
  origin: string | null
  firstSeenAt: number
  seen: SeenEvents | null
  /**
   * Kept so that later visits still say the memory only goes back to the restart, until one
   * of them confirms the log against that memory (see {@link restartStillNews}).
   */
  restarted: IntegrityRestart | null
}

export const RECORD = 'auditlens.integrity:'

/** `localStorage` as checkpoint storage; a Map when there is none (or it throws: private modes). */
export function defaultIntegrityStorage(): CheckpointStorage {
  const memory = new Map<string, string>()
  const local = (() => {
    try {
      return globalThis.localStorage ?? null
    } catch {
      return null
    }
  })()
  return {
    get: (key) => {
      try {
        return local ? local.getItem(key) : (memory.get(key) ?? null)
      } catch {
        return memory.get(key) ?? null
      }
    },
    set: (key, value) => {
      try {
        if (local) return void local.setItem(key, value)
      } catch {
        // full or forbidden: remembered for this page only
      }
      memory.set(key, value)
    },
  }
}

export function decodeRecord(text: string | null): OrgRecord | null {
  if (!text) return null
  try {
    const value = JSON.parse(text) as Record<string, unknown>
    if (!Number.isFinite(value.firstSeenAt)) return null
    return {
      origin: typeof value.origin === 'string' ? value.origin : null,
      firstSeenAt: value.firstSeenAt as number,
      seen: decodeSeenEvents(value.seen),
      restarted: decodeRestart(value.restarted),
    }
  } catch {
    return null
  }
}

const REASONS: readonly IntegrityRestart['reason'][] = ['unverifiable', 'missing', 'unreadable']

function decodeRestart(value: unknown): IntegrityRestart | null {
  if (typeof value !== 'object' || value === null) return null
  const { from, at, reason } = value as Record<string, unknown>
  if (!Number.isFinite(at) || !(from === null || Number.isFinite(from))) return null
  const known = REASONS.find((r) => r === reason)
  return known ? { from: from as number | null, at: at as number, reason: known } : null
}

/**
 * Whether this visit starts the browser's memory of the log afresh, and why. `memory` is what
 * the checkpoint memory did with this visit's checkpoint ('kept' when it compared it with one
 * it remembered); `unreadable` says a record was stored for the org but did not decode. A fresh
 * record for an org never seen is not a restart.
 */
export function restartOf(
  memory: 'first' | 'restarted' | 'kept',
  record: OrgRecord | null,
  unreadable: boolean,
  now: number,
): IntegrityRestart | null {
  if (memory === 'restarted') return { from: record?.firstSeenAt ?? null, at: now, reason: 'unverifiable' }
  if (memory !== 'first') return null
  // The record names this log (a different origin is an alarm before this), so a checkpoint
  // was remembered for it: it is gone from storage.
  if (record?.origin) return { from: record.firstSeenAt, at: now, reason: 'missing' }
  return unreadable ? unreadableRestart(now) : null
}

/** A restart because this browser's record could not be read at all. */
export const unreadableRestart = (now: number): IntegrityRestart => ({ from: null, at: now, reason: 'unreadable' })

/**
 * The restart the line should still mention after a check that passed: `fresh` (this check's
 * own), or the record's, which goes once a later visit `confirmed` the log against the memory
 * begun at the restart (a consistency proof from the remembered checkpoint, or events seen
 * before compared unchanged). `thisVisit` says the restart happened on this visit, which keeps
 * it for the visit's later checks (live tail): a reader who saw the note must not see it
 * vanish while reading.
 *
 * Why not for ever: the note explains why the line's "consistent with what this browser saw
 * on D" has a later D than before. Once this browser has proven the log consistent with what it
 * saw on D, that claim is true and complete as it stands (D itself says how far back it goes),
 * while a note repeated on every visit for a legitimate key rotation would teach readers to
 * skim past the line where a real problem is shown. Why not dismissible: dismissing needs a
 * control and a stored flag, and a reader who dismisses a note before the log was checked
 * again would lose it before it was answered.
 */
export function restartStillNews(
  fresh: IntegrityRestart | null,
  record: OrgRecord | null,
  confirmed: boolean,
  thisVisit: boolean,
): IntegrityRestart | null {
  if (fresh) return fresh
  return confirmed && !thisVisit ? null : (record?.restarted ?? null)
}
