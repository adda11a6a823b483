/**
 * Verify entire log, when a page's check fails or the reader cancels while pages are in flight:
 * over a real ledger through the proxy, with page fetches held by a test's hand (the client's
 * injected `fetch`) so the walk is caught between its awaits.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createAuditClient, KeyRing, type AuditClient } from '../../../src/core/index.js'
import { walkLog } from '../../../src/core/proof/log-walk.js'
import { startForkedLedgers, type ForkedLedgers } from '../../support/forked-ledgers.js'
import { walkCheckers } from '../../support/proof-checks.js'
import { startForwardingProxy, type ForwardingProxy } from '../../support/proof-forwarder.js'
import { testTokens } from '../../support/proxy.js'

let fork: ForkedLedgers
let proxy: ForwardingProxy
let ring: KeyRing
let checkpoint: { checkpoint: string; size: number }

beforeAll(async () => {
  fork = await startForkedLedgers(450) // three pages of 200
  proxy = await startForwardingProxy(fork.a, fork.orgId)
  ring = new KeyRing(await held().client.getKeys())
  checkpoint = (await (await fork.a.call(`/v1/audit/orgs/${fork.orgId}/checkpoint`)).json()) as typeof checkpoint
})
afterAll(async () => {
  await proxy.close()
  await fork.close()
})

/** Rejections nobody handled while a test ran: a walk must leave none behind. */
const unhandled: unknown[] = []
const record = (reason: unknown) => unhandled.push(reason)
beforeAll(() => void process.on('unhandledRejection', record))
afterAll(() => void process.off('unhandledRejection', record))
afterEach(() => {
  unhandled.length = 0
})

/** A client whose page requests after the first wait until `release()`; `pages` counts those asked for. */
function held() {
  const seen = { pages: 0 }
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const client: AuditClient = createAuditClient({
    baseUrl: proxy.baseUrl,
    fetchToken: testTokens(proxy.baseUrl, `${fork.orgId}|user_1|audit:read`),
    fetch: async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/events')) {
        if (++seen.pages > 1) await gate
      }
      return fetch(input, init)
    },
  })
  return { client, seen, release }
}

/** Settles once the event loop has run past pending I/O callbacks and microtasks. */
const turn = () => new Promise((resolve) => setImmediate(resolve))

describe('given the first page is being checked while the second is fetched', () => {
  it('a failing check ends the walk with its error, unhandled nowhere, and no third page is asked for', async () => {
    const { client, seen, release } = held()
    const broken = new Error('canonical bytes failed')
    let thrown!: () => void
    const threw = new Promise<void>((resolve) => (thrown = resolve))
    const walked = walkLog({
      client,
      ...checkpoint,
      ...walkCheckers(ring),
      canonicalBytes: () => {
        thrown()
        throw broken
      },
    })
    walked.catch(() => {}) // awaited below, after the second page is let through
    await threw
    for (let i = 0; i < 20; i++) await turn() // time for a rejection nobody handles to be reported
    release()
    await expect(walked).rejects.toBe(broken)
    for (let i = 0; i < 20; i++) await turn()
    expect(seen.pages).toBe(2)
    expect(unhandled).toEqual([])
  })

  it('a failing check ends the walk without waiting for the page being fetched', async () => {
    const { client, release } = held()
    const broken = new Error('canonical bytes failed')
    const walked = walkLog({
      client,
      ...checkpoint,
      ...walkCheckers(ring),
      canonicalBytes: () => {
        throw broken
      },
    })
    await expect(walked).rejects.toBe(broken) // the second page is still held
    release()
  })

  it('cancelling ends the walk while two pages are still being checked', async () => {
    const { client, seen, release } = held()
    release() // every page arrives; the checks are what is held
    const controller = new AbortController()
    const checks: number[] = []
    const checkers = walkCheckers(ring)
    const walked = walkLog({
      client,
      ...checkpoint,
      ...checkers,
      signal: controller.signal,
      verify: (events) => {
        checks.push(events.length)
        if (checks.length === 2) controller.abort(new Error('cancelled'))
        return new Promise(() => {}) // verdicts that never come
      },
    })
    await expect(walked).rejects.toThrow('cancelled')
    expect(checks).toEqual([200, 200])
    for (let i = 0; i < 20; i++) await turn()
    expect(seen.pages).toBeLessThanOrEqual(3)
    expect(unhandled).toEqual([])
  })
})
