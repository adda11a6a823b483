/**
 * Each org's log as an RFC 6962 Merkle tree kept in the database, so that roots and proofs are
 * read, never rebuilt: a proof at 1,000,000 events is a few dozen point reads.
 *
 * Only perfect subtrees are stored: node (level, index) covers leaves
 * [index * 2^level, (index + 1) * 2^level). Appending leaf i writes the leaf and every perfect
 * subtree it completes (at most log2(n) + 1 rows), in the caller's transaction, so the tree can
 * never disagree with the events. Any other subtree hash is composed from stored ones by
 * RFC 6962's split (the largest power of two below the size goes left), which keeps every
 * left part perfect and aligned.
 *
 * Rows are append-only like events: retention removes old events, never their leaves, so
 * proofs about pruned events still verify against old and new checkpoints.
 */
import { createHash } from 'node:crypto'
import { statements, type Db } from './database.js'

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest()
}
const LEAF = Uint8Array.of(0)
const NODE = Uint8Array.of(1)

/** `SHA-256(0x00 || bytes)`: the leaf hash of an event's canonical bytes. */
export function merkleLeafHash(canonicalBytes: Uint8Array): Buffer {
  return sha256(LEAF, canonicalBytes)
}

/** The largest power of two smaller than `n` (n >= 2). */
function split(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

export class MerkleTree {
  private readonly sql: ReturnType<typeof statements>

  constructor(db: Db) {
    this.sql = statements(db)
  }

  /** Leaves stored for an org: the tree's current size. */
  size(orgId: string): number {
    const row = this.sql('SELECT MAX(idx) AS last FROM merkle_nodes WHERE org_id = ? AND level = 0').get(orgId) as {
      last: number | null
    }
    return row.last === null ? 0 : row.last + 1
  }

  /**
   * Append the leaf at `index` (which must be the current size; the caller holds the write
   * transaction that assigns seq), with the perfect subtrees it completes.
   */
  appendInTransaction(orgId: string, index: number, leafHash: Uint8Array): void {
    const insert = this.sql('INSERT INTO merkle_nodes (org_id, level, idx, hash) VALUES (?, ?, ?, ?)')
    insert.run(orgId, 0, index, leafHash)
    let hash: Uint8Array = leafHash
    let level = 0
    let idx = index
    while (idx % 2 === 1) {
      hash = sha256(NODE, this.node(orgId, level, idx - 1), hash)
      level++
      idx = (idx - 1) / 2
      insert.run(orgId, level, idx, hash)
    }
  }

  private node(orgId: string, level: number, idx: number): Buffer {
    const row = this.sql('SELECT hash FROM merkle_nodes WHERE org_id = ? AND level = ? AND idx = ?').get(
      orgId,
      level,
      idx,
    ) as { hash: Buffer } | undefined
    if (!row) throw new Error(`merkle_nodes is missing node ${level}/${idx} of ${orgId}`)
    return row.hash
  }

  /** MTH of the `n` leaves from `start`, a subtree met on RFC 6962's split from the root. */
  private subtree(orgId: string, start: number, n: number): Buffer {
    // A perfect, aligned subtree is stored.
    if ((n & (n - 1)) === 0 && start % n === 0) return this.node(orgId, Math.log2(n), start / n)
    const k = split(n)
    return sha256(NODE, this.subtree(orgId, start, k), this.subtree(orgId, start + k, n - k))
  }

  /**
   * The roots of the perfect subtrees that cover the first `size` leaves, largest first (one per
   * set bit of `size`): what a reader needs, with the leaves after them, to recompute the root
   * when the first `size` events were pruned.
   */
  frontier(orgId: string, size: number): Buffer[] {
    const out: Buffer[] = []
    let start = 0
    for (let bit = 2 ** Math.floor(Math.log2(Math.max(size, 1))); bit >= 1; bit /= 2) {
      if (size - start >= bit) {
        out.push(this.node(orgId, Math.log2(bit), start / bit))
        start += bit
      }
    }
    return out
  }

  /** The root hash of the first `size` leaves (`SHA-256("")` for an empty tree). */
  root(orgId: string, size: number): Buffer {
    return size === 0 ? sha256() : this.subtree(orgId, 0, size)
  }

  /** RFC 6962 §2.1.1 PATH(index, D[size]): the audit path of one leaf, leaf side first. */
  inclusionProof(orgId: string, index: number, size: number): Buffer[] {
    let start = 0
    let n = size
    let m = index
    const siblings: Buffer[] = []
    while (n > 1) {
      const k = split(n)
      if (m < k) {
        siblings.push(this.subtree(orgId, start + k, n - k))
        n = k
      } else {
        siblings.push(this.subtree(orgId, start, k))
        start += k
        m -= k
        n -= k
      }
    }
    // PATH lists the deepest sibling first.
    return siblings.reverse()
  }

  /** RFC 6962 §2.1.2 PROOF(first, D[second]): that the first tree is a prefix of the second. */
  consistencyProof(orgId: string, first: number, second: number): Buffer[] {
    if (first === 0 || first === second) return []
    const proof: Buffer[] = []
    let start = 0
    let n = second
    let m = first
    let whole = true
    // SUBPROOF(m, D[start:start+n], whole), unrolled: the recursion is a single descent.
    while (m !== n) {
      const k = split(n)
      if (m <= k) {
        proof.push(this.subtree(orgId, start + k, n - k))
        n = k
      } else {
        proof.push(this.subtree(orgId, start, k))
        start += k
        m -= k
        n -= k
        whole = false
      }
    }
    if (!whole) proof.push(this.subtree(orgId, start, n))
    // SUBPROOF appends on the way back up, so the deepest part comes first.
    return proof.reverse()
  }
}
