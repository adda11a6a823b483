/**
 * Issue 14 on the ledger: each org's log as an RFC 6962 tree, C2SP checkpoints signed with the
 * event key, RFC 9162 proofs, and NDJSON exports that end with what proves them complete. The
 * roots are checked against RFC 6962's own definition over the served events' canonical bytes,
 * and the proofs with core's verifiers, over real HTTP.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalBytes, KeyRing, parseAuditJson, parseKeysDocument, verifyPruneMarker } from '../../src/core/index.js'
import { verifyCheckpoint } from '../../src/core/proof/checkpoint.js'
import { ExportCompleteness } from '../../src/core/proof/export-check.js'
import { pruneProver } from '../../src/core/proof/prune-proof.js'
import { verifyConsistency, verifyInclusion } from '../../src/core/proof/merkle.js'
import { createWebCryptoBackend } from '../../src/core/verify/crypto.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { fromBase64 } from '../../src/protocol/base64.js'
import { decodeExportTrailer } from '../../src/protocol/proofs.js'
import { splitExport } from '../support/ndjson.js'
import { mth } from '../support/rfc6962.js'
import { startLedger, type TestLedger } from '../support/ledger.js'

const backend = createWebCryptoBackend()
let t: TestLedger
let acme: string
let trust: { keys: { publicKey: Uint8Array }[] }

beforeAll(async () => {
  t = await startLedger()
  acme = t.ledger.createOrg('acme', 'Acme').id
  t.ledger.appendMany(acme, [...generateEvents(40, { seed: 5 })])
  const keys = parseKeysDocument(await (await t.call('/v1/audit/keys')).json())
  trust = { keys: new KeyRing(keys).keys.map((key) => ({ publicKey: key.bytes })) }
})
afterAll(() => t.close())

/** Every event of the org, oldest first, as the API serves it. */
async function servedEvents(org: string): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = []
  let cursor: string | null = null
  do {
    const page = (await (
      await t.call(`/v1/audit/events?organization_id=${org}&limit=200${cursor ? `&cursor=${cursor}` : ''}`)
    ).json()) as { events: Record<string, unknown>[]; next_cursor: string | null }
    events.push(...page.events)
    cursor = page.next_cursor
  } while (cursor)
  return events.reverse()
}

const checkpointOf = async (org: string) =>
  (await (await t.call(`/v1/audit/orgs/${org}/checkpoint`)).json()) as {
    checkpoint: string
    size: number
    origin: string
  }

describe('checkpoints and proofs', () => {
  it('signs a C2SP checkpoint whose root is RFC 6962’s over the served events, with the pinned event key', async () => {
    const answer = await checkpointOf('acme')
    expect(answer).toMatchObject({
      size: 40,
      origin: expect.stringMatching(new RegExp(`^auditlens\\.local/aldg_\\w+/orgs/${acme}$`)),
    })
    const checked = await verifyCheckpoint(backend, answer.checkpoint, { ...trust, origin: answer.origin })
    expect(checked.ok).toBe(true)
    if (!checked.ok) return
    const leaves = (await servedEvents(acme)).map((event) => canonicalBytes(parseAuditJson(JSON.stringify(event))))
    expect(Buffer.from(checked.checkpoint.rootHash)).toEqual(Buffer.from(mth(leaves)))
    expect(checked.checkpoint.time).toBeGreaterThan(0)
  })

  it('proves the log only grew between two checkpoints, and each event’s place in it', async () => {
    const before = await verifyCheckpoint(backend, (await checkpointOf(acme)).checkpoint, trust)
    for (let i = 0; i < 7; i++)
      await t.ingest({ organization_id: 'acme', action: 'user.signed_in', actor: { type: 'user', id: `u${i}` } })
    const after = await verifyCheckpoint(backend, (await checkpointOf(acme)).checkpoint, trust)
    if (!before.ok || !after.ok) throw new Error('checkpoints must verify')
    const { proof } = (await (
      await t.call(`/v1/audit/orgs/acme/consistency?first=${before.checkpoint.size}&second=${after.checkpoint.size}`)
    ).json()) as { proof: string[] }
    const hashes = proof.map((h) => fromBase64(h)!)
    expect(
      await verifyConsistency(
        backend,
        before.checkpoint.size,
        after.checkpoint.size,
        hashes,
        before.checkpoint.rootHash,
        after.checkpoint.rootHash,
      ),
    ).toBe(true)

    const events = await servedEvents(acme)
    for (const event of [events[0]!, events[20]!, events.at(-1)!]) {
      const answer = (await (
        await t.call(`/v1/audit/events/${String(event.id)}/inclusion?size=${after.checkpoint.size}`)
      ).json()) as { index: number; size: number; proof: string[] }
      expect(answer.index).toBe(Number(event.seq) - 1)
      const leaf = await (
        await import('../../src/core/proof/merkle.js')
      ).leafHash(backend, canonicalBytes(parseAuditJson(JSON.stringify(event))))
      expect(
        await verifyInclusion(
          backend,
          answer.index,
          answer.size,
          leaf,
          answer.proof.map((h) => fromBase64(h)!),
          after.checkpoint.rootHash,
        ),
      ).toBe(true)
    }
  })

  it('refuses impossible sizes with a 400, and unknown orgs and events with a 404', async () => {
    const size = (await checkpointOf(acme)).size
    for (const query of [
      `first=5&second=3`,
      `first=1&second=${size + 1}`,
      'first=1',
      'first=x&second=2',
      'first=1&second=2&first=3',
      'first=1&second=2&bogus=1',
    ]) {
      const answer = await t.call(`/v1/audit/orgs/acme/consistency?${query}`)
      expect(answer.status, query).toBe(400)
      expect(await answer.json()).toMatchObject({ error: 'invalid_request' })
    }
    const event = (await servedEvents(acme))[3]!
    expect((await t.call(`/v1/audit/events/${String(event.id)}/inclusion?size=2`)).status).toBe(400)
    expect((await t.call('/v1/audit/orgs/nobody/checkpoint')).status).toBe(404)
    expect((await t.call('/v1/audit/events/aevt_nothing/inclusion')).status).toBe(404)
    expect((await t.call('/v1/audit/orgs/acme/checkpoint', { headers: { authorization: '' } })).status).toBe(401)
  })
})

describe('NDJSON exports with a checkpoint trailer', () => {
  async function exported(body: Record<string, unknown>) {
    const created = (await (
      await t.call('/v1/audit/exports', { method: 'POST', json: { format: 'ndjson', ...body } })
    ).json()) as { id: string }
    await t.ledger.exports.idle()
    const job = (await (await t.call(`/v1/audit/exports/${created.id}`)).json()) as { download_url: string }
    return splitExport(await (await fetch(job.download_url)).text())
  }

  async function completeness(lines: string[], trailer: Record<string, unknown> | null) {
    const check = new ExportCompleteness(backend)
    for (const line of lines) {
      const event = parseAuditJson(line) as { id: string; seq: number }
      await check.add({ id: event.id, seq: Number(event.seq) }, canonicalBytes(event))
    }
    return check.check(decodeExportTrailer(trailer)!, trust)
  }

  it('ends a whole export with the checkpoint of exactly the exported log', async () => {
    const { lines, trailer } = await exported({ organization_id: 'acme' })
    expect(Object.keys(trailer!)).toEqual(['checkpoint'])
    const report = await completeness(lines, trailer)
    expect(report).toMatchObject({ filtered: false, problems: [] })
    expect(report.checkpoint?.size).toBe(lines.length)
  })

  it('ends a filtered export with each event’s inclusion proof', async () => {
    const { lines, trailer } = await exported({ organization_id: 'acme', filters: { actions: ['user.signed_in'] } })
    expect(lines.length).toBeGreaterThan(0)
    expect(Object.keys(trailer!.inclusion as object)).toHaveLength(lines.length)
    expect(await completeness(lines, trailer)).toMatchObject({ filtered: true, problems: [] })
  })
})

describe('the tree across retention and older databases', () => {
  it('checks an export whose oldest events were pruned, through the pruned prefix’s frontier', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z')
    const p = await startLedger({ now: () => now, retentionIntervalMs: null })
    try {
      const org = p.ledger.createOrg('pruned', null).id
      p.ledger.appendMany(org, [...generateEvents(13, { seed: 9 })])
      now += 40 * 86_400_000
      p.ledger.appendMany(org, [...generateEvents(6, { seed: 10 })])
      await p.call(`/v1/audit/orgs/${org}/retention`, { method: 'PUT', json: { days: 30 } })
      await p.ledger.retention.runPass()
      expect(p.ledger.retention.prunedThrough(org)).toBe(13)
      const created = (await (
        await p.call('/v1/audit/exports', { method: 'POST', json: { organization_id: org, format: 'ndjson' } })
      ).json()) as { id: string }
      await p.ledger.exports.idle()
      const job = (await (await p.call(`/v1/audit/exports/${created.id}`)).json()) as { download_url: string }
      const { lines, trailer } = splitExport(await (await fetch(job.download_url)).text())
      expect(lines).toHaveLength(6)
      expect(trailer).toMatchObject({
        pruned: {
          through_seq: 13,
          frontier: expect.any(Array),
          marker: { schema: 'auditlens.prune/1', pruned_through_seq: 13 },
        },
      })
      const keys = parseKeysDocument(await (await p.call('/v1/audit/keys')).json())
      const check = new ExportCompleteness(backend)
      for (const line of lines) {
        const event = parseAuditJson(line) as { id: string; seq: number }
        await check.add({ id: event.id, seq: Number(event.seq) }, canonicalBytes(event))
      }
      const ring = new KeyRing(keys)
      const report = await check.check(
        decodeExportTrailer(trailer)!,
        { keys: ring.keys.map((k) => ({ publicKey: k.bytes })) },
        undefined,
        pruneProver((marker) => verifyPruneMarker(marker, { trustedKeys: ring })),
      )
      expect(report).toMatchObject({ problems: [], pruned: 13, checkpoint: { size: 19 } })
    } finally {
      await p.close()
    }
  })

  it('builds the tree of a database made before trees, from its stored events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auditlens-tree-'))
    const db = join(dir, 'ledger.db')
    const first = new Ledger({ db, retentionIntervalMs: null })
    const org = first.createOrg('old', null).id
    first.appendMany(org, [...generateEvents(25, { seed: 2 })])
    const root = first.log.tree.root(org, 25)
    // What a database from before issue 14 looks like: events, and no tree.
    first.db.exec('DROP TRIGGER merkle_nodes_no_delete; DELETE FROM merkle_nodes;')
    await first.close()

    const reopened = new Ledger({ db, retentionIntervalMs: null })
    try {
      expect(reopened.log.size(org)).toBe(25)
      expect(reopened.log.tree.root(org, 25)).toEqual(root)
      reopened.appendMany(org, [...generateEvents(2, { seed: 3 })])
      expect(reopened.log.size(org)).toBe(27)
    } finally {
      await reopened.close()
    }
  })
})

describe('the portal’s completeness endpoints', () => {
  it('serve the session org’s checkpoint and proofs, and nothing of another org', async () => {
    const globex = t.ledger.createOrg('globex', null).id
    const [other] = t.ledger.appendMany(globex, [...generateEvents(1, { seed: 4 })])
    const created = (await (
      await t.call('/v1/audit/portal_sessions', {
        method: 'POST',
        json: { organization_id: 'acme', intent: 'audit_logs' },
      })
    ).json()) as { token: string }
    const exchanged = (await (
      await fetch(`${t.url}/v1/audit/portal/exchange`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: created.token }),
      })
    ).json()) as { token: string }
    const portal = (path: string) =>
      fetch(`${t.url}/v1/audit/portal${path}`, { headers: { authorization: `Bearer ${exchanged.token}` } })

    const checkpoint = (await (await portal('/checkpoint')).json()) as { checkpoint: string; origin: string }
    expect(checkpoint.origin).toMatch(new RegExp(`/orgs/${acme}$`))
    expect((await verifyCheckpoint(backend, checkpoint.checkpoint, trust)).ok).toBe(true)
    expect((await portal('/consistency?first=1&second=2')).status).toBe(200)
    const own = (await servedEvents(acme))[0]!
    expect((await portal(`/events/${String(own.id)}/inclusion`)).status).toBe(200)
    expect((await portal(`/events/${other!.id}/inclusion`)).status).toBe(404)
  })
})
