/**
 * Request bodies, read within a limit. This is the one place body limits live: each route passes
 * its own (64 KiB for an event, 16 KiB for the ledger's other bodies and the proxy's export
 * request, 1 KiB for the demo's sign-in), because only the route knows what size is sane, and
 * because the handler runs unchanged in Next.js, edge runtimes and Node, where no node:http
 * adapter sits in front of it. A declared Content-Length over the limit is refused before a byte
 * is read, and a streamed body stops being read at the limit, so nothing large is buffered.
 */
import { AuditJsonSyntaxError, parseAuditJson, type AuditJsonValue } from '../core/index.js'
import { badRequest, HttpError } from '../protocol/errors.js'

/**
 * Read a request body as UTF-8 text, refusing (413) as soon as it passes `limit` bytes, so a
 * huge body is never held in memory.
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? NaN)
  if (declared > limit) throw tooLarge(limit)
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw tooLarge(limit)
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw badRequest('The request body is not valid UTF-8.')
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'payload_too_large', `The request body is larger than ${Math.round(limit / 1024)} KiB.`)
}

/**
 * Read a JSON object body without losing number precision. Requires a JSON content type so a
 * cross-site form post cannot reach a JSON endpoint.
 */
export async function readJsonObject(request: Request, limit: number): Promise<Record<string, AuditJsonValue>> {
  const type = request.headers.get('content-type') ?? ''
  if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.')
  }
  const text = await readBodyText(request, limit)
  let value: AuditJsonValue
  try {
    value = parseAuditJson(text)
  } catch (error) {
    if (error instanceof AuditJsonSyntaxError) throw badRequest(`The request body is not valid JSON: ${error.message}.`)
    throw error
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !isRecord(value)) {
    throw badRequest('The request body must be a JSON object.')
  }
  return value
}

function isRecord(value: object): value is Record<string, AuditJsonValue> {
  return Object.getPrototypeOf(value) === Object.prototype
}
