'use client'
/**
 * The event detail dialog (Radix Dialog): who, what, where, details, and the proof in words a
 * non-cryptographer understands, with the raw JSON and the exact signed bytes. Previous and
 * next with the buttons or the arrow keys.
 */
import { useMemo, useState, type ReactNode } from 'react'
import { canonicalize, stringifyAuditJson, type AuditEvent, type AuditJsonValue } from '../core/index.js'
import { useAuditLogContext } from './context.js'
import { displayString, EventText, eventText, visibleText } from './event-text.js'
import { formatFullTime } from './format.js'
import { useVerification } from './hooks.js'
import { JsonTree } from './json-view.js'
import * as Dialog from './vendor/dialog.js'
import { badgeStatus, VerifyBadgeView } from './verify-badge.js'

export interface EventDialogProps {
  event: AuditEvent | null
  onClose: () => void
  onPrevious?: (() => void) | undefined
  onNext?: (() => void) | undefined
  /** Where focus goes on close (default: back to what had it before, as Radix does). */
  onCloseAutoFocus?: (event: Event) => void
  /** `light` or `dark`, since the portal is outside the log's themed ancestors. */
  theme?: string
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const { messages } = useAuditLogContext('EventDialog')
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null)
  const show = (outcome: 'copied' | 'failed') => {
    setCopied(outcome)
    setTimeout(() => setCopied(null), 1500)
  }
  return (
    <button
      type="button"
      className="al-link al-copy"
      aria-label={`${messages.dialog.copy} ${label}`}
      onClick={() => {
        // No clipboard (an insecure origin) or a refused permission is said, not swallowed.
        const writing = navigator.clipboard?.writeText(text) ?? Promise.reject(new Error('No clipboard'))
        void writing.then(
          () => show('copied'),
          () => show('failed'),
        )
      }}
    >
      {copied === 'copied'
        ? messages.dialog.copied
        : copied === 'failed'
          ? messages.dialog.copyFailed
          : messages.dialog.copy}
    </button>
  )
}

function Field({ label, value }: { label: string; value: string }) {
  return (
    <div className="al-proof__field">
      <div className="al-proof__label">
        {label} <CopyButton text={value} label={label} />
      </div>
      <code className="al-mono al-break">
        <EventText value={value} />
      </code>
    </div>
  )
}

/**
 * JSON text (raw or canonical) for a `<pre>`: every string literal isolated, hidden characters
 * marked. The JSON writer escapes only what JSON requires, so a U+202E inside a string would
 * otherwise reorder the rest of the line, the following keys included.
 */
function JsonText({ text }: { text: string }) {
  const parts: ReactNode[] = []
  let last = 0
  for (const match of text.matchAll(/"(?:[^"\\]|\\.)*"/g)) {
    if (match.index > last) parts.push(text.slice(last, match.index))
    parts.push(<bdi key={match.index}>{visibleText(match[0])}</bdi>)
    last = match.index + match[0].length
  }
  if (last < text.length) parts.push(text.slice(last))
  return <>{parts}</>
}

export function EventDialog({ event, onClose, onPrevious, onNext, onCloseAutoFocus, theme }: EventDialogProps) {
  const { messages, verifier, keyRing, keys, locale, timeZone } = useAuditLogContext('EventDialog')
  const m = messages.dialog
  const result = useVerification(verifier, event)
  const status = badgeStatus(result, verifier, keys)
  const canonical = useMemo(() => (event ? canonicalize(event) : null), [event])
  const raw = useMemo(() => (event ? stringifyAuditJson(event, { indent: 2 }) : ''), [event])
  const e = event as (AuditEvent & Record<string, AuditJsonValue>) | null
  const signingKey = typeof e?.signing_public_key === 'string' ? e.signing_public_key : null
  const pinned = signingKey !== null && keyRing?.get(signingKey) !== undefined

  return (
    <Dialog.Root open={event !== null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="al-dialog__overlay" />
        <Dialog.Content
          className="al-root al-dialog"
          {...(theme ? { 'data-theme': theme } : {})}
          aria-describedby={undefined}
          {...(onCloseAutoFocus ? { onCloseAutoFocus } : {})}
          onKeyDown={(keyEvent) => {
            const target = keyEvent.target as HTMLElement
            if (target.closest('pre, input, textarea')) return
            if (keyEvent.key === 'ArrowLeft' && onPrevious) onPrevious()
            if (keyEvent.key === 'ArrowRight' && onNext) onNext()
          }}
        >
          {e ? (
            <>
              <header className="al-dialog__header">
                <div>
                  <Dialog.Title className="al-dialog__title al-mono">
                    <EventText value={eventText(e.action)} />
                  </Dialog.Title>
                  <p className="al-muted">
                    <time dateTime={eventText(e.occurred_at)} title={displayString(eventText(e.occurred_at))}>
                      <EventText value={formatFullTime(eventText(e.occurred_at), locale, timeZone)} />
                    </time>{' '}
                    · <EventText value={m.seq(eventText(e.seq))} />
                  </p>
                </div>
                <div className="al-dialog__nav">
                  {(
                    [
                      [onPrevious, m.previous, '‹'],
                      [onNext, m.next, '›'],
                    ] as const
                  ).map(([go, label, glyph]) => (
                    <button
                      key={glyph}
                      type="button"
                      className="al-icon-button"
                      onClick={go}
                      disabled={!go}
                      aria-label={label}
                    >
                      {glyph}
                    </button>
                  ))}
                  <Dialog.Close className="al-icon-button" aria-label={m.close}>
                    ×
                  </Dialog.Close>
                </div>
              </header>
              <div className="al-dialog__body">
                <section aria-labelledby="al-who">
                  <h3 id="al-who">{m.who}</h3>
                  <JsonTree value={e.actor as unknown as AuditJsonValue} empty={m.nothing} />
                </section>
                <section aria-labelledby="al-what">
                  <h3 id="al-what">{m.what}</h3>
                  <JsonTree value={e.targets as unknown as AuditJsonValue} empty={m.noTargets} />
                </section>
                <section aria-labelledby="al-where">
                  <h3 id="al-where">{m.where}</h3>
                  <JsonTree value={e.context ?? null} empty={m.nothing} />
                </section>
                <section aria-labelledby="al-details">
                  <h3 id="al-details">{m.details}</h3>
                  <JsonTree value={e.metadata ?? null} empty={m.nothing} />
                </section>
                <section aria-labelledby="al-proof" className="al-proof">
                  <h3 id="al-proof">{m.proof}</h3>
                  <p className="al-proof__verdict">
                    <VerifyBadgeView status={status} /> <span>{messages.badge[status].explanation}</span>
                  </p>
                  {result?.message ? (
                    <p className="al-muted">
                      <EventText value={result.message} />
                    </p>
                  ) : null}
                  {typeof e.payload_hash === 'string' ? <Field label={m.storedHash} value={e.payload_hash} /> : null}
                  {result?.payloadHash ? (
                    <>
                      <Field label={m.recomputedHash} value={result.payloadHash} />
                      {typeof e.payload_hash === 'string' ? (
                        <p className="al-muted">
                          {e.payload_hash.toLowerCase() === result.payloadHash ? m.hashesMatch : m.hashesDiffer}
                        </p>
                      ) : null}
                    </>
                  ) : null}
                  {signingKey ? (
                    <>
                      <Field label={m.signingKey} value={signingKey} />
                      {/* Without a key ring (keys still loading, or failed) pinning is unknown, not "no". */}
                      {keyRing ? <p className="al-muted">{pinned ? m.keyPinned : m.keyNotPinned}</p> : null}
                    </>
                  ) : null}
                  {typeof e.key_id === 'string' ? <Field label={m.keyId} value={e.key_id} /> : null}
                  {typeof e.signature === 'string' ? <Field label={m.signature} value={e.signature} /> : null}
                  {canonical?.ok ? (
                    <div className="al-proof__field">
                      <div className="al-proof__label">
                        {m.canonical} <CopyButton text={canonical.text} label={m.canonical} />
                      </div>
                      <pre className="al-code" tabIndex={0}>
                        <JsonText text={canonical.text} />
                      </pre>
                    </div>
                  ) : null}
                </section>
                <section aria-labelledby="al-raw">
                  <h3 id="al-raw">
                    {m.raw} <CopyButton text={raw} label={m.raw} />
                  </h3>
                  <pre className="al-code" tabIndex={0}>
                    <JsonText text={raw} />
                  </pre>
                </section>
              </div>
            </>
          ) : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}
