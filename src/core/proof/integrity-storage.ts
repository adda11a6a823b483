/**
 * Where the integrity monitor remembers things: the default storage (localStorage, or memory
 * where there is none) and the per-org record, decoded because storage is not trusted either.
 */
import type { CheckpointStorage } from './checkpoint-memory.js'
import { decodeSeenEvents, type SeenEvents } from './seen-events.js'

/** Per org: the log's origin once a checkpoint verified, when this browser first saw it, seen events. */
export interface OrgRecord {
  origin: string | null
  firstSeenAt: number
  seen: SeenEvents | null
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
    }
  } catch {
    return null
  }
}
