'use client'
/**
 * The keys the provider pins when the host gives none: fetched from the proxy's `/keys`,
 * retried with capped exponential backoff and full jitter (AWS Architecture Blog,
 * "Exponential Backoff and Jitter"), and on failure a state of its own. A failed fetch must
 * never look like "the proxy pins no keys": badges would quietly say "Unpinned key" for the
 * rest of the session, which reads as a property of the events rather than of the network.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { AuditError, KeyRing, type AuditClient, type TrustedKeyInput } from '../core/index.js'

/** Where the pinned keys stand; `given` when the host passed `trustedKeys`. */
export type KeysState =
  | { status: 'given' }
  | { status: 'loading'; attempt: number }
  | { status: 'ready'; keys: readonly TrustedKeyInput[] }
  | { status: 'failed'; error: AuditError }

/** What failed, for `onError`: the key fetch, an event fetched by id, live tail, a download. */
export type AuditLogErrorSource = 'keys' | 'event' | 'live-tail' | 'download'

/** How often and how patiently the key fetch is retried (on top of the client's own retries). */
export const KEY_RETRY = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 } as const

/**
 * Fetched keys are data from the network: one that cannot be pinned (a malformed window, a
 * small-order point) makes them unavailable, where the host's own `trustedKeys` would be a
 * configuration error raised in render. A hostile key list must not take the host's page down.
 */
async function usableKeys(keys: readonly TrustedKeyInput[]): Promise<void> {
  try {
    await new KeyRing(keys).usable()
  } catch (error) {
    throw new AuditError('upstream', 'The audit service published signing keys that cannot be pinned.', {
      cause: error,
      retryable: false,
    })
  }
}

/** The wait before retry number `attempt` (1-based): full jitter over a capped exponential. */
export function keyRetryDelay(attempt: number, random: () => number): number {
  return Math.min(KEY_RETRY.maxDelayMs, KEY_RETRY.baseDelayMs * 2 ** (attempt - 1)) * random()
}

/**
 * Fetch the keys through `client` unless `given`; sleeps and jitter come from the client's
 * platform, so tests step them by hand. `onFailed` hears the final failure once per run.
 */
export function usePinnedKeys(
  client: AuditClient,
  given: readonly TrustedKeyInput[] | undefined,
  onFailed: (error: AuditError) => void,
): { state: KeysState; retry: () => void } {
  // Kept with the client it belongs to: an org switch must not show the old org's keys.
  const [fetched, setFetched] = useState<{ client: AuditClient; state: KeysState } | null>(null)
  const [run, setRun] = useState(0)
  const wanted = given === undefined
  // The newest reporter, read when a run fails: a new onFailed must not refetch.
  const latestOnFailed = useRef(onFailed)
  latestOnFailed.current = onFailed
  useEffect(() => {
    if (!wanted) return
    const controller = new AbortController()
    const { signal } = controller
    const { sleep, random } = client.platform
    const set = (state: KeysState) => !signal.aborted && setFetched({ client, state })
    void (async () => {
      for (let attempt = 1; ; attempt++) {
        set({ status: 'loading', attempt })
        try {
          const keys = await client.getKeys({ signal })
          await usableKeys(keys)
          return set({ status: 'ready', keys })
        } catch (error) {
          if (signal.aborted) return
          const failure = AuditError.from(error, 'The signing keys could not be loaded.')
          if (!failure.retryable || attempt >= KEY_RETRY.attempts) {
            set({ status: 'failed', error: failure })
            return latestOnFailed.current(failure)
          }
          // Rejects only when aborted (unmount or a new client), which ends this run.
          const waited = await sleep(keyRetryDelay(attempt, random), signal).then(
            () => true,
            () => false,
          )
          if (!waited) return
        }
      }
    })()
    return () => controller.abort()
  }, [client, wanted, run])
  const retry = useCallback(() => setRun((count) => count + 1), [])
  const state: KeysState = !wanted
    ? { status: 'given' }
    : fetched?.client === client
      ? fetched.state
      : { status: 'loading', attempt: 1 }
  return { state, retry }
}
