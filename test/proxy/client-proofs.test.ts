/**
 * The browser client's checkpoint and proof calls over real HTTP on 127.0.0.1: through the
 * token proxy in front of the reference ledger, and through the portal transport straight to
 * the ledger's portal routes. What they return verifies with core's checkers against the
 * ledger's published keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AuditError,
  canonicalBytes,
  createAuditClient,
  createPortalTransport,
  KeyRing,
  parseAuditJson,
  parseKeysDocument,
  type AuditClient,
} from '../../src/core/index.js'
import type { Checkpoint } from '../../src/core/proof/checkpoint.js'
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/core/proof/merkle.js'
import { eventBody } from '../support/ledger.js'
import { backend, checkedCheckpoint, startTwoOrgs, storedEvents, type TwoOrgs } from '../support/proof-checks.js'
import { serve, startProxy, stop, testTokens } from '../support/proxy.js'

let orgs: TwoOrgs
let acme: string
let other: string

beforeAll(async () => {
  orgs = await startTwoOrgs([18, 6], [3, 7])
  acme = orgs.acme
  other = orgs.other
})
afterAll(() => orgs.close())

function proxyClient(org: string, base = orgs.proxy.url, fetchImpl?: typeof fetch): AuditClient {
  return createAuditClient({
    baseUrl: `${base}/api/audit`,
    retry: { attempts: 3, baseDelayMs: 1 },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    fetchToken: testTokens(`${base}/api/audit`, `${org}|u|audit:read`),
  })
}

async function portalClient(org: string): Promise<AuditClient> {
  const response = await orgs.ledger.call('/v1/audit/portal_sessions', {
    method: 'POST',
    json: { org_id: org, intent: 'audit_logs' },
  })
  const { token } = (await response.json()) as { token: string }
  return createAuditClient(createPortalTransport({ baseUrl: orgs.ledger.url, getPortalToken: async () => token }))
}

/**
 * The client's checkpoint, verified against the ledger's published keys (a portal app pins
 * them itself: the portal has no keys route).
 */
async function verified(client: AuditClient): Promise<Checkpoint> {
  const published = parseKeysDocument(await (await orgs.ledger.call('/v1/audit/keys')).json())
  const answer = await client.getCheckpoint()
  if (!answer) throw new Error('expected a checkpoint')
  return checkedCheckpoint(answer.checkpoint, new KeyRing(published))
}

const newestEvent = (org: string) => {
  const event = storedEvents(orgs.ledger, org, 1)[0]!
  return { id: event.id, seq: event.seq, bytes: canonicalBytes(parseAuditJson(event.text)) }
}

describe.each([
  ['through the proxy', async (org: string) => proxyClient(org)],
  ['through the portal transport', portalClient],
])('the client %s', (_, clientFor) => {
  it('fetches a checkpoint, a consistency proof and an inclusion proof that all verify', async () => {
    const client = await clientFor(acme)
    const before = await verified(client)
    await orgs.ledger.ingest(eventBody({ org: 'acme' }))
    const after = await verified(client)
    expect(after.size).toBe(before.size + 1)
    const proof = await client.getConsistency(before.size, after.size)
    expect(await verifyConsistency(backend, before.size, after.size, proof, before.rootHash, after.rootHash)).toBe(true)
    const event = newestEvent(acme)
    const inclusion = await client.getInclusion(event.id, after.size)
    expect([inclusion.index, inclusion.size]).toEqual([event.seq - 1, after.size])
    const leaf = await leafHash(backend, event.bytes)
    expect(await verifyInclusion(backend, inclusion.index, inclusion.size, leaf, inclusion.proof, after.rootHash)).toBe(
      true,
    )
  })

  it('gets no proof for another org’s event: not found, as an unknown one', async () => {
    const client = await clientFor(acme)
    const size = (await verified(client)).size
    await expect(client.getInclusion(newestEvent(other).id, size)).rejects.toMatchObject({ code: 'not-found' })
  })
})

describe('the client against services that are not the ledger', () => {
  it('reads a service without checkpoints (Invoance today) as null, and its proofs as not found', async () => {
    const fake = await serve(async () => Response.json({ error: 'not_found', message: 'nothing' }, { status: 404 }))
    const fakeProxy = await startProxy({ upstream: { baseUrl: fake.url, apiKey: 'k' } })
    try {
      const client = proxyClient(acme, fakeProxy.url)
      expect(await client.getCheckpoint()).toBeNull()
      const failure = await client.getConsistency(1, 2).catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(AuditError)
      expect(failure).toMatchObject({ code: 'not-found', message: expect.stringContaining('no checkpoints') })
    } finally {
      await fakeProxy.close()
      await stop(fake.server)
    }
  })

  it('refuses answers that do not decode, or prove another tree size than asked, without retrying', async () => {
    let calls = 0
    const hash = Buffer.alloc(32, 7).toString('base64')
    const answers: Record<string, unknown> = {
      '/checkpoint': { checkpoint: 42 },
      '/consistency': { proof: ['not base64!'] },
      '/inclusion': { index: 0, size: 9, proof: [hash] },
    }
    // A proxy that has gone wrong, in front of the real one: only the proof routes are faked.
    const relay: typeof fetch = async (input, init) => {
      const path = new URL(String(input)).pathname
      const key = Object.keys(answers).find((suffix) => path.endsWith(suffix))
      if (!key) return fetch(input, init)
      calls++
      return Response.json(answers[key])
    }
    const client = proxyClient(acme, orgs.proxy.url, relay)
    for (const attempt of [
      () => client.getCheckpoint(),
      () => client.getConsistency(1, 2),
      () => client.getInclusion('aevt_x', 3),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'upstream', retryable: false })
    }
    expect(calls).toBe(3)
    await expect(client.getConsistency(-1, 2)).rejects.toThrow(RangeError)
  })
})
