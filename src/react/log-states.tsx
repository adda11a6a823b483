'use client'
/** What `<AuditLog>` shows instead of rows (loading, error, session expired, empty) and under them (failures). */
import type { EventStoreState } from '../core/index.js'
import { useAuditLogContext } from './context.js'
import type { AuditLogMessages } from './messages.js'

/** The view that replaces the grid for `state`, or `null` when the grid should show. */
export function stateView(options: {
  state: EventStoreState
  empty: boolean
  hasFilters: boolean
  rowHeight: number
  messages: AuditLogMessages
  onRetry: () => void
  onSignIn: () => void
  onClearFilters: () => void
}) {
  const { state, hasFilters, rowHeight, messages } = options
  if (state.status === 'idle' || state.status === 'loading') {
    return (
      <div className="al-state al-state--loading" role="status" aria-live="polite">
        <span className="al-visually-hidden">{messages.states.loading}</span>
        {Array.from({ length: 8 }, (_, i) => (
          <div className="al-skeleton" key={i} style={{ height: rowHeight }} aria-hidden="true" />
        ))}
      </div>
    )
  }
  if (state.status === 'error') {
    return (
      <div className="al-state" role="alert">
        <p>{messages.states.error}</p>
        <p className="al-muted">{state.error.message}</p>
        <button type="button" className="al-button" onClick={options.onRetry}>
          {messages.states.retry}
        </button>
      </div>
    )
  }
  if (state.status === 'session-expired') {
    return (
      <div className="al-state" role="alert">
        <p>{messages.states.sessionExpired}</p>
        <button type="button" className="al-button" onClick={options.onSignIn}>
          {messages.states.signIn}
        </button>
      </div>
    )
  }
  if (!options.empty) return null
  return (
    <div className="al-state" role="status">
      <p>{hasFilters ? messages.states.emptyFiltered : messages.states.empty}</p>
      {hasFilters ? (
        <button type="button" className="al-button" onClick={options.onClearFilters}>
          {messages.states.clearFilters}
        </button>
      ) : null}
    </div>
  )
}

/** A failure under the list: an alert with a retry, or a calm status when it retries by itself. */
export function Notice({ show, text, retry }: { show: boolean; text: string; retry?: () => void }) {
  const { messages } = useAuditLogContext('AuditLog')
  if (!show) return null
  return retry ? (
    <div className="al-page-error" role="alert">
      {text}{' '}
      <button type="button" className="al-link" onClick={retry}>
        {messages.states.retry}
      </button>
    </div>
  ) : (
    <div className="al-page-error al-page-error--calm" role="status">
      {text}
    </div>
  )
}
