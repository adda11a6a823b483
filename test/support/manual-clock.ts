/**
 * A clock and timers that move only when a test says so, for code that takes `now`,
 * `setTimeout` and `clearTimeout` as options (STYLE.md habit 2): retries and timeouts are
 * stepped by hand instead of slept through.
 */
export class ManualClock {
  private time: number
  private nextId = 1
  private readonly timers = new Map<number, { at: number; run: () => void }>()

  constructor(start = Date.parse('2026-11-20T12:00:00.000Z')) {
    this.time = start
  }

  now = (): number => this.time

  setTimeout = (run: () => void, ms: number): unknown => {
    const id = this.nextId++
    this.timers.set(id, { at: this.time + Math.max(0, ms), run })
    return id
  }

  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number)
  }

  /** Move time forward by `ms`, running every timer that falls due, earliest first. */
  advance(ms: number): void {
    const target = this.time + ms
    for (;;) {
      let due: [number, { at: number; run: () => void }] | undefined
      for (const entry of this.timers) if (entry[1].at <= target && (!due || entry[1].at < due[1].at)) due = entry
      if (!due) break
      this.timers.delete(due[0])
      this.time = due[1].at
      due[1].run()
    }
    this.time = target
  }
}
