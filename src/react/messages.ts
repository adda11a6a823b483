/**
 * Every user-facing string of the components, in one object so a host can translate or
 * reword them: pass a partial `messages` to `<AuditLogProvider>`.
 */
import type { VerificationStatus } from '../core/index.js'
import type { IntegrityMessages } from './integrity-messages.js'

/**
 * A verification result, `checking` while it is computed, or why nothing can be checked yet:
 * the pinned keys are still being fetched (`keys-loading`) or could not be (`keys-unavailable`).
 */
export type BadgeStatus = VerificationStatus | 'checking' | 'keys-loading' | 'keys-unavailable'

export interface AuditLogMessages {
  badge: Record<BadgeStatus, { word: string; explanation: string }>
  /** Shown by a standalone badge whose event could not be fetched (so it was not checked). */
  badgeUnavailable: string
  columns: { time: string; actor: string; action: string; targets: string; verification: string }
  filters: {
    label: string
    actions: string
    actionsPlaceholder: string
    actor: string
    actorPlaceholder: string
    target: string
    targetPlaceholder: string
    range: string
    rangePresets: { any: string; day: string; week: string; month: string; custom: string }
    from: string
    to: string
    /** Next to a custom range when the provider has a `timeZone`: the zone its times are in. */
    timeZone: (zone: string) => string
    clear: string
    removeAction: (action: string) => string
    /** The button that shows the filters on a narrow log (below 640 px they fold behind it). */
    toggle: string
    /** After the toggle's visible count, for screen readers: how many filters are set. */
    activeCount: (count: number) => string
  }
  states: {
    loading: string
    empty: string
    emptyFiltered: string
    clearFilters: string
    error: string
    retry: string
    sessionExpired: string
    signIn: string
    loadingMore: string
    pageFailed: string
    /** Above the log when the pinned keys could not be fetched (with a retry). */
    keysFailed: string
    /** When the event of a deep link (`selectedEventId`) could not be fetched (with a retry). */
    eventFailed: string
  }
  gap: (count: number, from: number, to: number) => string
  /** Under the oldest event when a verified prune marker says seqs 1..`through` were removed by retention. */
  pruned: (through: number, retentionDays: number, prunedAt: string) => string
  /** `failed`: live tail could not reach the server; it keeps trying. */
  live: { label: string; newEvents: (count: number) => string; failed: string }
  table: {
    label: string
    openDetails: string
    /** A row whose page is being fetched again (it was dropped from memory while far away). */
    loadingRow: string
  }
  dialog: {
    previous: string
    next: string
    close: string
    who: string
    what: string
    where: string
    details: string
    proof: string
    raw: string
    copy: string
    copied: string
    copyFailed: string
    seq: (seq: string) => string
    noTargets: string
    nothing: string
    storedHash: string
    recomputedHash: string
    hashesMatch: string
    hashesDiffer: string
    keyId: string
    keyPinned: string
    keyNotPinned: string
    signature: string
    signingKey: string
    canonical: string
  }
  export: {
    button: string
    csv: string
    ndjson: string
    creating: string
    preparing: (rows: number) => string
    cancel: string
    ready: string
    downloadAgain: string
    failed: string
    retry: string
    noScope: string
    /** The export is ready but its download could not be started ("Download again" stays). */
    downloadFailed: string
  }
  time: { exact: (iso: string) => string }
  /**
   * The integrity line and alarm (checkpoints, Verify entire log). Their defaults load with
   * the integrity panel after the first rows; what is given here replaces them one by one.
   */
  integrity?: Partial<IntegrityMessages>
}

export const defaultMessages: AuditLogMessages = {
  badge: {
    verified: { word: 'Verified', explanation: 'Signed by a pinned key; the content is exactly what was signed.' },
    unpinned: {
      word: 'Unpinned key',
      explanation:
        'The signature matches the key inside the event, but no key is pinned, so a re-signed event would look the same.',
    },
    untrusted: { word: 'Untrusted key', explanation: 'Signed by a key that is not one of the pinned keys.' },
    tampered: { word: 'Tampered', explanation: 'The content no longer matches its signature.' },
    malformed: { word: 'Malformed', explanation: 'This event is missing data needed to check it.' },
    checking: { word: 'Checking', explanation: 'Verifying in your browser…' },
    'keys-loading': { word: 'Checking keys', explanation: 'Loading the keys that signatures are checked against…' },
    'keys-unavailable': {
      word: 'Keys unavailable',
      explanation: 'The signing keys could not be loaded, so this event has not been checked.',
    },
  },
  badgeUnavailable: 'Not checked: the event could not be loaded',
  columns: { time: 'Time', actor: 'Actor', action: 'Action', targets: 'Targets', verification: 'Verification' },
  filters: {
    label: 'Filter events',
    actions: 'Actions',
    actionsPlaceholder: 'Add an action…',
    actor: 'Actor',
    actorPlaceholder: 'Actor id',
    target: 'Target',
    targetPlaceholder: 'Target id',
    range: 'Date range',
    rangePresets: {
      any: 'Any time',
      day: 'Last 24 hours',
      week: 'Last 7 days',
      month: 'Last 30 days',
      custom: 'Custom…',
    },
    from: 'From',
    to: 'To',
    timeZone: (zone) => `Times in ${zone}`,
    clear: 'Clear',
    removeAction: (action) => `Remove ${action}`,
    toggle: 'Filters',
    activeCount: (count) => `${count} active`,
  },
  states: {
    loading: 'Loading events…',
    empty: 'No events yet',
    emptyFiltered: 'No events match',
    clearFilters: 'Clear filters',
    error: 'The audit log could not be loaded.',
    retry: 'Try again',
    sessionExpired: 'Your session has ended.',
    signIn: 'Sign in again',
    loadingMore: 'Loading more events…',
    pageFailed: 'More events could not be loaded.',
    keysFailed: 'The signing keys could not be loaded, so no event has been checked.',
    eventFailed: 'The linked event could not be loaded.',
  },
  gap: (count, from, to) =>
    count === 1 ? `1 event missing (seq ${from})` : `${count} events missing (seq ${from}–${to})`,
  pruned: (through, days) =>
    `${through === 1 ? 'Seq 1 was' : `Seqs 1–${through} were`} removed by the ${days}-day retention policy (signed prune marker).`,
  live: {
    label: 'Live',
    newEvents: (count) => (count === 1 ? '1 new event' : `${count} new events`),
    failed: 'Live updates paused: the server could not be reached. Trying again…',
  },
  table: { label: 'Audit log', openDetails: 'Open details', loadingRow: 'Loading event…' },
  dialog: {
    previous: 'Previous event',
    next: 'Next event',
    close: 'Close',
    who: 'Who',
    what: 'What',
    where: 'Where',
    details: 'Details',
    proof: 'Proof',
    raw: 'Raw JSON',
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'Copy failed',
    seq: (seq) => `seq ${seq}`,
    noTargets: 'No targets',
    nothing: 'Nothing recorded',
    storedHash: 'Stored hash',
    recomputedHash: 'Recomputed hash',
    hashesMatch: 'The recomputed hash matches the stored one.',
    hashesDiffer: 'The recomputed hash differs from the stored one: the content changed after signing.',
    keyId: 'Key id',
    keyPinned: 'This key is pinned.',
    keyNotPinned: 'This key is not pinned.',
    signature: 'Signature',
    signingKey: 'Signing key',
    canonical: 'Signed bytes (canonical JSON)',
  },
  export: {
    button: 'Export',
    csv: 'CSV',
    ndjson: 'NDJSON (verifiable)',
    creating: 'Starting export…',
    preparing: (rows) => `Preparing… ${rows.toLocaleString()} rows`,
    cancel: 'Cancel',
    ready: 'Your download has started.',
    downloadAgain: 'Download again',
    failed: 'Export failed',
    retry: 'Retry',
    noScope: 'Your account may not export the audit log.',
    downloadFailed: 'The download could not start.',
  },
  time: { exact: (iso) => iso },
}

/** Merge a host's partial messages over the defaults, one level deep. */
export function mergeMessages(partial?: DeepPartial<AuditLogMessages>): AuditLogMessages {
  return partial ? (merge(defaultMessages, partial) as AuditLogMessages) : defaultMessages
}

/** Overrides win at every depth; what they leave out keeps its default (functions are leaves). */
function merge(base: unknown, override: unknown): unknown {
  const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
  if (!isRecord(base) || !isRecord(override)) return override === undefined ? base : override
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(override)) merged[key] = merge(base[key], value)
  return merged
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (...args: never[]) => unknown ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K]
}
