/**
 * The event a deep link names when it is not among the loaded rows: fetched by id, its
 * failure kept as state (with a retry) rather than a dialog that silently never opens, and
 * the fetch aborted as soon as the rows hold the event, the link changes or the log stops.
 * Loaded on demand with the window's code (page-window.ts); the error class comes in as an
 * argument, because importing it here would split it into a chunk of its own.
 */
import type { AuditEvent } from '../types.js'
import type { AuditError } from './audit-error.js'
import type { AuditClient } from './client.js'

export type DeepLinkState =
  | { status: 'none' }
  | { status: 'loading'; eventId: string }
  | { status: 'ready'; event: AuditEvent }
  | { status: 'failed'; eventId: string; error: AuditError }

export interface DeepLink {
  readonly state: DeepLinkState
  /** Fetch `missingId` (or forget any fetch when `null`); `force` fetches again after a failure. */
  sync(missingId: string | null, force?: boolean): void
}

export function createDeepLink(
  client: AuditClient,
  onSettled: () => void,
  onError: (error: AuditError) => void,
  Errors: typeof AuditError,
): DeepLink {
  let state: DeepLinkState = { status: 'none' }
  let fetching: string | null = null
  let controller: AbortController | null = null
  return {
    get state() {
      return state
    },
    sync(missingId, force = false) {
      if (missingId === null) {
        controller?.abort()
        controller = null
        fetching = null
        if (state.status !== 'none') state = { status: 'none' }
        return
      }
      if (fetching === missingId && !force) return
      controller?.abort()
      const mine = new AbortController()
      controller = mine
      fetching = missingId
      state = { status: 'loading', eventId: missingId }
      client.getEvent(missingId, { signal: mine.signal }).then(
        (event) => {
          if (mine.signal.aborted) return
          state = { status: 'ready', event }
          onSettled()
        },
        (error: unknown) => {
          if (mine.signal.aborted) return
          const failure = Errors.from(error, 'The event could not be loaded.')
          state = { status: 'failed', eventId: missingId, error: failure }
          onSettled()
          onError(failure)
        },
      )
    },
  }
}
