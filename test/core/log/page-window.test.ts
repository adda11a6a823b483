/**
 * The log model's window of pages over a fake client whose answers the test releases by hand:
 * far pages drop their events and come back by their cursor, a page that changed meanwhile is
 * derived afresh, a page costs O(page), and live tail stays bounded.
 */
import { describe, expect, it } from 'vitest'
import {
  AuditError,
  createLogModel,
  type AuditClient,
  type AuditEvent,
  type AuditFilters,
  type EventPage,
  type IntervalTimers,
  type LogModelOptions,
  type LogRows,
} from '../../../src/core/index.js'

// The window's re-fetch and live-tail code loads on demand; loaded up front here, one flush
// covers it as it does in a page where the first rows already requested it.
await import('../../../src/core/log/page-window.js')

/** Property reads of the events made through `counted`, to prove which events a step touched. */
let reads = new Map<number, number>()
const event = (seq: number): AuditEvent =>
  ({ id: `aevt_${seq}`, seq, org_id: 'aorg_1', action: `x.${seq % 3}` }) as unknown as AuditEvent
const counted = (seq: number): AuditEvent =>
  new Proxy(event(seq), {
    get(target, key, receiver) {
      reads.set(seq, (reads.get(seq) ?? 0) + 1)
      return Reflect.get(target, key, receiver) as unknown
    },
  })
/** Seqs `from` down to `to`, newest first. */
const run = (from: number, to: number, make = event) => Array.from({ length: from - to + 1 }, (_, i) => make(from - i))

interface Pending {
  query: AuditFilters & { limit?: number; cursor?: string | null }
  resolve: (page: EventPage) => void
}

function createMockEnvironment() {
  const pages: Pending[] = []
  const gets: string[] = []
  const client = {
    listEvents: (query: Pending['query'], options: { signal?: AbortSignal } = {}) =>
      new Promise<EventPage>((resolve, reject) => {
        pages.push({ query, resolve })
        options.signal?.addEventListener('abort', () => reject(new AuditError('aborted', 'cancelled')))
      }),
    getEvent: (id: string) => {
      gets.push(id)
      return new Promise(() => {})
    },
  } as unknown as AuditClient
  let tick = () => {}
  const timers: IntervalTimers = {
    setInterval: (callback) => ((tick = callback), 1),
    clearInterval: () => {},
  }
  const flush = () => new Promise((resolve) => setTimeout(resolve, 0))
  /** Answer the newest request. */
  const answer = async (events: AuditEvent[], nextCursor: string | null) => {
    pages.at(-1)!.resolve({ events, nextCursor })
    await flush()
  }
  const model = (options: LogModelOptions = {}) => createLogModel(client, { timers, ...options })
  return { pages, gets, answer, model, tick: () => tick(), flush }
}

/** What each row shows: a seq, 'hold' for a placeholder, or the row's kind. */
const shown = (rows: LogRows) =>
  [...rows].map((row) =>
    row.kind === 'event' ? Number(row.event.seq) : row.kind === 'placeholder' ? 'hold' : row.kind,
  )

/** Pages of 2 from seq 10 down (cursors c8, c6, c4, c2), four of them loaded. */
async function fourPages(env: ReturnType<typeof createMockEnvironment>, options: LogModelOptions = {}) {
  const model = env.model({ pageSize: 2, windowPages: 2, ...options })
  model.start()
  await env.answer(run(10, 9), 'c8')
  for (const [from, cursor] of [
    [8, 'c6'],
    [6, 'c4'],
    [4, 'c2'],
  ] as const) {
    // The view reports the bottom rows as shown, as it does while scrolling down.
    const rows = model.getSnapshot().rows
    model.setViewport(rows.length - 2, rows.length - 1)
    void model.loadNext()
    await env.answer(run(from, from - 1), cursor)
  }
  return model
}

describe('the window of pages', () => {
  it('drops the events of pages far from the viewport and keeps their rows as placeholders', async () => {
    const env = createMockEnvironment()
    const model = await fourPages(env)
    const { rows, events, heldCount } = model.getSnapshot()
    expect(shown(rows)).toEqual(['hold', 'hold', 'hold', 'hold', 6, 5, 4, 3, 'loader'])
    expect(rows.eventCount).toBe(8)
    expect(events.map((e) => Number(e.seq))).toEqual([6, 5, 4, 3])
    // What the grid's data-held-rows shows, counted without building the list.
    expect(heldCount).toBe(4)
  })

  it('keeps a dropped page’s gap rows in place among its placeholders, made on demand', async () => {
    const env = createMockEnvironment()
    const model = env.model({ pageSize: 3, windowPages: 1 })
    model.start()
    await env.answer([event(10), event(8), event(5)], 'c4')
    model.setViewport(5, 5) // the loader row
    void model.loadNext()
    await env.answer(run(4, 3), 'c2')
    model.setViewport(5, 6)
    const { rows } = model.getSnapshot()
    expect(shown(rows)).toEqual(['hold', 'gap', 'hold', 'gap', 'hold', 4, 3, 'loader'])
    expect(rows.at(3)).toEqual({ kind: 'gap', gap: { from: 6, to: 7, afterEventId: 'aevt_8' } })
    expect(rows.at(4)).toEqual({ kind: 'placeholder', key: expect.stringMatching(/:2$/) })
  })

  it('fetches a dropped page again by its own cursor when it comes back into view, and fills it in', async () => {
    const env = createMockEnvironment()
    const model = await fourPages(env)
    const requests = env.pages.length
    const keys = [2, 3].map((i) => model.getSnapshot().rows.keyAt(i))
    model.setViewport(2, 3)
    await env.flush() // the re-fetch code loads on demand
    expect(env.pages).toHaveLength(requests + 1)
    expect(env.pages.at(-1)!.query).toMatchObject({ cursor: 'c8', limit: 2 })
    await env.answer(run(8, 7), 'c6')
    const { rows, events } = model.getSnapshot()
    expect(shown(rows)).toEqual(['hold', 'hold', 8, 7, 6, 5, 'hold', 'hold', 'loader'])
    expect(events).toHaveLength(4)
    // The filled rows keep their placeholders' keys, so a view keeps their elements (and focus).
    expect([2, 3].map((i) => rows.keyAt(i))).toEqual(keys)
    expect(new Set([...Array(rows.length).keys()].map((i) => rows.keyAt(i))).size).toBe(rows.length)
  })

  it('derives a page afresh when it changed meanwhile, never drawing an event in another one’s place', async () => {
    const env = createMockEnvironment()
    const model = await fourPages(env)
    model.setViewport(2, 3)
    await env.flush()
    // Retention removed seq 7 since the page was read: the re-fetch reaches into the next page.
    await env.answer([event(8), event(6)], 'c5')
    const rows = model.getSnapshot().rows
    expect(shown(rows)).toEqual(['hold', 'hold', 8, 'gap', 6, 5, 'hold', 'hold', 'loader'])
    expect(rows.at(3)).toEqual({ kind: 'gap', gap: { from: 7, to: 7, afterEventId: 'aevt_8' } })
    expect(rows.eventCount).toBe(7)
  })

  it('adds a page in O(page): earlier events are not read again and earlier rows stay the same objects', async () => {
    const env = createMockEnvironment()
    const model = env.model({ pageSize: 3, windowPages: 50 })
    model.start()
    await env.answer(run(30, 28, counted), 'c27')
    void model.loadNext()
    await env.answer(run(27, 25, counted), 'c24')
    const before = model.getSnapshot()
    model.setOptions({ selectedEventId: 'aevt_29' })
    reads = new Map()
    void model.loadNext()
    await env.answer(run(24, 22, counted), 'c21')
    const after = model.getSnapshot()
    // Only the new page's events were read (sorting, gaps, rows, knownActions, selection).
    expect([...reads.keys()].sort()).toEqual([22, 23, 24])
    for (let i = 0; i < 6; i++) expect(after.rows.at(i)).toBe(before.rows.at(i))
    expect(after.selection).toMatchObject({ eventId: 'aevt_29', index: 1 })
    expect(after.knownActions).toEqual(['x.0', 'x.1', 'x.2'])
  })

  it('keeps the selected event shown when its page is dropped, without fetching it by id', async () => {
    const env = createMockEnvironment()
    const model = env.model({ pageSize: 2, windowPages: 1, selectedEventId: 'aevt_9' })
    model.start()
    await env.answer(run(10, 9), 'c8')
    expect(model.getSnapshot().selection).toMatchObject({ index: 1, event: { id: 'aevt_9' } })
    const fetched = env.gets.length // the deep link asked once, before the first page landed
    model.setViewport(2, 2) // the loader row
    void model.loadNext()
    await env.answer(run(8, 7), 'c6')
    model.setViewport(2, 3)
    const { selection, rows } = model.getSnapshot()
    expect(shown(rows)).toEqual(['hold', 'hold', 8, 7, 'loader'])
    expect(selection).toMatchObject({ eventId: 'aevt_9', index: -1, event: { id: 'aevt_9' } })
    expect(env.gets).toHaveLength(fetched)
  })

  it('keeps live tail bounded while the reader is deep: new head pages are dropped too, and still counted', async () => {
    const env = createMockEnvironment()
    const model = await fourPages(env, { liveTail: true, isAtHead: () => false })
    for (let round = 0; round < 5; round++) {
      const head = 10 + round * 4
      env.tick()
      // Newest first from the head: four new events, then the old head.
      await env.answer([...run(head + 4, head + 1), event(head)], 'cx')
    }
    const { rows, events, liveTail, blocks } = model.getSnapshot()
    expect(liveTail.unseen).toBe(20)
    expect(rows.eventCount).toBe(28)
    expect(events.map((e) => Number(e.seq))).toEqual([6, 5, 4, 3])
    expect(blocks.filter((block) => block.events !== null)).toHaveLength(2)
    expect(
      shown(rows)
        .slice(0, 20)
        .every((row) => row === 'hold'),
    ).toBe(true)
  })
})
