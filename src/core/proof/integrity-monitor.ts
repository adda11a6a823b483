/**
 * The integrity of one org's log as this browser sees it (issue 14): fetch the org's
 * checkpoint, verify it against the pinned keys (C2SP signed note, key name = origin), prove it
 * consistent with the one remembered from earlier visits (RFC 9162 section 2.1.4, through
 * {@link CheckpointMemory}), and check that the newest loaded event is in its tree (section
 * 2.1.3). Without checkpoints, fall back to what a client can do alone ({@link compareSeen}).
 *
 * Loaded on demand by the viewer, after the first rows. Nothing is remembered unless it
 * verified against a pinned key; what storage returns is decoded and re-verified.
 */
import { toBase64 } from '../../protocol/base64.js'
import type { AuditClient } from '../log/client.js'
import type { AuditEvent } from '../types.js'
import type { CryptoBackend } from '../verify/crypto.js'
import type { KeyRing } from '../verify/key-ring.js'
import { verifyCheckpoint, type CheckpointTrust } from './checkpoint.js'
import { CheckpointMemory, type CheckpointStorage } from './checkpoint-memory.js'
import { newestNotIncluded, type EvidenceParts } from './integrity-inclusion.js'
import { compareSeen, rememberSeen, seenProblem, seqOf } from './seen-events.js'
import {
  decodeRecord,
  defaultIntegrityStorage,
  RECORD,
  restartOf,
  restartStillNews,
  unreadableRestart,
  type OrgRecord,
} from './integrity-storage.js'
import {
  CHECKING,
  problemSentence,
  type IntegrityProblem,
  type IntegrityRestart,
  type IntegritySnapshot,
} from './integrity-types.js'

export { defaultIntegrityStorage } from './integrity-storage.js'
export type { IntegrityEvidence, IntegrityProblem, IntegrityRestart, IntegritySnapshot } from './integrity-types.js'

export interface IntegrityMonitorOptions {
  client: Pick<AuditClient, 'getCheckpoint' | 'getConsistency' | 'getInclusion' | 'token' | 'platform'>
  /** The viewer's pinned keys: checkpoints are signed with the event key (name = origin). */
  keyRing: KeyRing
  backend: CryptoBackend
  /**
   * Core's `canonicalBytes` (the signed bytes, which are the leaf's input). Injected, like
   * `verifiedHashes`, so this module shares no code with the viewer's first download and
   * loads as one chunk after the first rows; `integrityDefaults` gives core's own.
   */
  canonicalBytes: (event: AuditEvent) => Uint8Array
  /** The payload hash of each event that verified against a pinned key, null for the others. */
  verifiedHashes: (events: readonly AuditEvent[]) => Promise<(string | null)[]>
  /** Where checkpoints and seen events are remembered (default: `localStorage`, when there is one). */
  storage?: CheckpointStorage
}

/** What is loaded: newest first; `fromHead` when unfiltered and starting at the newest event. */
export interface LoadedLog {
  events: readonly AuditEvent[]
  fromHead: boolean
}

export interface IntegrityMonitor {
  subscribe(listener: () => void): () => void
  getSnapshot(): IntegritySnapshot
  /** Check the org's log against what is loaded and what was remembered; never throws on data. */
  check(loaded: LoadedLog, signal?: AbortSignal): Promise<IntegritySnapshot>
}

/** Make a monitor for the client's org. */
export function createIntegrityMonitor(options: IntegrityMonitorOptions): IntegrityMonitor {
  const { client, keyRing, backend } = options
  const storage = options.storage ?? defaultIntegrityStorage()
  const memory = new CheckpointMemory(storage, backend)
  const trust: CheckpointTrust = { keys: keyRing.keys.map((key) => ({ publicKey: key.bytes })) }
  const listeners = new Set<() => void>()
  let snapshot = CHECKING
  /** Whether this monitor (this visit) found the memory to start afresh. */
  let restartedThisVisit = false
  const set = (next: IntegritySnapshot) => {
    snapshot = next
    for (const listener of listeners) listener()
    return next
  }

  async function run(loaded: LoadedLog, signal?: AbortSignal): Promise<IntegritySnapshot> {
    const token = await client.token({ ...(signal ? { signal } : {}) })
    const recordKey = RECORD + (token.org_id ?? '')
    const stored = await storage.get(recordKey)
    const record = decodeRecord(stored)
    // A record that is there but does not decode was edited or broken: not a first visit.
    const unreadable = stored !== null && record === null
    const now = client.platform.now()
    const save = (next: OrgRecord) => storage.set(recordKey, JSON.stringify(next))
    const alarm = async (problem: IntegrityProblem, evidence: EvidenceParts) =>
      set({
        status: 'alarm',
        size: null,
        time: null,
        firstSeenAt: record?.firstSeenAt ?? null,
        restarted: record?.restarted ?? null,
        message: problemSentence(problem),
        problem,
        evidence: {
          format: 'auditlens.integrity-evidence/1',
          org: token.org_id ?? null,
          detectedAt: new Date(now).toISOString(),
          problem: problemSentence(problem),
          ...evidence,
        },
      })

    const answer = await client.getCheckpoint({ ...(signal ? { signal } : {}) })
    if (!answer) {
      if (record?.origin) {
        const previous = await memory.recall(record.origin)
        return alarm({ kind: 'deleted' }, { previousCheckpoint: previous, checkpoint: null, proof: null })
      }
      return withoutCheckpoints(loaded, record, unreadable ? unreadableRestart(now) : null, now, save, alarm)
    }
    const checked = await verifyCheckpoint(backend, answer.checkpoint, trust)
    if (!checked.ok)
      return alarm(
        { kind: 'bad-checkpoint', detail: checked.message },
        {
          previousCheckpoint: record?.origin ? await memory.recall(record.origin) : null,
          checkpoint: answer.checkpoint,
          proof: null,
        },
      )
    const { checkpoint } = checked
    if (record?.origin && record.origin !== checkpoint.origin)
      return alarm(
        { kind: 'replaced', origin: checkpoint.origin, previousOrigin: record.origin },
        { previousCheckpoint: await memory.recall(record.origin), checkpoint: answer.checkpoint, proof: null },
      )
    let proof: { first: number; second: number; hashes: Uint8Array[] } | null = null
    const outcome = await memory.observe(answer.checkpoint, trust, async (first, second) => {
      const hashes = await client.getConsistency(first, second, { ...(signal ? { signal } : {}) })
      proof = { first, second, hashes }
      return hashes
    })
    const consistencyEvidence = () => {
      const p = proof as { first: number; second: number; hashes: Uint8Array[] } | null
      return p
        ? { type: 'consistency' as const, first: p.first, second: p.second, hashes: p.hashes.map(toBase64) }
        : null
    }
    switch (outcome.status) {
      case 'invalid':
        return alarm(
          { kind: 'bad-checkpoint', detail: outcome.message },
          { previousCheckpoint: null, checkpoint: answer.checkpoint, proof: null },
        )
      case 'inconsistent':
        return alarm(
          { kind: 'forked', size: checkpoint.size, previousSize: outcome.previous.size },
          {
            previousCheckpoint: await memory.recall(outcome.previous.origin),
            checkpoint: answer.checkpoint,
            proof: consistencyEvidence(),
          },
        )
      case 'stale':
      case 'unavailable': {
        const { previous } = outcome
        // A smaller tree head than one seen before is a cache only if it is also older in time;
        // a signed "now there are fewer" is the log losing its newest events, whether or not
        // it can still prove the smaller tree a prefix (a truncated log cannot serve the proof).
        const truncated =
          checkpoint.size < previous.size &&
          (checkpoint.time === null || previous.time === null || checkpoint.time >= previous.time)
        if (truncated)
          return alarm(
            { kind: 'truncated', size: checkpoint.size, previousSize: previous.size },
            {
              previousCheckpoint: await memory.recall(checkpoint.origin),
              checkpoint: answer.checkpoint,
              proof: consistencyEvidence(),
            },
          )
        if (outcome.status === 'unavailable')
          return set({ ...CHECKING, status: 'unavailable', message: 'The consistency proof could not be fetched.' })
        // An older, consistent tree head is never "complete": if the list also stops short of
        // what this browser saw signed, events are being hidden (a replayed old answer needs no
        // key); if it does not, the head is merely out of date, and nothing calm is said.
        const head = loaded.fromHead && loaded.events[0] ? seqOf(loaded.events[0]) : null
        if (head !== null && head < previous.size)
          return alarm(
            { kind: 'truncated', size: head, previousSize: previous.size },
            {
              previousCheckpoint: await memory.recall(checkpoint.origin),
              checkpoint: answer.checkpoint,
              proof: consistencyEvidence(),
            },
          )
        return set({
          ...CHECKING,
          status: 'unavailable',
          message: `The audit service served an older checkpoint (${checkpoint.size} events) than this browser saw (${previous.size}).`,
        })
      }
    }
    // A memory started afresh says so, and counts from now, until a later visit confirms the
    // log against it (restartStillNews says why).
    const memoryDid = outcome.status === 'first' || outcome.status === 'restarted' ? outcome.status : 'kept'
    const fresh = restartOf(memoryDid, record, unreadable, now)
    restartedThisVisit ||= fresh !== null
    const restarted = restartStillNews(fresh, record, outcome.status === 'consistent', restartedThisVisit)
    const firstSeenAt = fresh ? now : (record?.firstSeenAt ?? now)
    const kept = { origin: checkpoint.origin, firstSeenAt, seen: record?.seen ?? null }
    // Saved now, so a restart is on record whatever follows; the note is cleared only below,
    // once the inclusion check passed too: a visit that ends unavailable or in an alarm
    // confirmed nothing.
    await save({ ...kept, restarted: restarted ?? record?.restarted ?? null })

    // The newest loaded event must be inside the signed tree, at its seq (RFC 9162 2.1.3).
    const newest = loaded.events[0]
    const excluded =
      newest && loaded.fromHead
        ? await newestNotIncluded(newest, checkpoint, answer.checkpoint, { ...options, signal })
        : null
    if (excluded) return alarm(excluded.problem, excluded.evidence)
    if (!restarted && record?.restarted) await save({ ...kept, restarted: null })
    return set({
      status: 'complete',
      size: checkpoint.size,
      time: checkpoint.time,
      firstSeenAt,
      restarted,
      message: null,
      problem: null,
      evidence: null,
      note: answer.checkpoint,
      pruned: answer.pruned ?? null,
    })
  }

  async function withoutCheckpoints(
    loaded: LoadedLog,
    record: OrgRecord | null,
    fresh: IntegrityRestart | null,
    now: number,
    save: (record: OrgRecord) => unknown,
    alarm: (problem: IntegrityProblem, evidence: EvidenceParts) => Promise<IntegritySnapshot>,
  ): Promise<IntegritySnapshot> {
    const hashes = await options.verifiedHashes(loaded.events)
    const hashed = loaded.events.map((event, i) => ({ seq: seqOf(event), payloadHash: hashes[i] ?? null }))
    const { problems, compared } = record?.seen
      ? compareSeen(record.seen, hashed, loaded.fromHead)
      : { problems: [], compared: 0 }
    if (problems.length)
      return alarm(seenProblem(problems[0]!), {
        previousCheckpoint: null,
        checkpoint: null,
        proof: null,
        events: problems,
      })
    restartedThisVisit ||= fresh !== null
    // Confirmed when at least one verified event seen since the restart was found again with
    // the same hash, and none differed: a memory with no verified hash, or no seq in common with
    // this visit's events, confirms nothing.
    const restarted = restartStillNews(fresh, record, compared > 0, restartedThisVisit)
    const firstSeenAt = fresh ? now : (record?.firstSeenAt ?? now)
    await save({ origin: null, firstSeenAt, seen: rememberSeen(record?.seen ?? null, hashed), restarted })
    return set({ ...CHECKING, status: 'no-checkpoints', firstSeenAt, restarted })
  }

  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getSnapshot: () => snapshot,
    async check(loaded, signal) {
      // An alarm stays up until the reader reloads: nothing later may hide it.
      if (snapshot.status === 'alarm') return snapshot
      set(CHECKING)
      try {
        return await run(loaded, signal)
      } catch (error) {
        if (signal?.aborted) throw error
        return set({
          ...CHECKING,
          status: 'unavailable',
          message: error instanceof Error ? error.message : String(error),
        })
      }
    },
  }
}
