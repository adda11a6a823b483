'use client'
/**
 * `<ExportButton>`: start an export (CSV or NDJSON) of the current filters and download it.
 * creating -> preparing (row count as it grows, with cancel) -> ready (the download starts and
 * a "Download again" link stays) -> failed (the reason and Retry).
 */
import { useEffect, useRef, useState } from 'react'
import {
  AuditError,
  createExportJob,
  type AuditFilters,
  type ExportFormat,
  type ExportJob,
  type ExportJobState,
} from '../core/index.js'
import { useAuditLogContext } from './context.js'
import { useStore } from './hooks.js'

export interface ExportButtonProps {
  /** What to export (inside `<AuditLog>`, its current filters). */
  filters?: AuditFilters
  className?: string
  /** Start the download (default: navigate a hidden link). Injectable for tests and hosts. */
  onDownload?: (url: string) => void
}

const IDLE: ExportJobState = { status: 'idle' }
const idleStore = { subscribe: () => () => {}, getSnapshot: () => IDLE }

function startDownload(url: string): void {
  const link = document.createElement('a')
  link.href = url
  link.rel = 'noopener'
  link.download = ''
  document.body.appendChild(link)
  link.click()
  link.remove()
}

export function ExportButton({ filters = {}, className, onDownload = startDownload }: ExportButtonProps) {
  const { client, messages, reportError } = useAuditLogContext('ExportButton')
  const m = messages.export
  const [job, setJob] = useState<ExportJob | null>(null)
  const [menuOpen, setMenuOpen] = useState(false)
  const [allowed, setAllowed] = useState<boolean | null>(null)
  const state = useStore<ExportJobState>(job ?? idleStore)
  const lastFormat = useRef<ExportFormat>('csv')

  useEffect(() => {
    let live = true
    client.token().then(
      (token) => live && setAllowed(token.scopes === undefined || token.scopes.includes('audit:export')),
      () => live && setAllowed(true), // unknown: let the server decide and explain
    )
    return () => {
      live = false
    }
  }, [client])

  useEffect(() => () => job?.cancel(), [job])
  // Another client (an org switch) must not offer the old org's export.
  const [jobClient, setJobClient] = useState(client)
  if (jobClient !== client) {
    setJobClient(client)
    setJob(null)
  }

  // A ready export whose download could not start says so; "Download again" stays.
  const [downloadFailed, setDownloadFailed] = useState(false)
  // `renew`: an export that is gone (its file expired) is made again, shown as it runs; any other
  // failure (the network, say) is shown and reported, and starts nothing upstream.
  const download = (ready: ExportJob, renew = false) =>
    ready
      .downloadUrl()
      .then((url) => {
        setDownloadFailed(false)
        onDownload(url)
      })
      .catch((error: unknown) => {
        if (renew && error instanceof AuditError && error.code === 'not-found') return void ready.start()
        setDownloadFailed(true)
        reportError(AuditError.from(error, 'The download could not start.'), 'download')
      })
  // Only when a job becomes ready: a second download is the user's click. The effect runs on
  // that change alone and reads this render's job and callbacks.
  const readyJobId = state.status === 'ready' ? state.jobId : null
  const downloadReady = useRef(() => {})
  downloadReady.current = () => {
    if (state.status === 'ready' && job) void download(job)
  }
  useEffect(() => {
    downloadReady.current()
  }, [readyJobId])

  const start = (format: ExportFormat) => {
    lastFormat.current = format
    setMenuOpen(false)
    const next = createExportJob(client, { format, filters })
    setJob(next)
    void next.start()
  }

  const root = `al-root al-inline al-export${className ? ` ${className}` : ''}`
  const busy = state.status === 'creating' || state.status === 'polling'

  // Focus follows the flow: into the menu when it opens, to Cancel while preparing, back to the
  // trigger when the menu closes or the export ends, so keyboard users are never left on <body>.
  const triggerRef = useRef<HTMLButtonElement>(null)
  const cancelRef = useRef<HTMLButtonElement>(null)
  const menuRef = useRef<HTMLDivElement>(null)
  const hadFocus = useRef(false)
  const rootRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!hadFocus.current) return
    if (busy) cancelRef.current?.focus()
    else triggerRef.current?.focus()
  }, [busy])
  useEffect(() => {
    if (!menuOpen) return
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus()
    const outside = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setMenuOpen(false)
    }
    document.addEventListener('pointerdown', outside)
    return () => document.removeEventListener('pointerdown', outside)
  }, [menuOpen])

  const closeMenu = () => {
    setMenuOpen(false)
    triggerRef.current?.focus()
  }
  const onMenuKey = (event: React.KeyboardEvent) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])]
    const at = items.indexOf(document.activeElement as HTMLElement)
    if (event.key === 'Escape') {
      event.preventDefault()
      closeMenu()
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      items[(at + step + items.length) % items.length]?.focus()
    } else if (event.key === 'Tab') {
      setMenuOpen(false)
    }
  }

  if (allowed === false) {
    return (
      <div className={root}>
        <button type="button" className="al-button" disabled aria-describedby="al-export-scope">
          {m.button}
        </button>
        <span id="al-export-scope" className="al-export__note">
          {m.noScope}
        </span>
      </div>
    )
  }

  return (
    <div ref={rootRef} className={root} onFocus={() => (hadFocus.current = true)}>
      {busy ? (
        <>
          <span className="al-spinner" aria-hidden="true" />
          <span className="al-export__progress">
            {state.status === 'creating' ? m.creating : m.preparing(state.rowCount)}
          </span>
          <button ref={cancelRef} type="button" className="al-link" onClick={() => job?.cancel()}>
            {m.cancel}
          </button>
        </>
      ) : (
        <div className="al-menu">
          <button
            ref={triggerRef}
            type="button"
            className="al-button"
            aria-haspopup="menu"
            aria-expanded={menuOpen}
            onClick={() => setMenuOpen((open) => !open)}
            onKeyDown={(event) => {
              if (event.key === 'ArrowDown') {
                event.preventDefault()
                setMenuOpen(true)
              }
            }}
          >
            {m.button}
          </button>
          {menuOpen ? (
            <div ref={menuRef} className="al-menu__list" role="menu" aria-label={m.button} onKeyDown={onMenuKey}>
              {(['csv', 'ndjson'] as const).map((format) => (
                <button
                  key={format}
                  type="button"
                  role="menuitem"
                  tabIndex={-1}
                  className="al-menu__item"
                  onClick={() => start(format)}
                >
                  {m[format]}
                </button>
              ))}
            </div>
          ) : null}
        </div>
      )}
      {/* One live region, always mounted, so milestones are announced (not every row count). */}
      <span
        role="status"
        aria-live="polite"
        className={`al-export__status${state.status === 'failed' || (state.status === 'ready' && downloadFailed) ? ' al-export__error' : ''}`}
      >
        {state.status === 'ready'
          ? downloadFailed
            ? m.downloadFailed
            : m.ready
          : state.status === 'failed'
            ? `${m.failed}: ${state.error.message}`
            : ''}
      </span>
      {state.status === 'ready' ? (
        <button type="button" className="al-link" onClick={() => job && void download(job, true)}>
          {m.downloadAgain}
        </button>
      ) : state.status === 'failed' ? (
        <button type="button" className="al-link" onClick={() => start(lastFormat.current)}>
          {m.retry}
        </button>
      ) : null}
    </div>
  )
}
