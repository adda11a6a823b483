/** The platform pieces the client uses, injectable so tests step time and network by hand. */
import { abortError } from './audit-error.js'

export interface Platform {
  fetch: typeof fetch
  /** Epoch milliseconds. */
  now: () => number
  /** Resolve after `ms`, or reject with an `aborted` AuditError when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** In [0, 1), for retry jitter. */
  random: () => number
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal))
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortError(signal))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export function platform(options: Partial<Platform>): Platform {
  return {
    // Bound lazily: reading globalThis.fetch at import time would break "no globals at import".
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    now: options.now ?? Date.now,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
  }
}
