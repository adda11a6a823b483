/**
 * Is an NDJSON export the whole log, or provably part of it? Given each event's seq and
 * canonical bytes and the export's trailer, check the trailer's checkpoint against pinned
 * keys, then:
 * - unfiltered: every seq from 1 (or from the pruned prefix) to the checkpoint's size exactly
 *   once, and the root recomputed from the leaves equal to the checkpoint's;
 * - filtered: each event's inclusion proof against the checkpoint's root;
 * - and, given an earlier checkpoint, that the log only grew since, computed from the leaves.
 *
 * Leaf hashes are kept by seq in 32-byte slots of fixed-size blocks (about 32 MB per million
 * events), so an export can come in any order (the ledger writes newest first) and a hostile
 * seq costs one block, not an array as long as the number.
 */
import type { ExportTrailer } from '../../protocol/proofs.js'
import type { CryptoBackend } from '../verify/crypto.js'
import { verifyCheckpoint, type Checkpoint, type CheckpointTrust } from './checkpoint.js'
import { leafHash, MerkleFrontier, sameHash, verifyInclusion, type Hash } from './merkle.js'

export type CompletenessProblem =
  | { kind: 'checkpoint-invalid'; message: string }
  | { kind: 'seq-missing'; from: number; to: number }
  | { kind: 'seq-duplicate'; seq: number }
  | { kind: 'outside-checkpoint'; seq: number; message: string }
  | { kind: 'root-mismatch'; message: string }
  | { kind: 'not-in-checkpoint'; eventId: string; message: string }
  | { kind: 'inconsistent'; message: string }
  | { kind: 'pruned-unproven'; message: string }

export interface CompletenessReport {
  /** The trailer's checkpoint, when it verified. */
  checkpoint: Checkpoint | null
  /** Whether the export was filtered (checked by inclusion proofs, not as a whole). */
  filtered: boolean
  /** Seqs 1..this were removed by retention, proven by a signed marker (0: none). */
  pruned: number
  problems: CompletenessProblem[]
}

/**
 * Whether a pruned prefix is really the ledger's: `null` when `marker` is a prune marker that
 * verifies against the pinned keys, for the checkpoint's log (`origin`), through exactly
 * `throughSeq`; otherwise the reason, in words. Injected (the CLI and the viewer hold the key
 * ring), so a trailer's claim "seqs 1..N were pruned" is never taken on its word.
 */
export type ProvePruned = (marker: unknown, throughSeq: number, origin: string) => Promise<string | null>

const BLOCK = 4096
/** Missing ranges listed one by one before the rest are summed up in one. */
const MAX_LISTED_RANGES = 20

/** Collects an export's leaves as its lines are verified, then checks them against the trailer. */
export class ExportCompleteness {
  private readonly blocks = new Map<number, { hashes: Uint8Array; present: Uint8Array }>()
  private readonly problems: CompletenessProblem[] = []
  /** Each event's id and seq, in file order (leaves stay in the blocks). */
  private readonly events: { id: string; seq: number }[] = []

  constructor(private readonly backend: CryptoBackend) {}

  /** Record one event line of the export (any order). */
  async add(event: { seq: number; id: string }, canonicalBytes: Uint8Array): Promise<void> {
    this.addLeaf(event, await leafHash(this.backend, canonicalBytes))
  }

  /**
   * Record one event by its leaf hash, already computed from the canonical bytes whose
   * signature was checked (Verify entire log gets it from the verification worker).
   */
  addLeaf(event: { seq: number; id: string }, leaf: Hash): void {
    const { seq } = event
    // A line whose seq is not a positive integer is malformed for the verifier; here it can
    // only leave its place empty, which the check then reports as missing.
    if (!Number.isSafeInteger(seq) || seq < 1) return
    const block = this.block(seq)
    const slot = (seq - 1) % BLOCK
    if (block.present[slot]) {
      this.problems.push({ kind: 'seq-duplicate', seq })
      return
    }
    block.present[slot] = 1
    block.hashes.set(leaf, slot * 32)
    this.events.push({ id: event.id, seq })
  }

  private block(seq: number) {
    const index = Math.floor((seq - 1) / BLOCK)
    let block = this.blocks.get(index)
    if (!block) {
      block = { hashes: new Uint8Array(BLOCK * 32), present: new Uint8Array(BLOCK) }
      this.blocks.set(index, block)
    }
    return block
  }

  private leafAt(seq: number): Hash | null {
    const block = this.blocks.get(Math.floor((seq - 1) / BLOCK))
    const slot = (seq - 1) % BLOCK
    return block?.present[slot] ? block.hashes.subarray(slot * 32, slot * 32 + 32) : null
  }

  /**
   * Check the collected events against the export's trailer (and an earlier checkpoint note,
   * when given). Never throws on data: every finding is a problem in the report.
   */
  async check(
    trailer: ExportTrailer,
    trust: CheckpointTrust,
    earlier?: string,
    provePruned?: ProvePruned,
  ): Promise<CompletenessReport> {
    const problems = [...this.problems]
    const filtered = trailer.inclusion !== null
    const verified = await verifyCheckpoint(this.backend, trailer.checkpoint, trust)
    if (!verified.ok) {
      problems.push({ kind: 'checkpoint-invalid', message: `the export's checkpoint is invalid: ${verified.message}` })
      return { checkpoint: null, filtered, pruned: 0, problems }
    }
    const { checkpoint } = verified
    let old: Checkpoint | null = null
    if (earlier !== undefined) {
      const checked = await verifyCheckpoint(this.backend, earlier, { ...trust, origin: checkpoint.origin })
      if (!checked.ok)
        problems.push({ kind: 'inconsistent', message: `the earlier checkpoint is invalid: ${checked.message}` })
      else if (checked.checkpoint.size > checkpoint.size) {
        problems.push({
          kind: 'inconsistent',
          message: `the log shrank: the earlier checkpoint has ${checked.checkpoint.size} events, this export's ${checkpoint.size}`,
        })
      } else old = checked.checkpoint
    }
    if (filtered) {
      await this.checkInclusion(trailer, checkpoint, problems, old)
      return { checkpoint, filtered, pruned: 0, problems }
    }
    const pruned = await this.provenPrefix(trailer, checkpoint, problems, provePruned)
    await this.checkWhole(pruned ? trailer : { ...trailer, pruned: null }, checkpoint, problems, old)
    return { checkpoint, filtered, pruned: pruned ? trailer.pruned!.through_seq : 0, problems }
  }

  /** Whether the trailer's pruned prefix may stand in for seqs 1..N: only with a verified marker. */
  private async provenPrefix(
    trailer: ExportTrailer,
    checkpoint: Checkpoint,
    problems: CompletenessProblem[],
    provePruned: ProvePruned | undefined,
  ): Promise<boolean> {
    const prefix = trailer.pruned
    if (!prefix) return false
    const claim = `seqs 1 to ${prefix.through_seq} are said to be removed by retention`
    const why =
      prefix.through_seq > checkpoint.size
        ? `more than the checkpoint's ${checkpoint.size} events`
        : provePruned
          ? await provePruned(prefix.marker, prefix.through_seq, checkpoint.origin)
          : 'no pinned keys to check the prune marker against'
    if (why === null) return true
    problems.push({ kind: 'pruned-unproven', message: `${claim}, but not proven: ${why}` })
    return false
  }

  private async checkInclusion(
    trailer: ExportTrailer,
    checkpoint: Checkpoint,
    problems: CompletenessProblem[],
    old: Checkpoint | null,
  ) {
    for (const { id, seq } of this.events) {
      const leaf = this.leafAt(seq)!
      const proof = trailer.inclusion!.get(id)
      const ok =
        proof !== undefined &&
        proof.index === seq - 1 &&
        proof.size === checkpoint.size &&
        (await verifyInclusion(this.backend, proof.index, proof.size, leaf, proof.proof, checkpoint.rootHash))
      if (!ok) {
        const message = proof
          ? `its inclusion proof does not verify against the checkpoint`
          : 'the trailer has no inclusion proof for it'
        problems.push({
          kind: 'not-in-checkpoint',
          eventId: id,
          message: `event ${id} (seq ${seq}) is not proven in the checkpoint: ${message}`,
        })
      }
    }
    if (old && old.size === checkpoint.size && !sameHash(old.rootHash, checkpoint.rootHash)) {
      // Two signed trees of one size that differ: a fork, whatever part of it was exported.
      problems.push({
        kind: 'inconsistent',
        message: `the earlier checkpoint and this one sign two different logs of ${old.size} events`,
      })
    } else if (old && old.size > 0 && old.size < checkpoint.size) {
      problems.push({
        kind: 'inconsistent',
        message:
          'consistency with the earlier checkpoint cannot be computed from a filtered export; export the whole log to check it offline',
      })
    }
  }

  private async checkWhole(
    trailer: ExportTrailer,
    checkpoint: Checkpoint,
    problems: CompletenessProblem[],
    old: Checkpoint | null,
  ) {
    const pruned = trailer.pruned?.through_seq ?? 0
    for (const { seq } of this.events) {
      if (seq > checkpoint.size) {
        problems.push({
          kind: 'outside-checkpoint',
          seq,
          message: `seq ${seq} is beyond the checkpoint's ${checkpoint.size} events`,
        })
      } else if (seq <= pruned) {
        problems.push({
          kind: 'outside-checkpoint',
          seq,
          message: `seq ${seq} is in the prefix the trailer says was pruned`,
        })
      }
    }
    const missing = this.missingRanges(pruned + 1, checkpoint.size)
    for (const [from, to] of missing.slice(0, MAX_LISTED_RANGES)) problems.push({ kind: 'seq-missing', from, to })
    if (missing.length > MAX_LISTED_RANGES) {
      const rest = missing.slice(MAX_LISTED_RANGES)
      problems.push({ kind: 'seq-missing', from: rest[0]![0], to: rest.at(-1)![1] })
    }
    if (missing.length > 0) return // no root to recompute without every leaf
    const frontier = trailer.pruned
      ? MerkleFrontier.resume(this.backend, pruned, trailer.pruned.frontier)
      : new MerkleFrontier(this.backend)
    if (!frontier) {
      problems.push({ kind: 'root-mismatch', message: 'the pruned prefix in the trailer does not fit its size' })
      return
    }
    let oldRoot: Hash | null = old && old.size === pruned ? await frontier.root() : null
    if (old && old.size > 0 && old.size < pruned) {
      problems.push({
        kind: 'inconsistent',
        message: `the earlier checkpoint (${old.size} events) lies inside the pruned prefix and cannot be checked offline`,
      })
      old = null
    }
    for (let seq = pruned + 1; seq <= checkpoint.size; seq++) {
      await frontier.push(this.leafAt(seq)!)
      if (old && seq === old.size) oldRoot = await frontier.root()
    }
    if (!sameHash(await frontier.root(), checkpoint.rootHash)) {
      problems.push({
        kind: 'root-mismatch',
        message: `the events do not hash to the checkpoint's root: the log of ${checkpoint.size} events is not this one`,
      })
    }
    if (old && old.size > 0 && oldRoot && !sameHash(oldRoot, old.rootHash)) {
      problems.push({
        kind: 'inconsistent',
        message: `the first ${old.size} events are not the ones the earlier checkpoint signed: the log was rewritten`,
      })
    }
  }

  private missingRanges(from: number, to: number): [number, number][] {
    const ranges: [number, number][] = []
    let start: number | null = null
    for (let seq = from; seq <= to; seq++) {
      const present = this.leafAt(seq) !== null
      if (!present && start === null) start = seq
      if (present && start !== null) {
        ranges.push([start, seq - 1])
        start = null
      }
    }
    if (start !== null) ranges.push([start, to])
    return ranges
  }
}
