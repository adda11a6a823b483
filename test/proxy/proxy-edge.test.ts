/**
 * `auditlens/server/proxy` in a runtime like the edge runtimes (Next.js's, Vercel's): bundled
 * for a neutral platform and run in a fresh node:vm context that holds only the Web APIs such
 * runtimes have. No `process`, `Buffer`, `require` or `setImmediate`, and an `AbortSignal`
 * without `any` or `timeout`, which they lack. It then serves every route against a real
 * ledger, through a real socket.
 */
import { build } from 'esbuild'
import { createContext, runInContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateEvents } from '../../src/ledger/seed.js'
import type { createAuditProxy as CreateAuditProxy } from '../../src/proxy/proxy.js'
import { DEV_KEY, startLedger, type TestLedger } from '../support/ledger.js'
import { PROXY_SECRET, serve, stop } from '../support/proxy.js'
import { splitExport } from '../support/ndjson.js'

/** What an edge runtime offers besides the language itself (the Web APIs of Vercel's edge-runtime). */
function edgeGlobals(): Record<string, unknown> {
  // An AbortSignal as edge runtimes have it: no static any() or timeout().
  const EdgeAbortSignal = function AbortSignal() {
    throw new TypeError('Illegal constructor')
  }
  EdgeAbortSignal.abort = (reason?: unknown) => AbortSignal.abort(reason)
  return {
    AbortController,
    AbortSignal: EdgeAbortSignal,
    atob,
    btoa,
    Blob,
    clearInterval,
    clearTimeout,
    console,
    crypto,
    CryptoKey,
    DOMException,
    Event,
    EventTarget,
    fetch,
    FormData,
    Headers,
    queueMicrotask,
    ReadableStream,
    Request,
    Response,
    setInterval,
    setTimeout,
    structuredClone,
    SubtleCrypto,
    TextDecoder,
    TransformStream,
    URL,
    URLSearchParams,
    WritableStream,
  }
}

let createInEdge: typeof CreateAuditProxy
let ledger: TestLedger
let server: import('node:http').Server
let url: string
let org: string

beforeAll(async () => {
  const bundle = await build({
    entryPoints: ['src/proxy/index.ts'],
    bundle: true,
    write: false,
    platform: 'neutral',
    format: 'iife',
    globalName: 'auditlensProxy',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  })
  const context = createContext(edgeGlobals())
  // As in a real runtime, TextEncoder's bytes are the runtime's own Uint8Array (jose checks
  // instanceof), so it is defined inside the context around Node's encoder.
  context.hostEncode = (text: string) => new TextEncoder().encode(text)
  runInContext(
    `globalThis.TextEncoder = ((encode) => class TextEncoder {
      get encoding() { return 'utf-8' }
      encode(text = '') { return new Uint8Array(encode(String(text))) }
    })(hostEncode)
    delete globalThis.hostEncode`,
    context,
  )
  runInContext(bundle.outputFiles[0]!.text, context)
  expect(runInContext('[typeof process, typeof Buffer, typeof require, typeof AbortSignal.any]', context)).toEqual([
    'undefined',
    'undefined',
    'undefined',
    'undefined',
  ])
  createInEdge = (context.auditlensProxy as { createAuditProxy: typeof CreateAuditProxy }).createAuditProxy

  ledger = await startLedger()
  org = ledger.ledger.createOrg('acme', 'Acme').id
  ledger.ledger.appendMany(org, [...generateEvents(12, { seed: 3 })])
  const proxy = createInEdge({
    upstream: { baseUrl: ledger.url, apiKey: DEV_KEY },
    secret: PROXY_SECRET,
    authorize: () => ({ orgId: org, subject: 'user_1', scopes: ['audit:read', 'audit:export'] }),
  })
  ;({ server, url } = await serve(proxy))
})
afterAll(async () => {
  await stop(server)
  await ledger.close()
})

describe('the proxy in an edge-like runtime', () => {
  it('mints, lists (with Next.js’s ?path=), serves keys, and exports a file that downloads', async () => {
    const minted = await fetch(`${url}/api/audit/token`, {
      method: 'POST',
      headers: { 'sec-fetch-site': 'same-origin' },
    })
    expect(minted.status).toBe(200)
    const auth = { authorization: `Bearer ${((await minted.json()) as { token: string }).token}` }

    const events = await fetch(`${url}/api/audit/events?limit=5&path=events`, { headers: auth })
    expect(events.status).toBe(200)
    expect(((await events.json()) as { events: unknown[] }).events).toHaveLength(5)

    const keys = await fetch(`${url}/api/audit/keys?path=keys`, { headers: auth })
    expect(keys.status).toBe(200)
    expect(((await keys.json()) as { keys: unknown[] }).keys).toHaveLength(1)

    const created = await fetch(`${url}/api/audit/exports`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"format":"ndjson"}',
    })
    expect(created.status).toBe(202)
    const { id } = (await created.json()) as { id: string }
    await ledger.ledger.exports.idle()
    const job = (await (await fetch(`${url}/api/audit/exports/${id}`, { headers: auth })).json()) as {
      download_url: string
    }
    const file = await fetch(new URL(job.download_url, url))
    expect(file.status).toBe(200)
    expect(splitExport(await file.text()).lines).toHaveLength(12)
  })
})
