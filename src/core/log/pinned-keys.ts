/**
 * The keys to pin when the host gives none: fetched through the client, retried with capped
 * exponential backoff and full jitter (AWS Architecture Blog, "Exponential Backoff and
 * Jitter"), and checked before they are pinned. A failed fetch must never look like "the proxy
 * pins no keys": badges would quietly say "Unpinned key" for the rest of the session, which
 * reads as a property of the events rather than of the network.
 */
import { KeyRing, type TrustedKeyInput } from '../verify/key-ring.js'
import { AuditError } from './audit-error.js'
import type { AuditClient } from './client.js'

/** Where a fetch of the pinned keys stands. */
export type PinnedKeysLoad =
  | { status: 'loading'; attempt: number }
  | { status: 'ready'; keys: readonly TrustedKeyInput[] }
  | { status: 'failed'; error: AuditError }

/** How often and how patiently the key fetch is retried (on top of the client's own retries). */
export const KEY_RETRY = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 } as const

/** The wait before retry number `attempt` (1-based): full jitter over a capped exponential. */
export function keyRetryDelay(attempt: number, random: () => number): number {
  return Math.min(KEY_RETRY.maxDelayMs, KEY_RETRY.baseDelayMs * 2 ** (attempt - 1)) * random()
}

/**
 * Fetched keys are data from the network: one that cannot be pinned (a malformed window, a
 * small-order point) makes them unavailable, where the host's own `trustedKeys` would be a
 * configuration error. A hostile key list must not take the host's page down.
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

/**
 * Fetch the keys to pin through `client`, telling `onState` each step (loading with its
 * attempt, then ready or failed). Sleeps and jitter come from the client's platform, so tests
 * step them by hand. Resolves when done; after `signal` aborts, nothing more is told.
 */
export async function loadPinnedKeys(
  client: AuditClient,
  { signal, onState }: { signal: AbortSignal; onState: (state: PinnedKeysLoad) => void },
): Promise<void> {
  const { sleep, random } = client.platform
  const tell = (state: PinnedKeysLoad) => !signal.aborted && onState(state)
  for (let attempt = 1; ; attempt++) {
    tell({ status: 'loading', attempt })
    try {
      const keys = await client.getKeys({ signal })
      await usableKeys(keys)
      return void tell({ status: 'ready', keys })
    } catch (error) {
      if (signal.aborted) return
      const failure = AuditError.from(error, 'The signing keys could not be loaded.')
      if (!failure.retryable || attempt >= KEY_RETRY.attempts) return void tell({ status: 'failed', error: failure })
      // Rejects only when aborted (unmount or a new client), which ends this run.
      const waited = await sleep(keyRetryDelay(attempt, random), signal).then(
        () => true,
        () => false,
      )
      if (!waited) return
    }
  }
}
