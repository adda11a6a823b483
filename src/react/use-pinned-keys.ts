'use client'
/**
 * The React side of the keys the provider pins when the host gives none: core's
 * loadPinnedKeys (fetch, retry with backoff, check) run per client, its state kept with the
 * client it belongs to, and a retry after a final failure.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { AuditClient, AuditError, TrustedKeyInput } from '../core/index.js'
import { loadPinnedKeys, type PinnedKeysLoad } from '../core/log/pinned-keys.js'

/** Where the pinned keys stand; `given` when the host passed `trustedKeys`. */
export type KeysState = { status: 'given' } | PinnedKeysLoad

/** What failed, for `onError`: the key fetch, an event fetched by id, live tail, a download. */
export type AuditLogErrorSource = 'keys' | 'event' | 'live-tail' | 'download'

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
    void loadPinnedKeys(client, {
      signal: controller.signal,
      onState: (state) => {
        setFetched({ client, state })
        if (state.status === 'failed') latestOnFailed.current(state.error)
      },
    })
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
