/** The event store and export job over a fake client whose answers the test releases by hand. */
import { describe, expect, it } from 'vitest'
import {
  AuditError,
  createEventStore,
  createExportJob,
  type AuditClient,
  type AuditEvent,
  type AuditFilters,
  type EventPage,
  type ExportInfo,
} from '../../../src/core/index.js'
import { exportInfo } from '../../support/export-info.js'

// The window's code (page-window.ts: re-fetch, live tail, the prune marker) loads on demand;
// loaded up front here, one flush covers it as it does in a page where the first rows already
// requested it. on-demand.test.ts checks what happens before it has loaded.
await import('../../../src/core/log/page-window.js')

const event = (seq: number, org = 'aorg_1'): AuditEvent =>
  ({ id: `aevt_${seq}`, seq, org_id: org, action: 'a.b' }) as unknown as AuditEvent

interface Pending {
  query: AuditFilters & { limit?: number; cursor?: string | null }
  signal?: AbortSignal
  resolve: (page: EventPage) => void
  reject: (error: unknown) => void
}

/** A client whose listEvents calls wait until the test answers them. */
function fakeClient() {
  const pending: Pending[] = []
  let now = 0
  const sleeps: number[] = []
  const client = {
    platform: {
      fetch: globalThis.fetch,
      now: () => now,
      random: () => 0.5,
      sleep: async (ms: number, signal?: AbortSignal) => {
        sleeps.push(ms)
        if (signal?.aborted) throw new AuditError('aborted', 'cancelled')
      },
    },
    listEvents: (query: Pending['query'], options: { signal?: AbortSignal } = {}) =>
      new Promise<EventPage>((resolve, reject) => {
        pending.push({ query, signal: options.signal, resolve, reject })
        options.signal?.addEventListener('abort', () => reject(new AuditError('aborted', 'cancelled')))
      }),
  } as unknown as AuditClient
  return { client, pending, sleeps, setNow: (ms: number) => (now = ms) }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('createEventStore', () => {
  it('loads pages in seq order, once each, and shares concurrent loadNext calls', async () => {
    const { client, pending } = fakeClient()
    const store = createEventStore(client, { pageSize: 3 })
    const seen: string[] = []
    store.subscribe(() => seen.push(store.getSnapshot().state.status))
    const first = store.loadNext()
    expect(store.loadNext()).toBe(first)
    expect(pending).toHaveLength(1)
    pending[0]!.resolve({ events: [event(10), event(9), event(8)], nextCursor: 'c1' })
    await first
    const second = store.loadNext()
    expect(pending[1]!.query.cursor).toBe('c1')
    // The server returns an overlapping event (it can, if the page boundary moved): kept once.
    pending[1]!.resolve({ events: [event(8), event(7), event(6)], nextCursor: null })
    await second
    const snapshot = store.getSnapshot()
    expect(snapshot.events.map((e) => e.seq)).toEqual([10, 9, 8, 7, 6])
    expect(snapshot.state).toEqual({ status: 'ready', hasMore: false, loadingMore: false, pageError: null })
    expect(seen).toEqual(['loading', 'ready', 'ready', 'ready'])
    await store.loadNext()
    expect(pending).toHaveLength(2)
  })

  it('never shows a stale page after a filter change, even when it arrives last', async () => {
    const { client, pending } = fakeClient()
    const store = createEventStore(client)
    void store.loadNext()
    void store.setFilters({ actions: ['user.signed_in'] })
    expect(pending[0]!.signal!.aborted).toBe(true)
    expect(pending[1]!.query.actions).toEqual(['user.signed_in'])
    pending[1]!.resolve({ events: [event(5)], nextCursor: null })
    await flush()
    // The old request's answer comes in late (as if the abort had not reached the server).
    pending[0]!.resolve({ events: [event(99), event(98)], nextCursor: 'old' })
    await flush()
    expect(store.getSnapshot().events.map((e) => e.seq)).toEqual([5])
    expect(store.getSnapshot().filters).toEqual({ actions: ['user.signed_in'] })
  })

  it('live tail adds only events above the head, never twice, and says how many', async () => {
    const { client, pending } = fakeClient()
    const store = createEventStore(client, { pageSize: 2 })
    void store.loadNext()
    pending[0]!.resolve({ events: [event(10), event(9)], nextCursor: 'c' })
    await flush()
    const tail = store.refreshHead()
    pending[1]!.resolve({ events: [event(13), event(12)], nextCursor: 't1' })
    await flush()
    expect(pending[2]!.query.cursor).toBe('t1')
    pending[2]!.resolve({ events: [event(11), event(10)], nextCursor: 't2' })
    expect(await tail).toBe(3)
    const again = store.refreshHead()
    pending[3]!.resolve({ events: [event(13), event(12)], nextCursor: 'x' })
    expect(await again).toBe(0)
    expect(store.getSnapshot().events.map((e) => e.seq)).toEqual([13, 12, 11, 10, 9])
  })

  it('restarts from the newest rows when more arrived than live tail reads, leaving no hole or false gap', async () => {
    const { client, pending } = fakeClient()
    const store = createEventStore(client, { pageSize: 5, maxTailPages: 2 })
    void store.loadNext()
    pending[0]!.resolve({ events: [10, 9, 8, 7, 6].map((n) => event(n)), nextCursor: 'c' })
    await flush()
    const tail = store.refreshHead()
    pending[1]!.resolve({ events: [40, 39, 38, 37, 36].map((n) => event(n)), nextCursor: 't1' })
    await flush()
    pending[2]!.resolve({ events: [35, 34, 33, 32, 31].map((n) => event(n)), nextCursor: 't2' })
    expect(await tail).toBe(10)
    const snapshot = store.getSnapshot()
    expect(snapshot.events.map((e) => e.seq)).toEqual([40, 39, 38, 37, 36, 35, 34, 33, 32, 31])
    expect(snapshot.gaps).toEqual([])
    expect(snapshot.state).toMatchObject({ status: 'ready', hasMore: true })
    void store.loadNext()
    expect(pending[3]!.query.cursor).toBe('t2')
  })

  it('reports seq gaps between loaded neighbours (and below the oldest), but not with filters', async () => {
    const { client, pending } = fakeClient()
    const store = createEventStore(client)
    void store.loadNext()
    pending[0]!.resolve({ events: [event(44), event(43), event(40), event(3)], nextCursor: null })
    await flush()
    expect(store.getSnapshot().gaps).toEqual([
      { from: 41, to: 42, afterEventId: 'aevt_43' },
      { from: 4, to: 39, afterEventId: 'aevt_40' },
      { from: 1, to: 2, afterEventId: 'aevt_3' },
    ])
    void store.setFilters({ actorId: 'u1' })
    pending[1]!.resolve({ events: [event(44), event(3)], nextCursor: null })
    await flush()
    expect(store.getSnapshot().gaps).toEqual([])
  })

  it('turns a failed first page into an error state, and retry() loads again', async () => {
    const { client, pending } = fakeClient()
    const store = createEventStore(client)
    void store.loadNext()
    pending[0]!.reject(new AuditError('upstream', 'down', { status: 502 }))
    await flush()
    expect(store.getSnapshot().state).toMatchObject({ status: 'error', error: { code: 'upstream' } })
    void store.retry()
    pending[1]!.resolve({ events: [event(1)], nextCursor: null })
    await flush()
    expect(store.getSnapshot().state.status).toBe('ready')
  })

  it('keeps the rows and reports a failed later page, and enters session-expired when the session ends', async () => {
    const { client, pending } = fakeClient()
    const store = createEventStore(client)
    void store.loadNext()
    pending[0]!.resolve({ events: [event(5)], nextCursor: 'c' })
    await flush()
    void store.loadNext()
    pending[1]!.reject(new AuditError('network', 'offline'))
    await flush()
    expect(store.getSnapshot().state).toMatchObject({ status: 'ready', pageError: { code: 'network' } })
    expect(store.getSnapshot().events).toHaveLength(1)
    void store.loadNext()
    pending[2]!.reject(new AuditError('session-expired', 'ended'))
    await flush()
    expect(store.getSnapshot().state).toMatchObject({ status: 'session-expired' })
  })
})

describe('createExportJob', () => {
  function exportClient(answers: Partial<ExportInfo>[]) {
    const { client, sleeps, setNow } = fakeClient()
    let calls = 0
    Object.assign(client, {
      createExport: async () => exportInfo(answers[calls++] ?? {}),
      getExport: async () => exportInfo(answers[calls++] ?? answers.at(-1)!),
    })
    return { client, sleeps, setNow, calls: () => calls }
  }

  it('goes creating -> polling (row count growing, backoff 1 s to 5 s) -> ready', async () => {
    const ready = {
      status: 'ready' as const,
      rowCount: 900,
      downloadUrl: 'https://x/d1',
      expiresAt: '1970-01-01T00:01:00.000Z',
    }
    const { client, sleeps } = exportClient([
      { status: 'queued' },
      { rowCount: 100 },
      { rowCount: 300 },
      { rowCount: 600 },
      { rowCount: 800 },
      { rowCount: 850 },
      ready,
    ])
    const job = createExportJob(client, { format: 'csv' })
    const states: string[] = []
    job.subscribe(() => {
      const s = job.getSnapshot()
      states.push(s.status === 'polling' ? `polling:${s.attempt}:${s.rowCount}` : s.status)
    })
    await job.start()
    expect(states).toEqual([
      'creating',
      'polling:1:0',
      'polling:2:100',
      'polling:3:300',
      'polling:4:600',
      'polling:5:800',
      'polling:6:850',
      'ready',
    ])
    expect(sleeps).toEqual([1000, 1500, 2250, 3375, 5000, 5000])
    expect(job.getSnapshot()).toEqual({
      status: 'ready',
      jobId: 'h1',
      url: 'https://x/d1',
      expiresAt: ready.expiresAt,
      rowCount: 900,
    })
  })

  it('fails with the server’s reason', async () => {
    const { client } = exportClient([{ status: 'queued' }, { status: 'failed', error: 'disk full' }])
    const job = createExportJob(client, { format: 'ndjson' })
    await job.start()
    expect(job.getSnapshot()).toMatchObject({
      status: 'failed',
      jobId: 'h1',
      error: { message: 'disk full', retryable: true },
    })
  })

  it('loads its state machine on start: cancelled before it has loaded, it asks the server for nothing', async () => {
    const { client, calls } = exportClient([{ status: 'queued' }])
    const job = createExportJob(client, { format: 'csv' })
    const started = job.start()
    job.cancel()
    await started
    expect(job.getSnapshot()).toEqual({ status: 'cancelled' })
    expect(calls()).toBe(0)
  })

  it('can be cancelled while polling', async () => {
    const { client } = exportClient([{ status: 'queued' }])
    const job = createExportJob(client, { format: 'csv' })
    job.subscribe(() => {
      if (job.getSnapshot().status === 'polling') job.cancel()
    })
    await job.start()
    expect(job.getSnapshot()).toEqual({ status: 'cancelled' })
  })

  it('stays cancelled when a poll answer was already on its way', async () => {
    const { client } = exportClient([
      { status: 'queued' },
      { status: 'ready', downloadUrl: 'https://x/d', expiresAt: '1970-01-01T00:01:00.000Z' },
    ])
    const job = createExportJob(client, { format: 'csv' })
    job.subscribe(() => {
      // Cancel in the same tick as the poll that returns "ready".
      if (job.getSnapshot().status === 'polling') queueMicrotask(() => job.cancel())
    })
    await job.start()
    expect(job.getSnapshot()).toEqual({ status: 'cancelled' })
  })

  it('fetches a fresh link when the old one has expired by the time the user clicks', async () => {
    const { client, setNow } = exportClient([
      { status: 'ready', downloadUrl: 'https://x/old', expiresAt: '1970-01-01T00:01:00.000Z' },
      { status: 'ready', downloadUrl: 'https://x/new', expiresAt: '1970-01-01T00:03:00.000Z' },
    ])
    const job = createExportJob(client, { format: 'csv' })
    await job.start()
    expect(await job.downloadUrl()).toBe('https://x/old')
    setNow(58_000) // inside the safety margin before expiry
    expect(await job.downloadUrl()).toBe('https://x/new')
    expect(job.getSnapshot()).toMatchObject({ status: 'ready', url: 'https://x/new' })
  })
})
