/** The ledger's stored Merkle tree gives RFC 6962's roots and proofs, from stored nodes only. */
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/ledger/database.js'
import { MerkleTree, merkleLeafHash } from '../../src/ledger/merkle-tree.js'
import { leaves, mth, path, subproof } from '../support/rfc6962.js'

function treeOf(n: number) {
  const db = openDatabase(':memory:')
  const tree = new MerkleTree(db)
  const data = leaves(n)
  db.transaction(() => data.forEach((leaf, i) => tree.appendInTransaction('aorg_1', i, merkleLeafHash(leaf))))()
  return { db, tree, data }
}

const hex = (hashes: Uint8Array[]) => hashes.map((h) => Buffer.from(h).toString('hex'))

describe('MerkleTree', () => {
  it('has the RFC root for every size, read back from the stored nodes', () => {
    const { tree, data } = treeOf(70)
    expect(tree.size('aorg_1')).toBe(70)
    expect(tree.size('aorg_2')).toBe(0)
    for (let n = 0; n <= 70; n++)
      expect(hex([tree.root('aorg_1', n)]), `size ${n}`).toEqual(hex([mth(data.slice(0, n))]))
  })

  it('serves the RFC inclusion path of every leaf at every size up to 64', () => {
    const { tree, data } = treeOf(64)
    for (let n = 1; n <= 64; n++) {
      for (let m = 0; m < n; m++) {
        expect(hex(tree.inclusionProof('aorg_1', m, n)), `leaf ${m} of ${n}`).toEqual(hex(path(m, data.slice(0, n))))
      }
    }
  })

  it('serves the RFC consistency proof between every pair of sizes up to 64', () => {
    const { tree, data } = treeOf(64)
    for (let n = 1; n <= 64; n++) {
      for (let m = 0; m <= n; m++) {
        const expected = m === 0 ? [] : subproof(m, data.slice(0, n), true)
        expect(hex(tree.consistencyProof('aorg_1', m, n)), `${m} -> ${n}`).toEqual(hex(expected))
      }
    }
  })

  it('stores at most log2(n) + 1 rows per leaf and refuses to change or delete them', () => {
    const { db, tree } = treeOf(64)
    const count = (db.prepare('SELECT COUNT(*) AS c FROM merkle_nodes').get() as { c: number }).c
    expect(count).toBe(127) // a perfect tree of 64 leaves
    expect(() => db.prepare('DELETE FROM merkle_nodes WHERE level = 0 AND idx = 3').run()).toThrow(/append-only/)
    expect(() => db.prepare("UPDATE merkle_nodes SET hash = x'00' WHERE level = 6").run()).toThrow(/append-only/)
    expect(() => tree.appendInTransaction('aorg_1', 10, merkleLeafHash(new Uint8Array(1)))).toThrow(/UNIQUE|constraint/)
  })
})
