'use client'
/**
 * `<VerifyBadge>`: what the browser found when it checked an event's signature, as a small
 * pill with its own icon and word (never colour alone) and an explanation on hover or focus.
 */
import { useEffect, useState, type ReactElement } from 'react'
import { AuditError, type AuditEvent, type VerificationResult, type Verifier } from '../core/index.js'
import { useAuditLogContext } from './context.js'
import { useVerification } from './hooks.js'
import type { BadgeStatus } from './messages.js'
import type { KeysState } from './use-pinned-keys.js'

const ICONS: Record<BadgeStatus, ReactElement> = {
  verified: <path d="M3.5 8.5l3 3 6-7" />,
  unpinned: (
    <>
      <circle cx="5.5" cy="8" r="2.5" />
      <path d="M8 8h6M12 8v2.5" />
    </>
  ),
  untrusted: (
    <>
      <path d="M8 2.5l6 11H2z" />
      <path d="M8 7v3M8 11.5v.5" />
    </>
  ),
  tampered: (
    <>
      <circle cx="8" cy="8" r="6" />
      <path d="M5.5 5.5l5 5M10.5 5.5l-5 5" />
    </>
  ),
  malformed: (
    <>
      <circle cx="8" cy="8" r="6" />
      <path d="M6.3 6.3a1.8 1.8 0 113 1.3c-.8.5-1.3.9-1.3 1.9M8 11.5v.5" />
    </>
  ),
  checking: <path d="M8 2a6 6 0 106 6" className="al-spin" />,
  'keys-loading': (
    <>
      <circle cx="5.5" cy="8" r="2.5" />
      <path d="M8 8h6" />
      <path d="M12 2a4 4 0 014 4" className="al-spin" />
    </>
  ),
  'keys-unavailable': (
    <>
      <circle cx="5.5" cy="8" r="2.5" />
      <path d="M8 8h6M3 3l10 10" />
    </>
  ),
}

/**
 * What a badge says: the result, or, with no verifier yet, whether the pinned keys are still
 * being fetched or failed; never a status the events did not earn.
 */
export function badgeStatus(
  result: VerificationResult | undefined,
  verifier: Verifier | null,
  keys: KeysState,
): BadgeStatus {
  if (result) return result.status
  if (!verifier && keys.status === 'loading') return 'keys-loading'
  if (!verifier && keys.status === 'failed') return 'keys-unavailable'
  return 'checking'
}

export interface VerifyBadgeViewProps {
  status: BadgeStatus
  className?: string
}

/** The pill for a known status (no verification of its own). */
export function VerifyBadgeView({ status, className }: VerifyBadgeViewProps) {
  const { messages } = useAuditLogContext('VerifyBadge')
  const { word, explanation } = messages.badge[status]
  return (
    <span
      className={`al-badge al-badge--${status}${className ? ` ${className}` : ''}`}
      title={explanation}
      data-status={status}
    >
      <svg className="al-badge__icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        {ICONS[status]}
      </svg>
      <span className="al-badge__word">{word}</span>
      <span className="al-visually-hidden">: {explanation}</span>
    </span>
  )
}

export interface VerifyBadgeProps {
  /** The event to verify (as the API returns it). */
  event?: AuditEvent
  /** Or its id: the event is fetched through the provider's client first. */
  eventId?: string
  className?: string
}

/** Verify an event in the browser against the pinned keys and show the result. */
export function VerifyBadge({ event, eventId, className }: VerifyBadgeProps) {
  const { client, verifier, keys, retryKeys, reportError, messages } = useAuditLogContext('VerifyBadge')
  // What was fetched, kept with the id it was fetched for: a badge whose eventId changed shows
  // nothing of the previous event (whose result the verifier has cached) while the next loads.
  const [loaded, setLoaded] = useState<{ id: string; event: AuditEvent | null } | null>(null)
  useEffect(() => {
    if (event || !eventId) return
    const controller = new AbortController()
    client.getEvent(eventId, { signal: controller.signal }).then(
      (fetched) => setLoaded({ id: eventId, event: fetched }),
      (error: unknown) => {
        if (controller.signal.aborted) return
        setLoaded({ id: eventId, event: null })
        reportError(AuditError.from(error, 'The event could not be loaded.'), 'event')
      },
    )
    return () => controller.abort()
  }, [client, event, eventId, reportError])
  const current = !event && loaded?.id === eventId ? loaded : null
  const failed = current !== null && current.event === null
  const target = event ?? current?.event ?? null
  const result: VerificationResult | undefined = useVerification(verifier, target)
  if (failed) {
    // Not fetched means not checked: say that, rather than spin forever or claim a status.
    return (
      <span
        className={`al-root al-inline al-badge al-badge--unavailable${className ? ` ${className}` : ''}`}
        data-status="unavailable"
      >
        <span className="al-badge__word">{messages.badgeUnavailable}</span>
      </span>
    )
  }
  const status = badgeStatus(result, verifier, keys)
  // Standalone, the badge brings the theme variables with it (al-root), without a box.
  return (
    <span className="al-root al-inline">
      <VerifyBadgeView status={status} {...(className ? { className } : {})} />
      {status === 'keys-unavailable' ? (
        <button type="button" className="al-link" onClick={retryKeys}>
          {messages.states.retry}
        </button>
      ) : null}
    </span>
  )
}
