/**
 * What the log model loads on demand with the window's code (page-window.ts): a deep link or a
 * verified prune marker that comes before that code is here waits for it, then takes effect
 * with no further call. Each test loads core afresh, so the code is not loaded when it starts.
 */
import * as ed from '@noble/ed25519'
import { bytesToHex } from '@noble/hashes/utils.js'
import { describe, expect, it, vi } from 'vitest'
import type { AuditClient, AuditEvent } from '../../../src/core/index.js'
import { pruneMarkerBytes } from '../../../src/core/verify/prune-marker.js'
import { createSigner, VECTOR_SEED } from '../../support/signing.js'

const event = (seq: number): AuditEvent =>
  ({ id: `aevt_${seq}`, seq, org_id: 'aorg_1', action: 'a.b' }) as unknown as AuditEvent
const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

/** Core and its window loader, loaded afresh: nothing of page-window.ts is loaded yet. */
async function freshCore() {
  vi.resetModules()
  const core = await import('../../../src/core/index.js')
  const { loadWindow, loadedWindow } = await import('../../../src/core/log/block-list.js')
  return { ...core, loadWindow, loadedWindow }
}

describe('the log model before its on-demand code has loaded', () => {
  it('given a deep link to an event that is not loaded, fetches it once the code is here', async () => {
    const core = await freshCore()
    expect(core.loadedWindow()).toBeNull()
    const gets: string[] = []
    const client = {
      listEvents: () => new Promise(() => {}),
      getEvent: async (id: string) => {
        gets.push(id)
        return { ...event(1), id }
      },
    } as unknown as AuditClient
    const model = core.createLogModel(client, { selectedEventId: 'aevt_old' })
    model.start()
    await core.loadWindow()
    await flush()
    expect(gets).toEqual(['aevt_old'])
    expect(model.getSnapshot().selection).toMatchObject({
      eventId: 'aevt_old',
      event: { id: 'aevt_old' },
      deepLink: { status: 'ready' },
    })
  })

  it('given a verified prune marker, shows the gap until the code is here, then the pruned row', async () => {
    const core = await freshCore()
    const signer = createSigner(VECTOR_SEED)
    const fields = {
      org_id: 'aorg_1',
      pruned_through_seq: 3,
      pruned_at: '2026-11-01T00:00:00.000Z',
      retention_days: 30,
      cutoff: '2026-10-02T00:00:00.000Z',
      key_id: 'akey_1',
    }
    const signature = bytesToHex(ed.sign(pruneMarkerBytes(fields), VECTOR_SEED))
    const raw = { schema: 'auditlens.prune/1', ...fields, signing_public_key: signer.publicKey, signature }
    const pruneMarker = await core.verifyPruneMarker(raw, { trustedKeys: [signer.publicKey] })
    expect(pruneMarker.status).toBe('verified')
    expect(core.loadedWindow()).toBeNull()
    const page = { events: [event(5), event(4)], nextCursor: null }
    const client = { listEvents: async () => page } as unknown as AuditClient
    const model = core.createLogModel(client, { initialPage: page, pruneMarker })
    const kinds = () => [...model.getSnapshot().rows].map((row) => row.kind)
    expect(kinds()).toEqual(['event', 'event', 'gap'])
    await core.loadWindow()
    await flush()
    expect(kinds()).toEqual(['event', 'event', 'pruned'])
    expect(model.getSnapshot().gaps).toEqual([])
  })

  it('given a live-tail poll, reads the head once the code is here and adds what is newer', async () => {
    const core = await freshCore()
    expect(core.loadedWindow()).toBeNull()
    const head = { events: [event(7), event(6), event(5)], nextCursor: null }
    const client = { listEvents: async () => head } as unknown as AuditClient
    const store = core.createEventStore(client, { initialPage: { events: [event(5)], nextCursor: null } })
    await expect(store.refreshHead()).resolves.toBe(2)
    expect(store.getSnapshot().events.map((e) => e.seq)).toEqual([7, 6, 5])
  })

  it('given live tail on when the first rows show, starts its timer once the code is here and polls the head', async () => {
    const core = await freshCore()
    expect(core.loadedWindow()).toBeNull()
    const head = { events: [event(3), event(2), event(1)], nextCursor: null }
    const client = { listEvents: async () => head } as unknown as AuditClient
    const intervals: (() => void)[] = []
    const timers = { setInterval: (tick: () => void) => intervals.push(tick), clearInterval: () => {} }
    const model = core.createLogModel(client, {
      initialPage: { events: [event(1)], nextCursor: null },
      liveTail: true,
      timers,
    })
    model.start()
    expect(intervals).toHaveLength(0)
    await core.loadWindow()
    await flush()
    expect(intervals).toHaveLength(1)
    intervals[0]!()
    await core.loadWindow()
    await flush()
    expect([...model.getSnapshot().rows].map((row) => row.kind === 'event' && row.event.seq)).toEqual([3, 2, 1])
    expect(model.getSnapshot().liveTail).toMatchObject({ on: true, failure: null })
  })
})

/** Let a dynamic import through the module mock settle, with what it sets off. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await flush()
}

describe('the log model when its on-demand code fails to load', () => {
  it('given live tail on, shows and reports the failure, and a later try loads the code and polls', async () => {
    vi.resetModules()
    let attempts = 0
    // The chunk fails once (a deploy replaced it, the network dropped), then loads.
    vi.doMock('../../../src/core/log/page-window.js', async (importOriginal) => {
      attempts++
      if (attempts === 1) throw new TypeError('Failed to fetch dynamically imported module')
      return importOriginal()
    })
    try {
      const core = await import('../../../src/core/index.js')
      const head = { events: [event(3), event(2), event(1)], nextCursor: null }
      const client = { listEvents: async () => head } as unknown as AuditClient
      const intervals: (() => void)[] = []
      const timers = { setInterval: (tick: () => void) => intervals.push(tick), clearInterval: () => {} }
      const errors: [string, string][] = []
      const model = core.createLogModel(client, {
        initialPage: { events: [event(1)], nextCursor: null },
        liveTail: true,
        timers,
        onError: (error, source) => errors.push([source, error.message]),
      })
      model.start()
      // Asked for again while the import is pending: still one handler, one report.
      model.setOptions({ liveTailIntervalMs: 1000 })
      await settle()
      expect(model.getSnapshot().liveTail).toMatchObject({ on: true, failure: { message: 'Live updates failed.' } })
      expect(errors).toEqual([['live-tail', 'Live updates failed.']])
      expect(intervals).toHaveLength(0)
      // Switching live tail off and on again tries again: the failed import was not kept.
      model.setOptions({ liveTail: false })
      expect(model.getSnapshot().liveTail.failure).toBeNull()
      model.setOptions({ liveTail: true })
      await settle()
      expect(intervals).toHaveLength(1)
      expect(attempts).toBe(2)
      intervals[0]!()
      await settle()
      expect([...model.getSnapshot().rows].map((row) => row.kind === 'event' && row.event.seq)).toEqual([3, 2, 1])
      expect(model.getSnapshot().liveTail).toMatchObject({ on: true, failure: null })
      expect(errors).toHaveLength(1)
    } finally {
      vi.doUnmock('../../../src/core/log/page-window.js')
    }
  })
})
