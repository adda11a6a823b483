/**
 * Requests as Invoance's SDKs send them (see /work/notes/invoance-wire.md §1): the headers each
 * one sets, its content-derived Idempotency-Key, and its bodiless POSTs. Tests pass the result
 * to `TestLedger.call`, which adds the API key.
 */
import { createHash } from 'node:crypto'

/** Invoance's four SDKs at the versions read: Node 0.3.0, Python 0.2.0, Go 0.2.0, Ruby 0.2.0. */
export type Sdk = 'node' | 'python' | 'go' | 'ruby'

const VERSIONS: Record<Sdk, string> = { node: '0.3.0', python: '0.2.0', go: '0.2.0', ruby: '0.2.0' }

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** `"idem_" + sha256hex(stableStringify(body))`, the key every SDK derives when none is given. */
export function contentIdempotencyKey(body: unknown): string {
  return 'idem_' + createHash('sha256').update(stable(body)).digest('hex')
}

/**
 * The request one SDK sends. Node, Go and Ruby set `Content-Type: application/json` on every
 * request, bodiless ones included; Python only when it sends a body. Every SDK puts an
 * Idempotency-Key on POST; Go on PUT and PATCH too.
 */
export function sdkRequest(sdk: Sdk, method: string, body?: unknown): RequestInit {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': `invoance-${sdk}/${VERSIONS[sdk]}`,
  }
  if (sdk !== 'python' || body !== undefined) headers['content-type'] = 'application/json'
  if (method === 'POST' || (sdk === 'go' && (method === 'PUT' || method === 'PATCH'))) {
    headers['idempotency-key'] = contentIdempotencyKey(body ?? null)
  }
  return { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }
}
