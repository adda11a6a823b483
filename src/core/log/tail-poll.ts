/**
 * Live tail's poll for the log model: a timer that asks the event store for events above the
 * head, and the state a view shows for it (on, the last failure, the count of events that
 * arrived while the reader was away from the head). A new run (switched back on, a new
 * interval or new timers) forgets the old one's failures and drops its late answers.
 */
import { AuditError } from './audit-error.js'

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

export const globalTimers: IntervalTimers = {
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>),
}

export interface TailPoll {
  /** The current state: a new object whenever a member changes, else the same one. */
  readonly state: LiveTailState
  /** Run the poll when `wanted`, restarted on another interval or timers; stopped otherwise. */
  sync(wanted: boolean, intervalMs: number, timers: IntervalTimers): void
  /** Merge in a change of the state (e.g. `{on}`, or `{unseen: 0}` once the reader is back). */
  set(next: Partial<LiveTailState>): void
  stop(): void
}

export function createTailPoll(
  on: boolean,
  hooks: {
    /** Events added above the head, as the event store's `refreshHead` answers. */
    refreshHead(): Promise<number>
    /** Whether the reader is away from the head, so arrivals count as unseen. */
    isAway(): boolean
    /** Hears the first failure of a run of failures. */
    onError(error: AuditError): void
    /** After each poll's answer changed (or may have changed) the state. */
    onPolled(): void
  },
): TailPoll {
  let state: LiveTailState = { on, failure: null, unseen: 0 }
  let timer: { handle: unknown; timers: IntervalTimers; intervalMs: number } | null = null
  let run = 0

  function set(next: Partial<LiveTailState>): void {
    const merged = { ...state, ...next }
    if (merged.on !== state.on || merged.failure !== state.failure || merged.unseen !== state.unseen) state = merged
  }

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
          set({ failure: null, ...(added > 0 && away ? { unseen: state.unseen + added } : {}) })
          hooks.onPolled()
        },
        (error: unknown) => {
          if (mine !== run) return
          const failure = AuditError.from(error, 'Live updates failed.')
          set({ failure })
          if (!failing) hooks.onError(failure)
          failing = true
          hooks.onPolled()
        },
      )
    }
    timer = { handle: timers.setInterval(tick, intervalMs), timers, intervalMs }
  }

  return {
    get state() {
      return state
    },
    set,
    stop,
    sync(wanted, intervalMs, timers) {
      if (timer && (!wanted || timer.intervalMs !== intervalMs || timer.timers !== timers)) stop()
      if (!wanted) set({ failure: null })
      else if (!timer) start(intervalMs, timers)
    },
  }
}
