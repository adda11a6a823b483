/**
 * Live tail's poll for the log model: a timer that asks the event store for events above the
 * head. A new run (switched back on, a new interval or new timers) forgets the old one's
 * failures and drops its late answers. It loads on demand with the window's code
 * (page-window.ts, requested once the first page is shown: the poll runs only while rows are
 * shown); the state a view shows for it (on, the last failure, the unseen count) is the model's.
 */
import type { AuditError } from './audit-error.js'

export interface LiveTailState {
  /** Whether the log polls for newer events (as last set through `setOptions`). */
  on: boolean
  /** The last poll failed; the next one tries again. */
  failure: AuditError | null
  /** Events that arrived while the reader was away from the head (for a "new events" pill). */
  unseen: number
}

/** A `setInterval` / `clearInterval` pair: the global one by default, a hand-stepped one in tests. */
export interface IntervalTimers {
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

const globalTimers: IntervalTimers = {
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>),
}

export interface TailPoll {
  /** Run the poll when `wanted`, restarted on another interval or timers; stopped otherwise. */
  sync(wanted: boolean, intervalMs: number, timers?: IntervalTimers): void
  stop(): void
}

export function createTailPoll(hooks: {
  /** Events added above the head, as the event store's `refreshHead` answers. */
  refreshHead(): Promise<number>
  /** Whether the reader is away from the head, so arrivals count as unseen. */
  isAway(): boolean
  /** A poll's answer: `added` events, while the reader was `away` or not. */
  polled(added: number, away: boolean): void
  /** A poll failed; `first` for the first failure of a run of failures. */
  failed(error: unknown, first: boolean): void
}): TailPoll {
  let timer: { handle: unknown; timers: IntervalTimers; intervalMs: number } | null = null
  let run = 0

  function stop(): void {
    timer?.timers.clearInterval(timer.handle)
    timer = null
    run++
  }

  function start(intervalMs: number, timers: IntervalTimers): void {
    const mine = ++run
    let failing = false
    const tick = () => {
      const away = hooks.isAway()
      hooks.refreshHead().then(
        (added) => {
          if (mine !== run) return
          failing = false
          hooks.polled(added, away)
        },
        (error: unknown) => {
          if (mine !== run) return
          hooks.failed(error, !failing)
          failing = true
        },
      )
    }
    timer = { handle: timers.setInterval(tick, intervalMs), timers, intervalMs }
  }

  return {
    stop,
    sync(wanted, intervalMs, timers = globalTimers) {
      if (timer && (!wanted || timer.intervalMs !== intervalMs || timer.timers !== timers)) stop()
      if (wanted && !timer) start(intervalMs, timers)
    },
  }
}
