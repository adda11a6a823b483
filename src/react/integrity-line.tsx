'use client'
/**
 * The integrity line and the alarm, drawn from a monitor snapshot (no fetching here, so
 * stories and tests can show every state). One calm line above the table; an alarm is a
 * blocking alert dialog (WAI-ARIA alertdialog) that says what failed, offers the evidence as
 * a JSON download and can be closed only into a red line with a way back, never as "fine".
 */
import { useId, useState, type ReactNode } from 'react'
import type { IntegrityEvidence, IntegritySnapshot } from '../core/proof/integrity-types.js'
import { defaultIntegrityMessages, type IntegrityMessages } from './integrity-messages.js'
import * as Dialog from './vendor/dialog.js'

export interface IntegrityLineViewProps {
  /** Where the log stands; null (or `checking`) while the first check runs. */
  snapshot: IntegritySnapshot | null
  messages?: Partial<IntegrityMessages>
  locale?: string | undefined
  timeZone?: string | undefined
  /** Actions after the text (Verify entire log). */
  children?: ReactNode
}

function download(evidence: IntegrityEvidence) {
  const blob = new Blob([JSON.stringify(evidence, null, 2)], { type: 'application/json' })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = `auditlens-integrity-evidence-${evidence.detectedAt.replace(/[:.]/g, '-')}.json`
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

/** The line, and the alarm when the snapshot is one. */
export function IntegrityLineView({ snapshot, locale, timeZone, children, ...props }: IntegrityLineViewProps) {
  const m: IntegrityMessages = { ...defaultIntegrityMessages, ...props.messages }
  const [alarmOpen, setAlarmOpen] = useState(true)
  const problemId = useId()
  const date = (ms: number, withTime: boolean) =>
    new Intl.DateTimeFormat(locale, {
      dateStyle: 'medium',
      ...(withTime ? { timeStyle: 'short' } : {}),
      ...(timeZone ? { timeZone } : {}),
    }).format(ms)

  const status = snapshot?.status ?? 'checking'
  let text: string
  if (!snapshot || status === 'checking') text = m.checking
  else if (status === 'complete')
    text = m.complete(
      snapshot.size ?? 0,
      snapshot.time === null ? '—' : date(snapshot.time, true),
      date(snapshot.firstSeenAt ?? 0, false),
    )
  else if (status === 'no-checkpoints') text = m.noCheckpoints
  else if (status === 'unavailable') text = m.unavailable
  else text = m.alarmLine
  // Said, not alarmed: a rotation that drops the old pin is legitimate, but the line's "since"
  // then only goes back to the restart, and the reader should know the memory was reset.
  const restarted = snapshot?.restarted
  if (restarted && (status === 'complete' || status === 'no-checkpoints'))
    text += ` · ${m.restarted(restarted.from === null ? null : date(restarted.from, false), date(restarted.at, false))}`
  const problem = snapshot?.status === 'alarm' ? snapshot.problem : null
  const evidence = snapshot?.evidence ?? null

  return (
    <div
      className={`al-integrity al-integrity--${status}`}
      data-integrity={status}
      data-memory={restarted ? 'restarted' : undefined}
    >
      <span className="al-integrity__icon" aria-hidden="true">
        {status === 'alarm' ? '⚠' : status === 'complete' ? '✓' : 'ⓘ'}
      </span>
      {/* A status for screen readers: it is read when it changes, without taking focus. */}
      <span role="status" className="al-integrity__text">
        {text}
      </span>
      {children}
      {problem ? (
        <button type="button" className="al-link" onClick={() => setAlarmOpen(true)}>
          {m.showAlarm}
        </button>
      ) : null}
      {problem ? (
        <Dialog.Root open={alarmOpen} onOpenChange={(open) => open && setAlarmOpen(true)}>
          <Dialog.Portal>
            <Dialog.Overlay className="al-dialog__overlay" />
            <Dialog.Content
              role="alertdialog"
              className="al-root al-dialog al-alarm"
              aria-describedby={problemId}
              // Blocking: neither Escape nor a click outside may wave it away.
              onEscapeKeyDown={(event) => event.preventDefault()}
              onPointerDownOutside={(event) => event.preventDefault()}
              onInteractOutside={(event) => event.preventDefault()}
            >
              <Dialog.Title className="al-dialog__title">{m.alarmTitle}</Dialog.Title>
              <p>{m.alarmIntro}</p>
              <p id={problemId} className="al-alarm__problem">
                {m.problem(problem)}
              </p>
              <div className="al-alarm__actions">
                {evidence ? (
                  <button type="button" className="al-button" onClick={() => download(evidence)}>
                    {m.downloadEvidence}
                  </button>
                ) : null}
                <button type="button" className="al-button" onClick={() => setAlarmOpen(false)}>
                  {m.keepReviewing}
                </button>
              </div>
            </Dialog.Content>
          </Dialog.Portal>
        </Dialog.Root>
      ) : null}
    </div>
  )
}
