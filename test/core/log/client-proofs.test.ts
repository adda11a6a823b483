/**
 * The client's checkpoint, consistency and inclusion calls over real HTTP: client -> token
 * proxy (+ a forwarder for the proof paths, which the proxy does not relay on this branch) ->
 * reference ledger. What arrives is checked with core's verifiers, not compared with itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalBytes, createAuditClient, KeyRing, type AuditClient } from '../../../src/core/index.js'
import { leafHash, verifyConsistency, verifyInclusion } from '../../../src/core/proof/merkle.js'
import { generateEvents } from '../../../src/ledger/seed.js'
import { startLedger, type TestLedger } from '../../support/ledger.js'
import { backend, checkedCheckpoint } from '../../support/proof-checks.js'
import { startForwardingProxy, type ForwardingProxy } from '../../support/proof-forwarder.js'
import { testTokens } from '../../support/proxy.js'

let ledger: TestLedger
let proxy: ForwardingProxy
let orgId: string

beforeAll(async () => {
  ledger = await startLedger()
  orgId = ledger.ledger.createOrg('acme', 'Acme').id
  ledger.ledger.appendMany(orgId, [...generateEvents(37, { seed: 9 })])
  proxy = await startForwardingProxy(ledger, orgId)
})
afterAll(async () => {
  await proxy.close()
  await ledger.close()
})

const clientFor = (org: string): AuditClient =>
  createAuditClient({
    baseUrl: proxy.baseUrl,
    retry: { attempts: 1 },
    fetchToken: testTokens(proxy.baseUrl, `${org}|user_1|audit:read`),
  })

describe('proof calls', () => {
  it('fetches a checkpoint that verifies against the published keys, and proofs that verify against it', async () => {
    const client = clientFor(orgId)
    const ring = new KeyRing(await client.getKeys())
    const answer = await client.getCheckpoint!()
    expect(answer).not.toBeNull()
    const before = await checkedCheckpoint(answer!.checkpoint, ring)
    expect(before.size).toBe(37)

    ledger.ledger.appendMany(orgId, [...generateEvents(5, { seed: 10 })])
    const after = await checkedCheckpoint((await client.getCheckpoint!())!.checkpoint, ring)
    const proof = await client.getConsistency!(before.size, after.size)
    expect(await verifyConsistency(backend, before.size, after.size, proof, before.rootHash, after.rootHash)).toBe(true)

    const newest = (await client.listEvents({ limit: 1 })).events[0]!
    const inclusion = await client.getInclusion!(newest.id, after.size)
    expect(inclusion.index).toBe(after.size - 1)
    const leaf = await leafHash(backend, canonicalBytes(newest))
    expect(await verifyInclusion(backend, inclusion.index, inclusion.size, leaf, inclusion.proof, after.rootHash)).toBe(
      true,
    )
  })

  it('answers null for an org whose log publishes no checkpoint (a 404)', async () => {
    const other = await startLedger()
    try {
      other.ledger.createOrg('other', 'Other')
      proxy.swap(other)
      expect(await clientFor(orgId).getCheckpoint!()).toBeNull()
    } finally {
      proxy.swap(ledger)
      await other.close()
    }
  })

  it('rejects a proof answer that does not decode, without retrying', async () => {
    let calls = 0
    const client = createAuditClient({
      baseUrl: 'https://host.example/api/audit',
      fetchToken: async () => ({ token: 't', expires_at: new Date(Date.now() + 60_000).toISOString() }),
      fetch: async () => {
        calls++
        return new Response(JSON.stringify({ proof: ['not base64 of 32 bytes'] }))
      },
    })
    await expect(client.getConsistency!(1, 2)).rejects.toMatchObject({ code: 'upstream', retryable: false })
    await expect(client.getCheckpoint!()).rejects.toMatchObject({ code: 'upstream' })
    expect(calls).toBe(2)
  })
})
