/** The log model over a fake client whose answers the test releases by hand, with a hand-stepped timer. */
import { describe, expect, it, vi } from 'vitest'
import {
  AuditError,
  type AuditClient,
  type AuditEvent,
  type AuditFilters,
  type EventPage,
} from '../../../src/core/index.js'
import { createLogModel, type IntervalTimers, type LogModelOptions } from '../../../src/core/index.js'

// The window's re-fetch and live-tail code loads on demand; loaded up front here, one flush
// covers it as it does in a page where the first rows already requested it.
await import('../../../src/core/log/page-window.js')

const event = (seq: number, action = 'a.b'): AuditEvent =>
  ({ id: `aevt_${seq}`, seq, org_id: 'aorg_1', action }) as unknown as AuditEvent

interface Pending<T> {
  query: T
  signal?: AbortSignal
  resolve: (value: never) => void
  reject: (error: unknown) => void
}

/** A client whose calls wait until the test answers them, and an interval the test fires. */
function createMockEnvironment() {
  const pages: Pending<AuditFilters & { limit?: number; cursor?: string | null }>[] = []
  const gets: Pending<string>[] = []
  const wait =
    <T>(into: Pending<T>[]) =>
    (query: T, options: { signal?: AbortSignal } = {}) =>
      new Promise<never>((resolve, reject) => {
        into.push({ query, signal: options.signal, resolve, reject })
        options.signal?.addEventListener('abort', () => reject(new AuditError('aborted', 'cancelled')))
      })
  const client = { listEvents: wait(pages), getEvent: wait(gets) } as unknown as AuditClient
  const intervals = new Map<number, { callback: () => void; ms: number }>()
  let nextHandle = 0
  const timers: IntervalTimers = {
    setInterval: (callback, ms) => {
      intervals.set(++nextHandle, { callback, ms })
      return nextHandle
    },
    clearInterval: (handle) => void intervals.delete(handle as number),
  }
  const answer = (index: number, events: AuditEvent[], nextCursor: string | null = null) =>
    (pages[index]!.resolve as (page: EventPage) => void)({ events, nextCursor })
  const tick = () => [...intervals.values()].forEach((interval) => interval.callback())
  const model = (options: LogModelOptions = {}) => createLogModel(client, { timers, ...options })
  return { client, pages, gets, intervals, answer, tick, model }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))
const seqs = (rows: Iterable<{ kind: string; event?: AuditEvent }>) =>
  [...rows].map((row) => (row.kind === 'event' ? row.event!.seq : row.kind))

describe('createLogModel', () => {
  it('does nothing until started, so a server render that builds one stays pure', () => {
    const env = createMockEnvironment()
    const model = env.model({ liveTail: true, selectedEventId: 'aevt_9' })
    expect(env.pages).toHaveLength(0)
    expect(env.gets).toHaveLength(0)
    expect(env.intervals.size).toBe(0)
    expect(model.getSnapshot().state.status).toBe('idle')
  })

  it('gives rows with a gap marker under the event above missing seqs, and a loader row while more pages exist', async () => {
    const env = createMockEnvironment()
    const model = env.model({ pageSize: 3 })
    model.start()
    env.answer(0, [event(9), event(8), event(5)], 'c1')
    await flush()
    expect(seqs(model.getSnapshot().rows)).toEqual([9, 8, 'gap', 5, 'loader'])
    expect(model.getSnapshot().rows.at(2)).toEqual({ kind: 'gap', gap: { from: 6, to: 7, afterEventId: 'aevt_8' } })
    void model.loadNext()
    expect(env.pages[1]!.query).toMatchObject({ cursor: 'c1', limit: 3 })
    env.answer(1, [event(4), event(2)], null)
    await flush()
    expect(seqs(model.getSnapshot().rows)).toEqual([9, 8, 'gap', 5, 4, 'gap', 2, 'gap'])
  })

  it('publishes one new snapshot object per change and keeps the parts that did not change', async () => {
    const env = createMockEnvironment()
    const model = env.model()
    const listener = vi.fn()
    model.subscribe(listener)
    model.start()
    env.answer(0, [event(2), event(1)], null)
    await flush()
    const before = model.getSnapshot()
    expect(model.getSnapshot()).toBe(before)
    model.setOptions({ filters: {}, pageSize: undefined })
    expect(model.getSnapshot()).toBe(before)
    model.setOptions({ selectedEventId: 'aevt_1' })
    const after = model.getSnapshot()
    expect(after).not.toBe(before)
    expect(after.rows).toBe(before.rows)
    expect(after.selection).toMatchObject({ eventId: 'aevt_1', index: 1, event: { seq: 1 } })
    expect(listener).toHaveBeenCalled()
  })

  it('sorts a new page into place without losing what is loaded, and remembers every action seen', async () => {
    const env = createMockEnvironment()
    const model = env.model()
    model.start()
    env.answer(0, [event(10, 'x.b'), event(8, 'x.a')], 'c')
    await flush()
    void model.loadNext()
    env.answer(1, [event(9, 'x.c'), event(7, 'x.a'), event(8, 'x.a')], null)
    await flush()
    expect(model.getSnapshot().events.map((e) => e.seq)).toEqual([10, 9, 8, 7])
    model.setOptions({ filters: { actions: ['x.b'] } })
    env.answer(2, [event(10, 'x.b')], null)
    await flush()
    expect(model.getSnapshot().knownActions).toEqual(['x.a', 'x.b', 'x.c'])
  })

  it('polls on the injected timer while live, counts rows that land while the reader is away, and forgets them on markSeen', async () => {
    const env = createMockEnvironment()
    let atHead = false
    const model = env.model({ liveTail: true, liveTailIntervalMs: 1000, isAtHead: () => atHead })
    model.start()
    expect(env.intervals.size).toBe(0) // nothing to poll until rows are shown
    env.answer(0, [event(5)], null)
    await flush()
    expect([...env.intervals.values()]).toEqual([expect.objectContaining({ ms: 1000 })])
    env.tick()
    env.answer(1, [event(7), event(6), event(5)], 'x')
    await flush()
    expect(model.getSnapshot().liveTail).toEqual({ on: true, failure: null, unseen: 2 })
    expect(model.getSnapshot().events.map((e) => e.seq)).toEqual([7, 6, 5])
    model.markSeen()
    atHead = true
    env.tick()
    env.answer(2, [event(8), event(7)], 'x')
    await flush()
    expect(model.getSnapshot().liveTail.unseen).toBe(0)
    expect(model.getSnapshot().events).toHaveLength(4)
  })

  it('reports the first of a run of live-tail failures, shows it, and clears it when a poll succeeds', async () => {
    const env = createMockEnvironment()
    const onError = vi.fn()
    const model = env.model({ liveTail: true, onError })
    model.start()
    env.answer(0, [event(1)], null)
    await flush()
    env.tick()
    env.pages[1]!.reject(new AuditError('network', 'offline'))
    await flush()
    env.tick()
    env.pages[2]!.reject(new AuditError('network', 'offline'))
    await flush()
    expect(model.getSnapshot().liveTail.failure).toMatchObject({ code: 'network' })
    expect(onError).toHaveBeenCalledTimes(1)
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'network' }), 'live-tail')
    env.tick()
    env.answer(3, [event(1)], null)
    await flush()
    expect(model.getSnapshot().liveTail.failure).toBeNull()
  })

  it('fetches a deep-linked event that is not loaded, and shows a failure that retryDeepLink() fixes', async () => {
    const env = createMockEnvironment()
    const onError = vi.fn()
    const model = env.model({ selectedEventId: 'aevt_old', onError })
    model.start()
    expect(env.gets[0]!.query).toBe('aevt_old')
    expect(model.getSnapshot().selection.deepLink).toEqual({ status: 'loading', eventId: 'aevt_old' })
    env.answer(0, [event(2)], null)
    await flush()
    env.gets[0]!.reject(new AuditError('network', 'offline'))
    await flush()
    expect(model.getSnapshot().selection).toMatchObject({
      eventId: 'aevt_old',
      index: -1,
      event: null,
      deepLink: { status: 'failed', error: { code: 'network' } },
    })
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'network' }), 'event')
    model.retryDeepLink()
    ;(env.gets[1]!.resolve as (e: AuditEvent) => void)({ ...event(1), id: 'aevt_old' })
    await flush()
    expect(model.getSnapshot().selection).toMatchObject({ index: -1, event: { id: 'aevt_old' } })
  })

  it('aborts the deep-link fetch when the selection moves to a loaded event, or the model stops', async () => {
    const env = createMockEnvironment()
    const model = env.model({ selectedEventId: 'aevt_old' })
    const stop = model.start()
    env.answer(0, [event(2)], null)
    await flush()
    model.setOptions({ selectedEventId: 'aevt_2' })
    expect(env.gets[0]!.signal!.aborted).toBe(true)
    expect(model.getSnapshot().selection).toMatchObject({ index: 0, deepLink: { status: 'none' } })
    model.setOptions({ selectedEventId: 'aevt_gone' })
    stop()
    expect(env.gets[1]!.signal!.aborted).toBe(true)
    await flush()
    expect(model.getSnapshot().selection.deepLink.status).not.toBe('failed')
  })

  it('setOptions reloads for new filters or a new page size, and switches the live tail timer', async () => {
    const env = createMockEnvironment()
    const model = env.model({ filters: { actorId: 'u1' } })
    model.start()
    env.answer(0, [event(3)], null)
    await flush()
    model.setOptions({ filters: { actorId: 'u1' } }) // same content: nothing to do
    expect(env.pages).toHaveLength(1)
    model.setOptions({ filters: { actorId: 'u2' } })
    expect(env.pages[1]!.query).toMatchObject({ actorId: 'u2' })
    env.answer(1, [event(2)], null)
    await flush()
    model.setOptions({ pageSize: 7 })
    expect(env.pages[2]!.query).toMatchObject({ actorId: 'u2', limit: 7, cursor: null })
    env.answer(2, [event(2)], null)
    await flush()
    expect(env.intervals.size).toBe(0)
    model.setOptions({ liveTail: true })
    expect(env.intervals.size).toBe(1)
    expect(model.getSnapshot().liveTail.on).toBe(true)
    model.setOptions({ liveTailIntervalMs: 250 })
    expect([...env.intervals.values()].map((i) => i.ms)).toEqual([250])
    model.setOptions({ liveTail: false })
    expect(env.intervals.size).toBe(0)
  })

  it('stops in flight work and its timer on stop, and starts cleanly again (React StrictMode remounts)', async () => {
    const env = createMockEnvironment()
    const model = env.model({ liveTail: true })
    const stop = model.start()
    stop()
    expect(env.pages[0]!.signal!.aborted).toBe(true)
    model.start()
    stop() // a stale stop leaves the new run alone
    env.answer(1, [event(1)], null)
    await flush()
    expect(model.getSnapshot().state.status).toBe('ready')
    expect(env.intervals.size).toBe(1)
    model.dispose()
    expect(env.intervals.size).toBe(0)
  })
})
