/**
 * Completeness for each org's log (issue 14): the RFC 6962 tree kept beside the events, C2SP
 * checkpoints signed with the event signing key, and the proofs and frontiers readers check
 * them with. The origin of an org's log is `<ledger name>/orgs/<aorg id>`, stable for the life
 * of the database.
 */
import { parseAuditJson, canonicalBytes } from '../core/index.js'
import { toBase64 } from '../protocol/base64.js'
import { HttpError, badRequest } from '../protocol/errors.js'
import { signCheckpoint } from './checkpoint-signer.js'
import { statements, type Db } from './database.js'
import type { EventRow, EventStore } from './event-store.js'
import { ledgerId } from './ids.js'
import { MerkleTree, merkleLeafHash } from './merkle-tree.js'
import type { SigningKeys } from './signing-keys.js'
import type { PruneMarker } from '../core/verify/prune-marker.js'

/** A checkpoint as the ledger serves it: the signed note and, for convenience, its parts. */
/** A pruned prefix as served, in checkpoint answers and export trailers. */
export interface PrunedJson {
  through_seq: number
  frontier: string[]
  marker: PruneMarker
}

export interface CheckpointJson {
  checkpoint: string
  origin: string
  size: number
  root_hash: string
  time: string
  /**
   * Seqs 1..through_seq removed by retention: the subtree roots that stand for them, and the
   * signed prune marker that proves the removal was the ledger's policy, not someone's edit.
   */
  pruned?: PrunedJson
}

const BACKFILL_CHUNK = 5000

/** The ledger's default name in checkpoint origins. */
export function ledgerName(db: Db, now: number): string {
  return `auditlens.local/${ledgerId(db, now)}`
}

export class LogTree {
  readonly tree: MerkleTree
  private readonly sql: ReturnType<typeof statements>

  constructor(
    private readonly db: Db,
    private readonly keys: SigningKeys,
    private readonly now: () => number,
    /** The origin of an org's log. */
    readonly originOf: (orgId: string) => string,
    /** The org's log size as events and prune markers count it (EventStore.lastSeq). */
    private readonly lastSeq: (orgId: string) => number,
    /** The org's newest signed prune marker, when retention removed events. */
    private readonly pruneMarker: (orgId: string) => PruneMarker | null = () => null,
  ) {
    this.tree = new MerkleTree(db)
    this.sql = statements(db)
  }

  /** Leaves in an org's tree. */
  size(orgId: string): number {
    return this.tree.size(orgId)
  }

  /** Add an event's leaf, inside the transaction that inserts it (its seq must be the next leaf). */
  appendInTransaction(orgId: string, seq: number, canonical: Uint8Array): void {
    this.tree.appendInTransaction(orgId, seq - 1, merkleLeafHash(canonical))
  }

  /**
   * Give every org of a database made before the tree its leaves, from the stored events, in
   * seq order. An org whose oldest events were pruned before then cannot have a tree (its leaves
   * are gone); it gets none, and its checkpoint answers why.
   */
  backfill(events: EventStore): void {
    const orgs = this.sql('SELECT org_id, MAX(seq) AS last FROM events GROUP BY org_id').all() as {
      org_id: string
      last: number
    }[]
    for (const { org_id: orgId, last } of orgs) {
      let size = this.size(orgId)
      while (size < last) {
        const rows = this.sql('SELECT * FROM events WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(
          orgId,
          size,
          BACKFILL_CHUNK,
        ) as EventRow[]
        if (rows.length === 0 || rows[0]!.seq !== size + 1) break
        const append = this.db.transaction(() => {
          // Read again under the write lock: another process may have appended meanwhile.
          let next = this.size(orgId)
          for (const row of rows) {
            if (row.seq !== next + 1) continue
            this.appendInTransaction(orgId, row.seq, canonicalBytes(parseAuditJson(events.toJson(row))))
            next++
          }
          return next
        })
        const grown = append.immediate()
        if (grown === size) break
        size = grown
      }
    }
  }

  /** The tree's size, or a 409 when the tree does not cover the whole log. */
  private completeSize(orgId: string): number {
    const size = this.size(orgId)
    if (size !== this.lastSeq(orgId)) {
      throw new HttpError(
        409,
        'conflict',
        'This org has no Merkle tree: its oldest events were pruned before this ledger kept one, so no checkpoint ' +
          'or proof can cover its log.',
      )
    }
    return size
  }

  /** A freshly signed checkpoint of the org's log as it stands, or of its first `size` leaves. */
  checkpoint(orgId: string, size = this.completeSize(orgId)): CheckpointJson {
    const key = this.keys.active()
    const time = this.now()
    const origin = this.originOf(orgId)
    const rootHash = this.tree.root(orgId, size)
    const note = signCheckpoint({ origin, size, rootHash, time }, key.privateKey, Buffer.from(key.publicKey, 'hex'))
    const answer: CheckpointJson = {
      checkpoint: note,
      origin,
      size,
      root_hash: toBase64(rootHash),
      time: new Date(time).toISOString(),
    }
    // A reader who walks the remaining events (Verify entire log) needs the pruned prefix's
    // subtree roots to recompute this root; an export carries the same in its trailer.
    const pruned = this.prunedPrefix(orgId, size)
    if (pruned) answer.pruned = pruned
    return answer
  }

  /** RFC 9162 §2.1.4 consistency proof between two sizes of the org's log. */
  consistency(orgId: string, first: number, second: number): { proof: string[] } {
    const size = this.completeSize(orgId)
    if (first > second || second > size) {
      throw badRequest(`first and second must satisfy 0 <= first <= second <= ${size} (the log's size).`)
    }
    return { proof: this.tree.consistencyProof(orgId, first, second).map(toBase64) }
  }

  /** RFC 9162 §2.1.3 inclusion proof of the event with `seq` in the tree of `size` leaves. */
  inclusion(orgId: string, seq: number, size: number | null): { index: number; size: number; proof: string[] } {
    const current = this.completeSize(orgId)
    const n = size ?? current
    if (n < seq || n > current)
      throw badRequest(`size must be from ${seq} (the event's seq) to ${current} (the log's size).`)
    return { index: seq - 1, size: n, proof: this.tree.inclusionProof(orgId, seq - 1, n).map(toBase64) }
  }

  /** Whether the tree covers the org's whole log (so exports can carry a checkpoint). */
  covers(orgId: string): boolean {
    return this.size(orgId) === this.lastSeq(orgId)
  }

  /**
   * What stands for the events retention removed, in a log of `size`: the newest marker's seqs,
   * their subtree roots, and the marker itself (readers accept the prefix only when it verifies).
   */
  prunedPrefix(orgId: string, size: number): PrunedJson | null {
    const marker = this.pruneMarker(orgId)
    if (!marker || marker.pruned_through_seq > size) return null
    const through = marker.pruned_through_seq
    return { through_seq: through, frontier: this.frontier(orgId, through), marker }
  }

  /** The frontier of the first `size` leaves, base64 (for an export's pruned prefix). */
  frontier(orgId: string, size: number): string[] {
    return this.tree.frontier(orgId, size).map(toBase64)
  }
}
