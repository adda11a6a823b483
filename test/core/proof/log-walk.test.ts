/**
 * Verify entire log, core part: the walk over a real ledger through the proxy, checked
 * against checkpoints the ledger signed (and against a fork's checkpoint signed with the same key).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  canonicalBytes,
  createAuditClient,
  KeyRing,
  verifyEvents,
  type AuditClient,
  type AuditEvent,
} from '../../../src/core/index.js'
import { walkLog } from '../../../src/core/proof/log-walk.js'
import { leafHash } from '../../../src/core/proof/merkle.js'
import { startForkedLedgers, type ForkedLedgers } from '../../support/forked-ledgers.js'
import { backend, walkCheckers } from '../../support/proof-checks.js'
import { startForwardingProxy, type ForwardingProxy } from '../../support/proof-forwarder.js'
import { testTokens } from '../../support/proxy.js'

let fork: ForkedLedgers
let proxy: ForwardingProxy
let client: AuditClient
let ring: KeyRing

beforeAll(async () => {
  fork = await startForkedLedgers(450)
  fork.append(fork.a, 3)
  fork.append(fork.b, 3)
  proxy = await startForwardingProxy(fork.a, fork.orgId)
  client = createAuditClient({
    baseUrl: proxy.baseUrl,
    fetchToken: testTokens(proxy.baseUrl, `${fork.orgId}|user_1|audit:read`),
  })
  ring = new KeyRing(await client.getKeys())
})
afterAll(async () => {
  await proxy.close()
  await fork.close()
})

const walk = (checkpoint: string, size: number, signal?: AbortSignal) =>
  walkLog({ client, checkpoint, size, ...walkCheckers(ring), ...(signal ? { signal } : {}) })

/** Verdicts as a worker gives them: with the leaf of the bytes it checked where `withLeaf(i)`, else `null`. */
const verdictsWithLeaves = async (events: readonly AuditEvent[], withLeaf: (i: number) => boolean) =>
  Promise.all(
    (await verifyEvents(events, { trustedKeys: ring, crypto: backend })).map(async (result, i) => ({
      ...result,
      leafHash: withLeaf(i) ? await leafHash(backend, canonicalBytes(events[i]!)) : null,
    })),
  )

const checkpointOf = async (ledger: ForkedLedgers['a']) =>
  (await (await ledger.call(`/v1/audit/orgs/${fork.orgId}/checkpoint`)).json()) as { checkpoint: string; size: number }

describe('walkLog', () => {
  it('verifies every event and reproduces the checkpoint root from the leaves', async () => {
    const { checkpoint, size } = await checkpointOf(fork.a)
    const progress: number[] = []
    const report = await walkLog({
      client,
      checkpoint,
      size,
      ...walkCheckers(ring),
      onProgress: (walked) => progress.push(walked),
    })
    expect(report).toMatchObject({
      walked: 453,
      verified: 453,
      tampered: 0,
      untrusted: 0,
      missing: 0,
      rootMatches: true,
    })
    expect(report.problems).toEqual([])
    expect(progress).toEqual([200, 400, 453])
  })

  it('verifies events newer than the checkpoint without counting them as leaves', async () => {
    const { checkpoint } = await checkpointOf(fork.a)
    fork.append(fork.a, 2)
    const report = await walk(checkpoint, 453)
    expect(report).toMatchObject({ walked: 455, verified: 455, rootMatches: true, missing: 0 })
  })

  it('finds that the leaves do not reproduce a same-key fork’s root', async () => {
    const { checkpoint, size } = await checkpointOf(fork.b)
    const report = await walk(checkpoint, size)
    expect(report.rootMatches).toBe(false)
    expect(report.problems.map((p) => p.kind)).toContain('root-mismatch')
  })

  it('stops when cancelled', async () => {
    const { checkpoint, size } = await checkpointOf(fork.a)
    const controller = new AbortController()
    controller.abort(new Error('cancelled'))
    await expect(walk(checkpoint, size, controller.signal)).rejects.toThrow()
  })

  it('takes each leaf from the verdict when the verifier hashed it, building no bytes of its own', async () => {
    const { checkpoint, size } = await checkpointOf(fork.a)
    const checkers = walkCheckers(ring)
    const report = await walkLog({
      client,
      checkpoint,
      size,
      ...checkers,
      canonicalBytes: () => {
        throw new Error('the leaf came with the verdict')
      },
      verify: (events) => verdictsWithLeaves(events, () => true),
    })
    expect(report).toMatchObject({ verified: size, missing: 0, rootMatches: true })
  })

  it('hashes the bytes itself for each verdict that came without a leaf, and only for those', async () => {
    const { checkpoint, size } = await checkpointOf(fork.a)
    let built = 0
    const report = await walkLog({
      client,
      checkpoint,
      size,
      ...walkCheckers(ring),
      canonicalBytes: (event) => {
        built++
        return canonicalBytes(event)
      },
      // Every other verdict with its leaf, the rest with `null` (checked on the main thread).
      verify: (events) => verdictsWithLeaves(events, (i) => i % 2 === 0),
    })
    expect(report).toMatchObject({ verified: report.walked, missing: 0, rootMatches: true })
    expect(built).toBe(Math.floor(size / 2))
  })

  it('checks the next page while the one before is still being checked', async () => {
    const { checkpoint, size } = await checkpointOf(fork.a)
    // The first page's verdicts wait until the second page is asked for: a walk that checked
    // one page at a time would never get there.
    let secondAsked: () => void
    const second = new Promise<void>((resolve) => (secondAsked = resolve))
    let calls = 0
    const checkers = walkCheckers(ring)
    const report = await walkLog({
      client,
      checkpoint,
      size,
      ...checkers,
      verify: async (events) => {
        if (++calls === 2) secondAsked()
        else if (calls === 1) await second
        return checkers.verify(events)
      },
    })
    expect(report).toMatchObject({ verified: report.walked, missing: 0, rootMatches: true })
  })
})
