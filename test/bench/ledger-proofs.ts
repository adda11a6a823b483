/**
 * Proof timings for the ledger bench: RFC 9162 consistency proofs (§2.1.4) from a random
 * earlier size to the log's size, and inclusion proofs (§2.1.3) of random events at the log's
 * size, served by the ledger over HTTP (the routes clients call) and in-process (the tree
 * alone, no HTTP or JSON). Sizes and events come from a seeded generator so runs compare.
 * `proof_ms_1m` is the consistency proof's p50 over HTTP: the goal is at most 5 ms.
 */
import { canonicalBytes, createWebCryptoBackend, parseAuditJson } from '../../src/core/index.js'
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/core/proof/merkle.js'
import { fromBase64 } from '../../src/protocol/base64.js'
import type { Ledger } from '../../src/ledger/ledger.js'

/** How many of the served proofs are also checked, outside the timings, with core's verifiers. */
const CHECKED = 50

const RUNS = 300
const WARM_UP = 20

/** The value at quantile `q` (0..1) of `samples`, nearest rank. */
function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}

/** A small seeded generator (mulberry32), so every run asks for the same proofs. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function sample(run: (i: number) => Promise<void> | void): Promise<{ p50: number; p95: number }> {
  const samples: number[] = []
  for (let i = 0; i < RUNS + WARM_UP; i++) {
    const start = performance.now()
    await run(i)
    if (i >= WARM_UP) samples.push(performance.now() - start)
  }
  const round = (ms: number) => Number(ms.toFixed(3))
  return { p50: round(quantile(samples, 0.5)), p95: round(quantile(samples, 0.95)) }
}

/** A proof must be what RFC 9162 sizes it at: hashes of 32 bytes, at most 2·log2(n) of them. */
function check(proof: unknown, what: string): void {
  if (!Array.isArray(proof) || proof.length > 64 || proof.some((h) => fromBase64(String(h))?.length !== 32))
    throw new Error(`${what}: not a proof`)
}

export async function timeProofs(ledger: Ledger, orgId: string, url: string, auth: Record<string, string>) {
  const size = ledger.log.size(orgId)
  const r = random(14)
  const firsts = Array.from({ length: RUNS + WARM_UP }, () => 1 + Math.floor(r() * (size - 1)))
  const seqs = Array.from({ length: RUNS + WARM_UP }, () => 1 + Math.floor(r() * size))
  const idOf = ledger.db.prepare('SELECT id FROM events WHERE org_id = ? AND seq = ?')
  const ids = seqs.map((seq) => (idOf.get(orgId, seq) as { id: string }).id)

  const getJson = async (path: string) => {
    const response = await fetch(url + path, { headers: auth })
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`)
    return (await response.json()) as Record<string, unknown>
  }
  const consistencyHttp = await sample(async (i) =>
    check((await getJson(`/v1/audit/orgs/${orgId}/consistency?first=${firsts[i]}&second=${size}`)).proof, 'http'),
  )
  const inclusionHttp = await sample(async (i) =>
    check((await getJson(`/v1/audit/events/${ids[i]}/inclusion?size=${size}`)).proof, 'http'),
  )
  const verified = await verifyServed(ledger, orgId, size, firsts, ids, getJson)
  const consistency = await sample((i) => check(ledger.log.consistency(orgId, firsts[i]!, size).proof, 'tree'))
  const inclusion = await sample((i) => check(ledger.log.inclusion(orgId, seqs[i]!, size).proof, 'tree'))
  return {
    proof_log_size: size,
    proof_ms_1m: consistencyHttp.p50,
    proof_consistency_http_p50_ms: consistencyHttp.p50,
    proof_consistency_http_p95_ms: consistencyHttp.p95,
    proof_inclusion_http_p50_ms: inclusionHttp.p50,
    proof_inclusion_http_p95_ms: inclusionHttp.p95,
    proof_consistency_p50_ms: consistency.p50,
    proof_consistency_p95_ms: consistency.p95,
    proof_inclusion_p50_ms: inclusion.p50,
    proof_inclusion_p95_ms: inclusion.p95,
    proof_1m_verified: verified,
  }
}

/**
 * Check proofs served at this size with core's RFC 9162 verifiers (not the ledger's code that
 * made them): consistency against signed checkpoints of both sizes, inclusion from the leaf of
 * the event as the API serves it. Any failure stops the bench: a fast wrong proof is no figure.
 */
async function verifyServed(
  ledger: Ledger,
  orgId: string,
  size: number,
  firsts: number[],
  ids: string[],
  getJson: (path: string) => Promise<Record<string, unknown>>,
): Promise<string> {
  const backend = createWebCryptoBackend()
  const hashes = (proof: unknown) => (proof as string[]).map((h) => fromBase64(h)!)
  const rootOf = (n: number) => fromBase64(ledger.log.checkpoint(orgId, n).root_hash)!
  const root = rootOf(size)
  for (let i = 0; i < CHECKED; i++) {
    const first = firsts[i]!
    const { proof } = await getJson(`/v1/audit/orgs/${orgId}/consistency?first=${first}&second=${size}`)
    if (!(await verifyConsistency(backend, first, size, hashes(proof), rootOf(first), root)))
      throw new Error(`consistency ${first} -> ${size} does not verify`)
    const event = parseAuditJson(JSON.stringify(await getJson(`/v1/audit/events/${ids[i]}`)))
    const answer = await getJson(`/v1/audit/events/${ids[i]}/inclusion?size=${size}`)
    const leaf = await leafHash(backend, canonicalBytes(event))
    if (!(await verifyInclusion(backend, Number(answer.index), size, leaf, hashes(answer.proof), root)))
      throw new Error(`inclusion of ${ids[i]} at ${size} does not verify`)
  }
  return `${CHECKED} consistency and ${CHECKED} inclusion proofs verified`
}
