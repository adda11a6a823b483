/**
 * The completeness extension's wire shapes (auditlens extensions to Invoance's API): the
 * checkpoint, consistency and inclusion answers, and the trailer line of NDJSON exports. Hashes
 * are standard base64 of 32 bytes, as in C2SP checkpoints. Each decoder turns what arrived into
 * a typed value or `null`; nothing from the network is cast.
 */
import { fromBase64 } from './base64.js'

/** At most this many hashes in one proof: log2 of 2^53 leaves, twice over, is far below. */
const MAX_PROOF_HASHES = 128

/** `GET /v1/audit/orgs/{org}/checkpoint`. */
export interface CheckpointAnswer {
  /** The C2SP signed note. */
  checkpoint: string
  /**
   * When retention removed the oldest events: what lets a reader who walks the rest recompute
   * the root anyway (unverified until that root matches the signed checkpoint's).
   */
  pruned?: PrunedPrefix | null
}

/** `GET /v1/audit/events/{id}/inclusion?size=N`, and one entry of a trailer's `inclusion`. */
export interface InclusionAnswer {
  /** 0-based leaf index (seq - 1). */
  index: number
  size: number
  proof: Uint8Array[]
}

/** What lets an export whose oldest events were pruned by retention still be checked whole. */
export interface PrunedPrefix {
  /** Events 1..through_seq were removed by policy. */
  through_seq: number
  /** Roots of the perfect subtrees covering leaves [0, through_seq), largest first. */
  frontier: Uint8Array[]
  /**
   * The signed `auditlens.prune/1` marker that says seqs 1..through_seq were removed by policy,
   * as served (decoded and checked against pinned keys by whoever relies on the prefix): without
   * one that verifies, "pruned" is only a claim, and anyone could delete a log's head and say so.
   */
  marker: unknown
}

/** The last line of an NDJSON export. */
export interface ExportTrailer {
  checkpoint: string
  /** For filtered exports: the proof that each exported event is in the checkpoint's tree. */
  inclusion: Map<string, InclusionAnswer> | null
  pruned: PrunedPrefix | null
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0

/** A list of base64 hashes, or `null`. */
export function decodeHashes(value: unknown): Uint8Array[] | null {
  if (!Array.isArray(value) || value.length > MAX_PROOF_HASHES) return null
  const out: Uint8Array[] = []
  for (const item of value) {
    const bytes = typeof item === 'string' ? fromBase64(item) : null
    if (!bytes || bytes.length !== 32) return null
    out.push(bytes)
  }
  return out
}

export function decodeCheckpointAnswer(value: unknown): CheckpointAnswer | null {
  if (!isRecord(value) || typeof value.checkpoint !== 'string') return null
  if (value.pruned === undefined || value.pruned === null) return { checkpoint: value.checkpoint }
  const pruned = decodePruned(value.pruned)
  return pruned ? { checkpoint: value.checkpoint, pruned } : null
}

function decodePruned(value: unknown): PrunedPrefix | null {
  if (!isRecord(value) || !isCount(value.through_seq) || !isRecord(value.marker)) return null
  const frontier = decodeHashes(value.frontier)
  return frontier ? { through_seq: value.through_seq, frontier, marker: value.marker } : null
}

/** `GET /v1/audit/orgs/{org}/consistency?first=M&second=N` answers `{proof: [...]}`. */
export function decodeConsistencyAnswer(value: unknown): Uint8Array[] | null {
  return isRecord(value) ? decodeHashes(value.proof) : null
}

export function decodeInclusionAnswer(value: unknown): InclusionAnswer | null {
  if (!isRecord(value) || !isCount(value.index) || !isCount(value.size) || value.index >= value.size) return null
  const proof = decodeHashes(value.proof)
  return proof ? { index: value.index, size: value.size, proof } : null
}

/** Decode an export's trailer line, or `null` when any part of it is not what a trailer holds. */
export function decodeExportTrailer(value: unknown): ExportTrailer | null {
  if (!isRecord(value) || typeof value.checkpoint !== 'string') return null
  for (const key of Object.keys(value)) if (!['checkpoint', 'inclusion', 'pruned'].includes(key)) return null
  let inclusion: Map<string, InclusionAnswer> | null = null
  if (value.inclusion !== undefined) {
    if (!isRecord(value.inclusion)) return null
    inclusion = new Map()
    for (const [id, entry] of Object.entries(value.inclusion)) {
      const decoded = decodeInclusionAnswer(entry)
      if (!decoded) return null
      inclusion.set(id, decoded)
    }
  }
  let pruned: PrunedPrefix | null = null
  if (value.pruned !== undefined) {
    pruned = decodePruned(value.pruned)
    if (!pruned) return null
  }
  return { checkpoint: value.checkpoint, inclusion, pruned }
}
