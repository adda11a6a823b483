/**
 * Verify entire log (issue 14): walk every event of the org, newest to oldest, checking each
 * signature with the viewer's verifier (Web Workers) and collecting each event's RFC 6962 leaf
 * hash by seq ({@link ExportCompleteness}, 32 bytes a leaf, the events themselves dropped page
 * by page), then check that seqs 1..N are all there exactly once and that the leaves reproduce
 * the checkpoint's root (RFC 9162 section 2.1.1). Cancelled through an AbortSignal.
 */
import type { AuditClient, EventPage } from '../log/client.js'
import type { AuditEvent, VerificationStatus } from '../types.js'
import type { CryptoBackend } from '../verify/crypto.js'
import type { PrunedPrefix } from '../../protocol/proofs.js'
import type { CheckpointTrust } from './checkpoint.js'
import { ExportCompleteness, type CompletenessProblem, type ProvePruned } from './export-check.js'
import { seqOf } from './seen-events.js'

export interface LogWalkOptions {
  client: Pick<AuditClient, 'listEvents' | 'platform'>
  /** The checkpoint note to check the walk against (the monitor's, already verified once). */
  checkpoint: string
  /** Its size: events appended since are verified but are not leaves of its tree. */
  size: number
  /**
   * Seqs 1..N removed by retention, with the subtree roots that stand for them (the checkpoint
   * answer's `pruned`): the walk then starts its tree from them, so a pruned head is neither
   * missing nor a mismatch. Unverified until the root they lead to matches the checkpoint's.
   */
  pruned?: PrunedPrefix | null
  /** Checks the pruned prefix's marker against the pinned keys (see {@link pruneProver}). */
  provePruned?: ProvePruned
  trust: CheckpointTrust
  backend: CryptoBackend
  /** The canonical bytes of an event whose verdict came without a leaf hash. */
  canonicalBytes: (event: AuditEvent) => Uint8Array
  /**
   * Each event's verdict, in order (the viewer's verifier): its status, and its RFC 6962 leaf
   * hash when the verifier computed one from the very bytes whose signature it checked
   * (`Verifier.verifyWithLeaves`); without one the walk hashes `canonicalBytes` itself.
   */
  verify: (events: readonly AuditEvent[]) => Promise<readonly (WalkVerdict | undefined)[]>
  /** Events per page (default 200, the API's most). */
  pageSize?: number
  signal?: AbortSignal
  onProgress?: (walked: number) => void
}

/** One event's verdict for the walk: a `VerificationResult` fits. */
export interface WalkVerdict {
  status: VerificationStatus
  leafHash?: Uint8Array | null
}

/**
 * Pages being checked at once. One page (200 events, about 3 batches of 64) at a time left
 * the workers idle while the last batch of each page finished and the next was sent; two keep
 * them fed. More only hold more events in memory: on 2 cores the workers are the bound.
 */
const PAGES_CHECKED_AT_ONCE = 2

/** What the walk found. */
export interface LogWalkReport {
  /** Events walked (newer events than the checkpoint included). */
  walked: number
  verified: number
  tampered: number
  untrusted: number
  /** Unpinned or malformed: checked, but not proven by a pinned key. */
  other: number
  /** Seqs of 1..size never seen. */
  missing: number
  /** Whether the leaves reproduce the checkpoint's root (false when any seq is missing). */
  rootMatches: boolean
  problems: CompletenessProblem[]
  /** Milliseconds, by the client's clock. */
  ms: number
}

/** Walk the whole log; rejects only when aborted, or when a page cannot be fetched or checked. */
export async function walkLog(options: LogWalkOptions): Promise<LogWalkReport> {
  const { client, backend, signal } = options
  const started = client.platform.now()
  const completeness = new ExportCompleteness(backend)
  const counts = { walked: 0, verified: 0, tampered: 0, untrusted: 0, other: 0 }
  const limit = options.pageSize ?? 200
  const fetchPage = (cursor: string | null): Promise<EventPage> => {
    const page = client.listEvents({ limit, cursor }, { ...(signal ? { signal } : {}) })
    page.catch(() => {}) // its failure is reported where it is raced, or moot once the walk has failed
    return page
  }
  const checkPage = async (events: readonly AuditEvent[]) => {
    const verdicts = await options.verify(events)
    await Promise.all(
      events.map(async (event, i) => {
        const seq = seqOf(event)
        if (seq > options.size) return
        const leaf = verdicts[i]?.leafHash
        if (leaf) completeness.addLeaf({ seq, id: event.id }, leaf)
        else await completeness.add({ seq, id: event.id }, options.canonicalBytes(event))
      }),
    )
    for (const verdict of verdicts) {
      const status = verdict?.status
      if (status === 'verified') counts.verified++
      else if (status === 'tampered') counts.tampered++
      else if (status === 'untrusted') counts.untrusted++
      else counts.other++
    }
    counts.walked += events.length
    if (!over) options.onProgress?.(counts.walked)
  }
  // Pages are fetched one after another (each names the next), the next one downloading while
  // up to PAGES_CHECKED_AT_ONCE are checked. A page's check is in flight while the loop awaits
  // something else, so its failure (and an abort) is caught when it happens and ends the walk at
  // the next await: left for a later race it was an unhandled rejection, and one more page was
  // fetched first.
  let fail!: (error: unknown) => void
  const failed = new Promise<never>((_, reject) => (fail = reject))
  failed.catch(() => {}) // raced below
  const onAbort = () => fail(signal!.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  const checking = new Set<Promise<void>>()
  /** Set once the walk has ended: a page still being checked then reports no progress. */
  let over = false
  let next: ReturnType<typeof fetchPage> | null = fetchPage(null)
  try {
    signal?.throwIfAborted()
    while (next) {
      const page: EventPage = await Promise.race([next, failed])
      next = page.nextCursor ? fetchPage(page.nextCursor) : null
      const checked: Promise<void> = checkPage(page.events).then(() => void checking.delete(checked), fail)
      checking.add(checked)
      if (checking.size >= PAGES_CHECKED_AT_ONCE) await Promise.race([...checking, failed])
    }
    await Promise.race([Promise.all(checking), failed])
  } finally {
    over = true
    signal?.removeEventListener('abort', onAbort)
  }
  const report = await completeness.check(
    { checkpoint: options.checkpoint, inclusion: null, pruned: options.pruned ?? null },
    options.trust,
    undefined,
    options.provePruned,
  )
  const missing = report.problems.reduce((sum, p) => sum + (p.kind === 'seq-missing' ? p.to - p.from + 1 : 0), 0)
  return {
    ...counts,
    missing,
    rootMatches:
      report.checkpoint !== null && !report.problems.some((p) => p.kind === 'root-mismatch') && missing === 0,
    problems: report.problems,
    ms: client.platform.now() - started,
  }
}
