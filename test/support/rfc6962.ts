/**
 * RFC 6962 §2.1's recursive definitions, written literally with node:crypto: MTH, PATH (§2.1.1)
 * and PROOF/SUBPROOF (§2.1.2). Slow and obviously right, for checking the fast code against
 * the RFC rather than against itself.
 */
import { createHash } from 'node:crypto'

export type Hash = Uint8Array

export const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256')
  for (const part of parts) h.update(part)
  return new Uint8Array(h.digest())
}
export const leafData = (i: number) => new TextEncoder().encode(`event ${i}`)
export const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafData(i))

/** k: the largest power of two smaller than n (RFC 6962 §2.1). */
function split(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** MTH(D[n]) of RFC 6962 §2.1. */
export function mth(d: Uint8Array[]): Hash {
  if (d.length === 0) return sha(new Uint8Array(0))
  if (d.length === 1) return sha(Uint8Array.of(0), d[0]!)
  const k = split(d.length)
  return sha(Uint8Array.of(1), mth(d.slice(0, k)), mth(d.slice(k)))
}

/** PATH(m, D[n]) of RFC 6962 §2.1.1. */
export function path(m: number, d: Uint8Array[]): Hash[] {
  if (d.length <= 1) return []
  const k = split(d.length)
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))]
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 6962 §2.1.2. */
export function subproof(m: number, d: Uint8Array[], b: boolean): Hash[] {
  const n = d.length
  if (m === n) return b ? [] : [mth(d)]
  const k = split(n)
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))]
}
