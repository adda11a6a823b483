'use client'
/**
 * `<AuditLogProvider>`: the client, the verifier, the pinned keys and the messages every
 * auditlens component reads. Components used outside it throw an error that names the fix.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import {
  createAuditClient,
  type AuditError,
  createVerifier,
  KeyRing,
  type AuditClient,
  type FetchToken,
  type TrustedKeyInput,
  type Verifier,
  type VerifierOptions,
} from '../core/index.js'
import { usePinnedKeys, type AuditLogErrorSource, type KeysState } from './use-pinned-keys.js'
import { mergeMessages, type AuditLogMessages, type DeepPartial } from './messages.js'

export interface AuditLogProviderProps {
  /** A client from `createAuditClient`; or give `baseUrl` / `fetchToken` and one is made. */
  client?: AuditClient
  /** Where the token proxy is mounted (default `/api/audit`). */
  baseUrl?: string
  /** How to get a short-lived token from your backend (default: `POST {baseUrl}/token`). */
  fetchToken?: FetchToken
  /**
   * Keys to pin. If omitted, they are fetched from the proxy's `/keys`, retried with backoff;
   * until they arrive badges say "Checking keys", and if they cannot be had, "Keys unavailable"
   * with a retry (never "Unpinned key", which means the proxy pins none).
   */
  trustedKeys?: readonly TrustedKeyInput[]
  /** BCP 47 locale for dates and numbers (default: the browser's). */
  locale?: string
  /** IANA time zone for times (default: the viewer's). */
  timeZone?: string
  /** Override any user-facing string. */
  messages?: DeepPartial<AuditLogMessages>
  /**
   * Where and how badges are verified: Web Workers by default (`worker: false` keeps it on the
   * main thread; a function starts a worker from a URL your Content-Security-Policy allows),
   * `workerCount`, `crypto`, `onWorkerUnavailable`. Read when the verifier is made (on mount
   * and when the pinned keys change).
   */
  verification?: Pick<VerifierOptions, 'worker' | 'workerCount' | 'crypto' | 'onWorkerUnavailable'>
  /**
   * Called when something fails that the components show but cannot fix: the key fetch (after
   * its retries), an event fetched by id (a deep link or `<VerifyBadge eventId>`), live tail
   * (first failure of a run; it keeps retrying), an export's download. For logging and
   * monitoring; the newest function is called. Session expiry goes to `onSessionExpired`.
   */
  onError?: (error: AuditError, source: AuditLogErrorSource) => void
  children?: ReactNode
}

export interface AuditLogContextValue {
  client: AuditClient
  /** `null` until the pinned keys are known. */
  verifier: Verifier | null
  keyRing: KeyRing | null
  /** Where the pinned keys stand (fetching, failed...), and how to try the fetch again. */
  keys: KeysState
  retryKeys: () => void
  /** Tell the host's `onError`. */
  reportError: (error: AuditError, source: AuditLogErrorSource) => void
  messages: AuditLogMessages
  locale: string | undefined
  timeZone: string | undefined
}

const Context = createContext<AuditLogContextValue | null>(null)

/** The provider's value; throws a clear error outside `<AuditLogProvider>`. */
export function useAuditLogContext(component: string): AuditLogContextValue {
  const value = useContext(Context)
  if (!value) {
    throw new Error(
      `<${component}> must be rendered inside <AuditLogProvider>. Wrap your audit tab in ` +
        `<AuditLogProvider baseUrl="/api/audit"> (or pass it a client from createAuditClient).`,
    )
  }
  return value
}

const isDevelopment = () => typeof process === 'undefined' || process.env?.NODE_ENV !== 'production'

export function AuditLogProvider(props: AuditLogProviderProps) {
  const { client: givenClient, baseUrl, fetchToken, trustedKeys, locale, timeZone, messages, children } = props
  const verification = useRef(props.verification)
  useEffect(() => {
    verification.current = props.verification // runs before the effect below that reads it
  })
  // The latest fetchToken is called through a ref: a new function each render must not make a
  // new client (and a new token request), but the newest one is what runs next time.
  const latestFetchToken = useRef(fetchToken)
  const firstFetchToken = useRef(fetchToken)
  useEffect(() => {
    latestFetchToken.current = fetchToken
    if (isDevelopment() && fetchToken !== firstFetchToken.current && firstFetchToken.current !== undefined) {
      firstFetchToken.current = fetchToken
      console.warn(
        'auditlens: the fetchToken prop of <AuditLogProvider> changed. The newest function is used for the next ' +
          'token; wrap it in useCallback to avoid this warning.',
      )
    }
  }, [fetchToken])
  // A new baseUrl, or going from a fetchToken to none, is a new client (a new org or proxy).
  const wantsFetchToken = fetchToken !== undefined
  const ownClient = useMemo(
    () =>
      givenClient
        ? null
        : createAuditClient({
            ...(baseUrl ? { baseUrl } : {}),
            ...(wantsFetchToken ? { fetchToken: (signal?: AbortSignal) => latestFetchToken.current!(signal) } : {}),
          }),
    [givenClient, baseUrl, wantsFetchToken],
  )
  const client = givenClient ?? ownClient!

  const onError = useRef(props.onError)
  onError.current = props.onError
  const reportError = useCallback(
    (error: AuditError, source: AuditLogErrorSource) => onError.current?.(error, source),
    [],
  )
  const keysFailed = useCallback((error: AuditError) => reportError(error, 'keys'), [reportError])
  const { state: keys, retry: retryKeys } = usePinnedKeys(client, trustedKeys, keysFailed)
  const fetchedKeys = keys.status === 'ready' ? keys.keys : null

  const keyInputs = trustedKeys ?? fetchedKeys
  // Keyed by content: an inline `trustedKeys={[KEY]}` is a new array on every render, and
  // must not throw away every verification already done.
  const keysKey = keyInputs ? JSON.stringify(keyInputs) : null
  // A new client gets a new ring (and so a new verifier): no result is carried across orgs.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyInputs is compared by content (keysKey); client is a reset key
  const keyRing = useMemo(() => (keyInputs ? new KeyRing(keyInputs) : null), [keysKey, client])
  // Whether each key is a usable point is known only once the curve code has loaded; an
  // unusable pinned key is a configuration error, raised in render like the ring's own.
  const [unusable, setUnusable] = useState<{ ring: KeyRing; error: unknown } | null>(null)
  useEffect(() => {
    keyRing?.usable().catch((error: unknown) => setUnusable({ ring: keyRing, error }))
  }, [keyRing])
  // Made and disposed in one effect, so React StrictMode's remount gets a live verifier. Kept
  // with the ring it was made for: in the render where the keys change, the old verifier (and
  // the results it cached under the old keys) must not be shown with the new ring.
  const [made, setMade] = useState<{ ring: KeyRing; verifier: Verifier } | null>(null)
  useEffect(() => {
    if (!keyRing) return
    const created = createVerifier({
      ...verification.current,
      trustedKeys: keyRing,
      // The newest callback is told, not the one given when this verifier was made.
      ...(verification.current?.onWorkerUnavailable
        ? { onWorkerUnavailable: (error: Error) => verification.current?.onWorkerUnavailable?.(error) }
        : {}),
    })
    setMade({ ring: keyRing, verifier: created })
    return () => {
      created.dispose()
      setMade((current) => (current?.verifier === created ? null : current))
    }
  }, [keyRing])
  const verifier = made?.ring === keyRing ? made.verifier : null

  const merged = useMemo(() => mergeMessages(messages), [messages])
  const value = useMemo<AuditLogContextValue>(
    () => ({ client, verifier, keyRing, keys, retryKeys, reportError, messages: merged, locale, timeZone }),
    [client, verifier, keyRing, keys, retryKeys, reportError, merged, locale, timeZone],
  )
  if (unusable && unusable.ring === keyRing) throw unusable.error
  return <Context.Provider value={value}>{children}</Context.Provider>
}
