/**
 * A store and a log model that start with a first page already here (`initialPage`, from the
 * host's server): ready at once, no request for it, paging on from its cursor; a filter change
 * loads afresh. A fake client whose answers the test releases by hand.
 */
import { describe, expect, it } from 'vitest'
import {
  AuditError,
  createEventStore,
  createLogModel,
  type AuditClient,
  type AuditEvent,
  type AuditFilters,
  type EventPage,
} from '../../../src/core/index.js'

const event = (seq: number): AuditEvent =>
  ({ id: `aevt_${seq}`, seq, org_id: 'aorg_1', action: 'a.b' }) as unknown as AuditEvent
const INITIAL: EventPage = { events: [event(5), event(4)], nextCursor: 'c4' }

function fakeClient() {
  const pending: {
    query: AuditFilters & { limit?: number; cursor?: string | null }
    resolve: (page: EventPage) => void
  }[] = []
  const client = {
    platform: { now: () => 0 },
    listEvents: (
      query: AuditFilters & { limit?: number; cursor?: string | null },
      { signal }: { signal?: AbortSignal } = {},
    ) =>
      new Promise<EventPage>((resolve, reject) => {
        pending.push({ query, resolve })
        signal?.addEventListener('abort', () => reject(new AuditError('aborted', 'cancelled')))
      }),
  } as unknown as AuditClient
  return { client, pending }
}
const flush = () => new Promise((resolve) => setTimeout(resolve, 0))
const ids = (events: readonly AuditEvent[]) => events.map((e) => e.id)

describe('an event store given an initial page', () => {
  it('is ready with it before any request, and pages on from its cursor', async () => {
    const { client, pending } = fakeClient()
    const store = createEventStore(client, { pageSize: 2, initialPage: INITIAL })
    expect(store.getSnapshot().state).toMatchObject({ status: 'ready', hasMore: true })
    expect(ids(store.getSnapshot().events)).toEqual(['aevt_5', 'aevt_4'])
    expect(pending).toHaveLength(0)
    const next = store.loadNext()
    expect(pending[0]!.query.cursor).toBe('c4')
    pending[0]!.resolve({ events: [event(3)], nextCursor: null })
    await next
    expect(ids(store.getSnapshot().events)).toEqual(['aevt_5', 'aevt_4', 'aevt_3'])
    expect(store.getSnapshot().state).toMatchObject({ status: 'ready', hasMore: false })
  })

  it('reports seq gaps in it as in a fetched page', () => {
    const { client } = fakeClient()
    const store = createEventStore(client, { initialPage: { events: [event(5), event(2)], nextCursor: null } })
    expect(store.getSnapshot().gaps).toEqual([
      { from: 3, to: 4, afterEventId: 'aevt_5' },
      { from: 1, to: 1, afterEventId: 'aevt_2' },
    ])
  })
})

describe('a log model given an initial page', () => {
  it('shows it from the start, and start() fetches nothing, across a StrictMode restart too', async () => {
    const { client, pending } = fakeClient()
    const model = createLogModel(client, { pageSize: 2, initialPage: INITIAL })
    expect(ids(model.getSnapshot().events)).toEqual(['aevt_5', 'aevt_4'])
    model.start()()
    model.start()
    await flush()
    expect(pending).toHaveLength(0)
    expect(model.getSnapshot().state.status).toBe('ready')
    expect(model.getSnapshot().rows.at(-1)?.kind).toBe('loader')
  })

  it('loads afresh once the filters change, and never shows the initial page again', async () => {
    const { client, pending } = fakeClient()
    const model = createLogModel(client, { pageSize: 2, initialPage: INITIAL })
    model.start()
    model.setOptions({ filters: { actions: ['user.login'] } })
    expect(model.getSnapshot().events).toEqual([])
    expect(pending.map((p) => p.query.actions)).toEqual([['user.login']])
    model.setOptions({ filters: {} })
    await flush()
    expect(model.getSnapshot().events).toEqual([])
    expect(pending).toHaveLength(2)
  })

  it('fetches the first page when started after its page size changed', () => {
    const { client, pending } = fakeClient()
    const model = createLogModel(client, { pageSize: 2, initialPage: INITIAL })
    model.setOptions({ pageSize: 3 })
    model.start()
    expect(model.getSnapshot().events).toEqual([])
    expect(pending.map((p) => p.query.limit)).toEqual([3])
  })
})
