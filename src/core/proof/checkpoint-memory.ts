/**
 * A viewer that remembers what it saw, as Go's checksum-database client does: the newest
 * verified checkpoint of each log is kept, and every later checkpoint must be proven
 * consistent with it (the log only grew) before it replaces it. A log that shows one reader a
 * history and later another, or rewrites or truncates what it had signed, fails loudly here.
 *
 * Storage is injected: localStorage or IndexedDB in the browser, a file for the CLI, a Map in
 * tests. Only checkpoints that verified against pinned keys are ever stored, keyed by origin.
 */
import type { CryptoBackend } from '../verify/crypto.js'
import { verifyCheckpoint, type Checkpoint, type CheckpointProblem, type CheckpointTrust } from './checkpoint.js'
import { verifyConsistency, type Hash } from './merkle.js'

/** Where remembered checkpoints live: text by key, async so IndexedDB fits. */
export interface CheckpointStorage {
  get(key: string): Promise<string | null> | string | null
  set(key: string, value: string): Promise<void> | void
}

/** Fetches the consistency proof between two sizes of the log (the ledger's `consistency`). */
export type FetchConsistency = (first: number, second: number) => Promise<readonly Hash[]>

export type CheckpointOutcome =
  /** The first checkpoint seen for this log: remembered, nothing to compare with. */
  | { status: 'first'; checkpoint: Checkpoint }
  /**
   * A checkpoint was remembered for this log but no longer verifies (a key rotation dropped its
   * pin, or storage was altered): this one is remembered in its place, with nothing to compare
   * it with. Not an alarm by itself, since a rotation is legitimate, but never a silent 'first'.
   */
  | { status: 'restarted'; checkpoint: Checkpoint; reason: CheckpointProblem }
  /** Proven to extend (or equal) the remembered one; now remembered instead. */
  | { status: 'consistent'; checkpoint: Checkpoint; previous: Checkpoint }
  /** Older than the remembered one but a prefix of it: fine, and the newer one stays. */
  | { status: 'stale'; checkpoint: Checkpoint; previous: Checkpoint }
  /** Not a prefix or extension of what was seen before: the log was rewritten or forked. */
  | { status: 'inconsistent'; checkpoint: Checkpoint; previous: Checkpoint; message: string }
  /** The checkpoint itself did not verify (signature, key, form): nothing was remembered. */
  | { status: 'invalid'; message: string }
  /** The proof could not be fetched: nothing was decided or remembered. */
  | { status: 'unavailable'; checkpoint: Checkpoint; previous: Checkpoint; error: unknown }

const PREFIX = 'auditlens.checkpoint:'

/** Remember and compare checkpoints of logs, per origin. */
export class CheckpointMemory {
  constructor(
    private readonly storage: CheckpointStorage,
    private readonly backend: CryptoBackend,
  ) {}

  /** The remembered checkpoint note of a log, if any. */
  async recall(origin: string): Promise<string | null> {
    return (await this.storage.get(PREFIX + origin)) ?? null
  }

  /**
   * Check `note` against the pinned keys and against what was remembered for its log, and
   * remember it when it moves the log forward. Never throws on data.
   */
  async observe(note: string, trust: CheckpointTrust, fetchConsistency: FetchConsistency): Promise<CheckpointOutcome> {
    const checked = await verifyCheckpoint(this.backend, note, trust)
    if (!checked.ok) return { status: 'invalid', message: checked.message }
    const { checkpoint } = checked
    const key = PREFIX + checkpoint.origin
    const remembered = await this.storage.get(key)
    // What we stored verified once; it must still verify now (storage is not trusted either).
    const before = remembered === null ? null : await verifyCheckpoint(this.backend, remembered, trust)
    if (!before || !before.ok) {
      await this.storage.set(key, note)
      return before ? { status: 'restarted', checkpoint, reason: before.problem } : { status: 'first', checkpoint }
    }
    const previous = before.checkpoint
    const [small, large] = previous.size <= checkpoint.size ? [previous, checkpoint] : [checkpoint, previous]
    let proof: readonly Hash[]
    try {
      proof = small.size === large.size || small.size === 0 ? [] : await fetchConsistency(small.size, large.size)
    } catch (error) {
      return { status: 'unavailable', checkpoint, previous, error }
    }
    if (!(await verifyConsistency(this.backend, small.size, large.size, proof, small.rootHash, large.rootHash))) {
      const message =
        small.size === large.size
          ? `the log shows two different trees of ${large.size} events`
          : `the log of ${large.size} events does not extend the one of ${small.size} events seen before`
      return { status: 'inconsistent', checkpoint, previous, message }
    }
    if (checkpoint.size < previous.size) return { status: 'stale', checkpoint, previous }
    await this.storage.set(key, note)
    return { status: 'consistent', checkpoint, previous }
  }
}
