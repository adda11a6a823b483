'use client'
/**
 * `<AuditLog>`'s async side jobs, each with its failure as state (never a silent no-op): live
 * tail, and the event a deep link names that is not among the loaded rows.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react'
import type { AuditClient, AuditError, AuditEvent, EventStore } from '../core/index.js'
import { toAuditError, type AuditLogErrorSource } from './use-pinned-keys.js'

type Report = (error: AuditError, source: AuditLogErrorSource) => void

/**
 * "Now" for relative times, from `clock` (the client's platform clock): `null` until the
 * component has mounted, then refreshed every `intervalMs`. Never read while rendering, so a
 * server prerender (Next.js's `cacheComponents` refuses a render that reads the clock) and
 * the first client render agree, and rendering stays pure as React asks.
 */
export function useNow(clock: () => number, intervalMs = 30_000): number | null {
  const [now, setNow] = useState<number | null>(null)
  useEffect(() => {
    setNow(clock())
    const timer = setInterval(() => setNow(clock()), intervalMs)
    return () => clearInterval(timer)
  }, [clock, intervalMs])
  return now
}

/**
 * Poll for newer events every `intervalMs` while `live`. A failed poll shows a calm notice and
 * the next tick tries again; the host hears the first failure of a run of failures, not each.
 * `onAdded` hears how many arrived while the reader was scrolled down (for the "new" pill).
 */
export function useLiveTail(options: {
  store: EventStore
  live: boolean
  ready: boolean
  intervalMs: number
  scrollRef: RefObject<HTMLDivElement | null>
  onAdded: (count: number) => void
  report: Report
}): AuditError | null {
  const { store, live, ready, intervalMs, scrollRef, report } = options
  const onAdded = useRef(options.onAdded)
  onAdded.current = options.onAdded
  const [failure, setFailure] = useState<AuditError | null>(null)
  useEffect(() => {
    if (!live || !ready) return setFailure(null)
    let stopped = false
    let failing = false
    const timer = setInterval(() => {
      const element = scrollRef.current
      const before = element?.scrollTop ?? 0
      store.refreshHead().then(
        (added) => {
          if (stopped) return
          failing = false
          setFailure(null)
          if (added > 0 && element && before > 0) onAdded.current(added)
        },
        (error: unknown) => {
          if (stopped) return
          const auditError = toAuditError(error, 'Live updates failed.')
          setFailure(auditError)
          if (!failing) report(auditError, 'live-tail')
          failing = true
        },
      )
    }, intervalMs)
    return () => {
      stopped = true
      clearInterval(timer)
    }
  }, [live, ready, intervalMs, store, scrollRef, report])
  return failure
}

export type DeepLinkState =
  | { status: 'none' }
  | { status: 'loading' }
  | { status: 'ready'; event: AuditEvent }
  | { status: 'failed'; error: AuditError }

/**
 * The event `selectedId` names when it is not loaded (`missing`): fetched through the client,
 * its failure shown with a retry instead of leaving the dialog silently closed.
 */
export function useDeepLinkedEvent(
  client: AuditClient,
  selectedId: string | null,
  missing: boolean,
  report: Report,
): { state: DeepLinkState; retry: () => void } {
  const [state, setState] = useState<DeepLinkState>({ status: 'none' })
  const [run, setRun] = useState(0)
  useEffect(() => {
    if (selectedId === null || !missing) return setState({ status: 'none' })
    const controller = new AbortController()
    setState({ status: 'loading' })
    client.getEvent(selectedId, { signal: controller.signal }).then(
      (event) => setState({ status: 'ready', event }),
      (error: unknown) => {
        if (controller.signal.aborted) return
        const auditError = toAuditError(error, 'The event could not be loaded.')
        setState({ status: 'failed', error: auditError })
        report(auditError, 'event')
      },
    )
    return () => controller.abort()
  }, [client, selectedId, missing, run, report])
  const retry = useCallback(() => setRun((count) => count + 1), [])
  return { state, retry }
}
