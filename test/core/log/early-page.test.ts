/**
 * `LogModel.prefetch()`: the first page requested before `start()` (while a view first
 * renders), taken by `start()` instead of a second request, shared by models made at the same
 * time (React StrictMode calls a state initializer twice), and taken again by a start that
 * follows a stop (StrictMode's remount). A fake client whose pages the test answers by hand.
 */
import { describe, expect, it } from 'vitest'
import { createLogModel, type AuditClient, type AuditEvent, type EventPage } from '../../../src/core/index.js'
import type { EventsQuery } from '../../../src/core/log/client.js'

const event = (seq: number): AuditEvent =>
  ({ id: `aevt_${seq}`, seq, org_id: 'aorg_1', action: 'a.b' }) as unknown as AuditEvent

function createMockEnvironment() {
  const pages: { query: EventsQuery; answer: (page: EventPage) => void; fail: (error: unknown) => void }[] = []
  const client = {
    listEvents: (query: EventsQuery) =>
      new Promise<EventPage>((answer, fail) => {
        pages.push({ query, answer, fail })
      }),
  } as unknown as AuditClient
  return { client, pages }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))
const seqsOf = (model: ReturnType<typeof createLogModel>) =>
  [...model.getSnapshot().rows].map((row) => (row.kind === 'event' ? row.event.seq : row.kind))

describe('LogModel.prefetch', () => {
  it('requests the first page before start(), and start() takes that request', async () => {
    const env = createMockEnvironment()
    const model = createLogModel(env.client, { pageSize: 3, filters: { actorId: 'u1' } })
    model.prefetch()
    expect(env.pages.map((p) => p.query)).toEqual([{ actorId: 'u1', limit: 3 }])
    model.start()
    expect(env.pages).toHaveLength(1)
    expect(model.getSnapshot().state.status).toBe('loading')
    env.pages[0]!.answer({ events: [event(3), event(2)], nextCursor: null })
    await flush()
    expect(seqsOf(model)).toEqual([3, 2])
    expect(env.pages).toHaveLength(1)
  })

  it('is one request for two models of the same client and query made at once (StrictMode’s two initializer calls)', async () => {
    const env = createMockEnvironment()
    const kept = createLogModel(env.client)
    const discarded = createLogModel(env.client)
    kept.prefetch()
    discarded.prefetch()
    expect(env.pages).toHaveLength(1)
    kept.start()
    env.pages[0]!.answer({ events: [event(1)], nextCursor: null })
    await flush()
    expect(seqsOf(kept)).toEqual([1])
    expect(env.pages).toHaveLength(1)
  })

  it('is a request of its own for another query on the same client, and each model shows its own page', async () => {
    const env = createMockEnvironment()
    const everyone = createLogModel(env.client)
    const one = createLogModel(env.client, { filters: { actorId: 'u1' } })
    everyone.prefetch()
    one.prefetch()
    expect(env.pages.map((p) => p.query)).toEqual([{ limit: 50 }, { actorId: 'u1', limit: 50 }])
    everyone.start()
    one.start()
    env.pages[0]!.answer({ events: [event(2), event(1)], nextCursor: null })
    env.pages[1]!.answer({ events: [event(1)], nextCursor: null })
    await flush()
    expect(seqsOf(everyone)).toEqual([2, 1])
    expect(seqsOf(one)).toEqual([1])
    expect(env.pages).toHaveLength(2)
  })

  it('is taken again by a start that follows a stop while it is in flight (StrictMode’s remount)', async () => {
    const env = createMockEnvironment()
    const model = createLogModel(env.client)
    model.prefetch()
    const stop = model.start()
    stop()
    model.start()
    expect(env.pages).toHaveLength(1)
    env.pages[0]!.answer({ events: [event(2), event(1)], nextCursor: null })
    await flush()
    expect(seqsOf(model)).toEqual([2, 1])
    expect(env.pages).toHaveLength(1)
  })

  it('shows a failed early request as the first page’s failure, and a retry asks again', async () => {
    const env = createMockEnvironment()
    const model = createLogModel(env.client)
    model.prefetch()
    model.start()
    env.pages[0]!.fail(new Error('offline'))
    await flush()
    expect(model.getSnapshot().state.status).toBe('error')
    void model.retry()
    expect(env.pages).toHaveLength(2)
  })

  it('is not shown for filters that changed before start(): those are fetched', async () => {
    const env = createMockEnvironment()
    const model = createLogModel(env.client)
    model.prefetch()
    model.setOptions({ filters: { actions: ['user.login'] } })
    model.start()
    expect(env.pages.map((p) => p.query)).toEqual([{ limit: 50 }, { actions: ['user.login'], limit: 50, cursor: null }])
    env.pages[0]!.answer({ events: [event(9)], nextCursor: null })
    env.pages[1]!.answer({ events: [event(7)], nextCursor: null })
    await flush()
    expect(seqsOf(model)).toEqual([7])
  })

  it('is forgotten once answered: a log made later asks afresh, and a restart after the page loads afresh', async () => {
    const env = createMockEnvironment()
    const first = createLogModel(env.client)
    first.prefetch()
    const stop = first.start()
    env.pages[0]!.answer({ events: [event(1)], nextCursor: null })
    await flush()
    const later = createLogModel(env.client)
    later.prefetch()
    expect(env.pages).toHaveLength(2)
    stop()
    first.start()
    expect(env.pages).toHaveLength(3)
  })

  it('asks for the page size the store pages with, also for a page size of 0 (the default, 50)', async () => {
    const env = createMockEnvironment()
    const model = createLogModel(env.client, { pageSize: 0 })
    model.prefetch()
    model.start()
    env.pages[0]!.answer({ events: [event(60)], nextCursor: 'c1' })
    await flush()
    void model.loadNext()
    expect(env.pages.map((p) => p.query.limit)).toEqual([50, 50])
  })

  it('does nothing with an initial page from the server', () => {
    const env = createMockEnvironment()
    const model = createLogModel(env.client, { initialPage: { events: [event(1)], nextCursor: null } })
    model.prefetch()
    model.start()
    expect(env.pages).toHaveLength(0)
    expect(seqsOf(model)).toEqual([1])
  })
})
