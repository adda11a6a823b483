/**
 * The ledger's log lines for refused stream targets, kept few. Why a host was refused (it did
 * not resolve, or resolved to a private address) goes to the operator's log only (send.ts,
 * `NO_PUBLIC_ADDRESS`), and whoever may create a stream, a `log_streams` portal session
 * included, can make a refusal happen at will with `POST .../test`. One line per refusal would
 * let them fill the ledger's log, so a stream's refusal is logged once until its outcome changes
 * (another reason, or a delivery that got past the guard), and never more often than once per
 * `intervalMs` per stream, so that a host whose DNS flips between answers cannot make every
 * other call a new line either.
 */

/** At most one refusal line per stream per this long (10 minutes). */
export const REFUSAL_LOG_INTERVAL_MS = 10 * 60 * 1000

interface Logged {
  /** The refusal last logged, or null once an outcome other than a refusal followed it. */
  detail: string | null
  at: number
}

export class RefusalLog {
  private readonly logged = new Map<string, Logged>()

  constructor(
    private readonly warn: (line: string) => void,
    private readonly now: () => number,
    private readonly intervalMs = REFUSAL_LOG_INTERVAL_MS,
  ) {}

  /** A delivery to `streamId` was refused for `detail`: log it unless it is already in the log. */
  refused(streamId: string, detail: string): void {
    const last = this.logged.get(streamId)
    const now = this.now()
    if (last && (last.detail === detail || now - last.at < this.intervalMs)) return
    this.logged.set(streamId, { detail, at: now })
    this.warn(`auditlens: stream ${streamId}: no public address: ${detail}`)
  }

  /** A delivery to `streamId` got past the guard (any answer or network error): the next refusal is news. */
  passed(streamId: string): void {
    const last = this.logged.get(streamId)
    if (last) last.detail = null
  }

  /** The stream was deleted. */
  forget(streamId: string): void {
    this.logged.delete(streamId)
  }
}
