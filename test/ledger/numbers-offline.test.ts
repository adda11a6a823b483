/**
 * The offline check of issue 13: for every event the ledger stores, the bytes it signed equal
 * what Invoance's verifiers compute from the served JSON. Python's is run for real
 * (`json.loads`, then `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`,
 * as `invoance-python:invoance/_internal/audit_canonical.py` does); Node's is its
 * `JSON.parse` / `sortDeep` / `JSON.stringify` (`invoance-node:src/audit-canonical.ts`), for
 * events without integers beyond 2^53, which that verifier declares out of scope.
 *
 * Python comes from test/support/python.ts: found, never installed, and its absence is a
 * visible skip (or a failure under AUDITLENS_REQUIRE_PYTHON).
 */
import { createHash, createPublicKey, verify } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalBytes, LosslessNumber, parseAuditJson, stringifyAuditJson } from '../../src/core/index.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { startLedger, type TestLedger } from '../support/ledger.js'
import { STORED } from '../support/number-spellings.js'
import { havePython, python } from '../support/python.js'

/**
 * Invoance's Python verifier's signed-object construction (`audit_verify.py`) and canonical
 * bytes (`audit_canonical.py`), one served event JSON per line in, canonical hex per line out.
 */
const PYTHON_CANONICAL = String.raw`
import json, sys
def strip_nulls(v):
    if isinstance(v, dict):
        return {k: strip_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [strip_nulls(x) for x in v]
    return v
for line in sys.stdin:
    event = json.loads(line)
    signed = {f: event.get(f) for f in ("org_id", "seq", "ingested_at", "action", "occurred_at", "actor", "targets")}
    signed["event_id"] = event.get("id", event.get("event_id"))
    for f in ("context", "metadata"):
        if event.get(f) is not None:
            signed[f] = event[f]
    signed["schema_id"] = "invoance.audit/1"
    text = json.dumps(strip_nulls(signed), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    print(text.encode("utf-8").hex())
`

/** Invoance's Node verifier (`audit-canonical.ts`): parse, strip nulls, sort by UTF-16 unit, stringify. */
function invoanceNodeCanonical(served: string): Buffer {
  const event = JSON.parse(served) as Record<string, unknown>
  const signed: Record<string, unknown> = { event_id: event.id ?? event.event_id, schema_id: 'invoance.audit/1' }
  for (const f of [
    'org_id',
    'seq',
    'ingested_at',
    'action',
    'occurred_at',
    'actor',
    'targets',
    'context',
    'metadata',
  ]) {
    if (event[f] !== undefined && event[f] !== null) signed[f] = event[f]
  }
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(strip)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (x === null ? [] : [[k, strip(x)]])))
        : v
  const sortDeep = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortDeep)
    if (!v || typeof v !== 'object') return v
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) out[k] = sortDeep((v as Record<string, unknown>)[k])
    return out
  }
  return Buffer.from(JSON.stringify(sortDeep(strip(signed))), 'utf8')
}

/** Whether the served event holds an integer a double cannot hold (Node's stated limit). */
function hasUnsafeInteger(value: unknown): boolean {
  if (value instanceof LosslessNumber) return /^-?\d+$/.test(value.text) && !Number.isSafeInteger(Number(value.text))
  if (Array.isArray(value)) return value.some(hasUnsafeInteger)
  if (value && typeof value === 'object') return Object.values(value).some(hasUnsafeInteger)
  return false
}

const VECTORS_PATH = fileURLToPath(new URL('../../../shared/vectors/invoance-audit-1.json', import.meta.url))
const vectors = existsSync(VECTORS_PATH)
  ? (
      parseAuditJson(readFileSync(VECTORS_PATH, 'utf8')) as {
        vectors: { name: string; event: Record<string, unknown> }[]
      }
    ).vectors
  : []
if (vectors.length === 0)
  console.warn(`[numbers-offline] ${VECTORS_PATH} is absent: the golden vectors' shapes are not ingested`)

const actor = { type: 'user', id: 'user_1' }

/** Ingest bodies as raw JSON text (lossless, so int64 and the table's literals go as written). */
function bodies(): string[] {
  const out: string[] = []
  const raw = (body: Record<string, unknown>) => stringifyAuditJson(body)
  for (const v of vectors) {
    const e = v.event
    const body = {
      org: 'offline-vectors',
      action: e.action,
      occurred_at: e.occurred_at,
      actor: e.actor,
      targets: e.targets,
    }
    out.push(
      raw({ ...body, ...(e.context ? { context: e.context } : {}), ...(e.metadata ? { metadata: e.metadata } : {}) }),
    )
  }
  for (const [literal] of STORED) {
    out.push(
      raw({
        org: 'offline-numbers',
        action: 'n.stored',
        actor,
        targets: [],
        metadata: { v: new LosslessNumber(literal) },
      }),
    )
  }
  const nested = {
    org: 'offline-numbers',
    action: 'n.nested',
    actor: { ...actor, metadata: { score: new LosslessNumber('2.50'), tags: ['a', new LosslessNumber('-0.0')] } },
    targets: [{ type: 'doc', id: 'd', metadata: { sizes: [new LosslessNumber('1e21'), new LosslessNumber('12.0')] } }],
    context: { location: '203.0.113.5', geo: { lat: new LosslessNumber('52.5200'), lon: 13.405 } },
    metadata: { deep: { deeper: [{ x: new LosslessNumber('1E-10') }, null, true, 'z'] } },
  }
  out.push(raw(nested))
  const strings = {
    quote: '"\\/',
    ctl: '\b\f\n\r\t\u0001\u001f',
    del: '\u007f',
    seps: '\u2028\u2029',
    html: '<>&',
    astral: '😀𐀀',
  }
  out.push(raw({ org: 'offline-strings', action: 's.escapes', actor, targets: [], metadata: strings }))
  for (const keys of ['{"0":1,"1":2,"a":3}', '{"9":1,"a":2}', '{"4294967295":1,"a":2}', '{"a":1,"😀":2,"é":3}']) {
    out.push(raw({ org: 'offline-keys', action: 'k.order', actor, targets: [], metadata: parseAuditJson(keys) }))
  }
  // The demo seed's events (src/ledger/seed.ts), through HTTP as an SDK would send them.
  for (const e of generateEvents(200, { seed: 7, now: Date.parse('2026-11-20T00:00:00Z') })) {
    out.push(
      raw({
        org: 'offline-seed',
        action: e.action,
        occurred_at: e.occurredAt,
        actor: e.actor,
        targets: e.targets,
        context: e.context,
        metadata: e.metadata,
      }),
    )
  }
  return out
}

let t: TestLedger
/** Every stored event, byte for byte as `GET /v1/audit/events/:id` serves it. */
const served: string[] = []

beforeAll(async () => {
  t = await startLedger()
  const ids: string[] = []
  let n = 0
  for (const body of bodies()) {
    const response = await t.call('/v1/audit/events', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'idempotency-key': `offline-${++n}` },
    })
    if (response.status !== 201)
      throw new Error(`ingest failed: ${response.status} ${await response.text()} for ${body.slice(0, 200)}`)
    ids.push((parseAuditJson(await response.text()) as { id: string }).id)
  }
  for (const id of ids) served.push(await (await t.call(`/v1/audit/events/${id}`)).text())
}, 60_000)
afterAll(() => t.close())

/** The bytes the ledger signed: its own canonical form of the served event. */
const ledgerBytes = (text: string) => Buffer.from(canonicalBytes(parseAuditJson(text)))

/** Ed25519 over `bytes` with the event's embedded key (SPKI prefix of RFC 8410). */
function signatureHolds(event: { signing_public_key: string; signature: string }, bytes: Buffer): boolean {
  const key = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(event.signing_public_key, 'hex')]),
    format: 'der',
    type: 'spki',
  })
  return verify(null, bytes, key, Buffer.from(event.signature, 'hex'))
}

describe.skipIf(!havePython)(
  'every stored event under real Python json (skipped, with a warning, when python3 is absent)',
  () => {
    it('signs exactly the bytes json.dumps(json.loads(served), sort_keys, compact, ensure_ascii=False) gives', () => {
      expect(served.length).toBeGreaterThan(200)
      const fromPython = python(PYTHON_CANONICAL, served)
      expect(fromPython).toHaveLength(served.length)
      served.forEach((text, i) => {
        const event = JSON.parse(text) as {
          id: string
          payload_hash: string
          signing_public_key: string
          signature: string
        }
        const bytes = Buffer.from(fromPython[i]!, 'hex')
        expect({ id: event.id, canonical: bytes.toString('utf8') }).toEqual({
          id: event.id,
          canonical: ledgerBytes(text).toString('utf8'),
        })
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(event.payload_hash)
        expect(signatureHolds(event, bytes)).toBe(true)
      })
    })
  },
)

describe("every stored event under Invoance's Node verifier", () => {
  it('signs exactly the bytes JSON.stringify over sorted keys gives, for events without integers beyond 2^53', () => {
    const safe = served.filter((text) => !hasUnsafeInteger(parseAuditJson(text)))
    // Vector 09's int64 and the table's big integers are the only ones Node cannot read.
    expect(served.length - safe.length).toBe(
      STORED.filter(([, s]) => /^-?\d+$/.test(s) && !Number.isSafeInteger(Number(s))).length +
        (vectors.length > 0 ? 1 : 0),
    )
    for (const text of safe) {
      const event = JSON.parse(text) as { id: string; payload_hash: string }
      const bytes = invoanceNodeCanonical(text)
      expect({ id: event.id, canonical: bytes.toString('utf8') }).toEqual({
        id: event.id,
        canonical: ledgerBytes(text).toString('utf8'),
      })
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(event.payload_hash)
    }
  })
})
