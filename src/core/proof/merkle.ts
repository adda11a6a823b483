/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and proof verification, over the crypto backend the
 * verifier already has (so it adds no dependency and works with WebCrypto or noble alike).
 *
 * Leaf `i` of an org's log is the event with `seq = i + 1`; its leaf hash is
 * `SHA-256(0x00 || canonical bytes)` over the same `invoance.audit/1` bytes that are signed, and
 * an interior node is `SHA-256(0x01 || left || right)` (RFC 9162 §2.1.1).
 *
 * Written by hand rather than taken from a library: the algorithms are a few lines each in the
 * RFC, and following its steps literally (§2.1.3.2, §2.1.4.2) is what makes them checkable.
 * Sizes and indexes are plain numbers (exact to 2^53), halved with arithmetic rather than
 * 32-bit shifts.
 */
import { concatBytes } from '../bytes.js'
import type { CryptoBackend } from '../verify/crypto.js'

/** A SHA-256 hash: 32 bytes. */
export type Hash = Uint8Array

const LEAF = Uint8Array.of(0)
const NODE = Uint8Array.of(1)

/** `SHA-256(0x00 || data)`: the hash of a leaf. */
export function leafHash(backend: CryptoBackend, data: Uint8Array): Promise<Hash> {
  return backend.sha256(concatBytes([LEAF, data]))
}

/** `SHA-256(0x01 || left || right)`: the hash of an interior node. */
export function nodeHash(backend: CryptoBackend, left: Hash, right: Hash): Promise<Hash> {
  return backend.sha256(concatBytes([NODE, left, right]))
}

/** Whether two hashes are the same bytes. */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

const isOdd = (n: number) => n % 2 === 1
const half = (n: number) => Math.floor(n / 2)

/**
 * The root of a tree built leaf by leaf, in memory that grows with log2 of the size: each
 * entry of the frontier is a perfect subtree, largest first, as RFC 6962's split (the largest
 * power of two below the size goes left) produces them. For checking a whole export offline
 * without holding its leaves.
 */
export class MerkleFrontier {
  /** Roots of perfect subtrees, largest (leftmost) first, with their leaf counts. */
  private readonly frontier: { hash: Hash; leaves: number }[] = []
  private count = 0

  constructor(private readonly backend: CryptoBackend) {}

  /**
   * A frontier that continues from `size` leaves known only by their perfect subtrees (largest
   * first, one per set bit of `size`): how an export whose oldest events were pruned is still
   * checked against the whole tree. `null` when the hashes do not fit the size.
   */
  static resume(backend: CryptoBackend, size: number, subtrees: readonly Hash[]): MerkleFrontier | null {
    if (!Number.isSafeInteger(size) || size < 0) return null
    const sizes: number[] = []
    for (let rest = size, bit = 2 ** 52; bit >= 1; bit /= 2) {
      if (rest >= bit) {
        sizes.push(bit)
        rest -= bit
      }
    }
    if (sizes.length !== subtrees.length) return null
    const frontier = new MerkleFrontier(backend)
    sizes.forEach((leaves, i) => frontier.frontier.push({ hash: subtrees[i]!, leaves }))
    frontier.count = size
    return frontier
  }

  /** Leaves added so far. */
  get size(): number {
    return this.count
  }

  /** Add the next leaf, by its leaf hash. */
  async push(leaf: Hash): Promise<void> {
    let hash = leaf
    let leaves = 1
    // Two perfect subtrees of one size make one of twice the size.
    while (this.frontier.length > 0 && this.frontier.at(-1)!.leaves === leaves) {
      const left = this.frontier.pop()!
      hash = await nodeHash(this.backend, left.hash, hash)
      leaves *= 2
    }
    this.frontier.push({ hash, leaves })
    this.count++
  }

  /** The root hash of the leaves so far (`SHA-256("")` for none, RFC 9162 §2.1.1). */
  async root(): Promise<Hash> {
    if (this.frontier.length === 0) return this.backend.sha256(new Uint8Array(0))
    let hash = this.frontier.at(-1)!.hash
    for (let i = this.frontier.length - 2; i >= 0; i--)
      hash = await nodeHash(this.backend, this.frontier[i]!.hash, hash)
    return hash
  }
}

/**
 * Whether `proof` shows that the leaf with hash `leaf` is at `index` in the tree of `size`
 * leaves whose root is `root` (RFC 9162 §2.1.3.2, step by step).
 */
export async function verifyInclusion(
  backend: CryptoBackend,
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
  root: Hash,
): Promise<boolean> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of proof) {
    if (sn === 0) return false
    if (isOdd(fn) || fn === sn) {
      r = await nodeHash(backend, p, r)
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      r = await nodeHash(backend, r, p)
    }
    fn = half(fn)
    sn = half(sn)
  }
  return sn === 0 && sameHash(r, root)
}

/**
 * Whether `proof` shows that the tree of `size1` leaves with root `root1` is a prefix of the
 * tree of `size2` leaves with root `root2`: the log only grew (RFC 9162 §2.1.4.2). The RFC
 * defines proofs for `0 < size1 < size2`; as in Go's transparency-dev/merkle, equal sizes need
 * an empty proof and equal roots, and an empty first tree is a prefix of anything.
 */
export async function verifyConsistency(
  backend: CryptoBackend,
  size1: number,
  size2: number,
  proof: readonly Hash[],
  root1: Hash,
  root2: Hash,
): Promise<boolean> {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size1 > size2) return false
  if (size1 === size2) return proof.length === 0 && sameHash(root1, root2)
  if (size1 === 0) return proof.length === 0
  if (proof.length === 0) return false
  // Step 2: when the first tree is a perfect subtree of the second, its root starts the path.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof
  let fn = size1 - 1
  let sn = size2 - 1
  while (isOdd(fn)) {
    fn = half(fn)
    sn = half(sn)
  }
  let fr = path[0]!
  let sr = path[0]!
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (isOdd(fn) || fn === sn) {
      fr = await nodeHash(backend, c, fr)
      sr = await nodeHash(backend, c, sr)
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      sr = await nodeHash(backend, sr, c)
    }
    fn = half(fn)
    sn = half(sn)
  }
  return sn === 0 && sameHash(fr, root1) && sameHash(sr, root2)
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && !isOdd(n)) n = half(n)
  return n === 1
}
