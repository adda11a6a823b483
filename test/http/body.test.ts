import { describe, expect, it } from 'vitest'
import { readJsonObject } from '../../src/http/body.js'
import { HttpError } from '../../src/protocol/errors.js'

const LIMIT = 1024

/** A JSON body streamed in chunks with no Content-Length, recording how many chunks were pulled. */
function streamed(size: number, chunk = 256) {
  const pulled = { chunks: 0, cancelled: false }
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close()
      const n = Math.min(chunk, size - sent)
      controller.enqueue(new TextEncoder().encode(sent === 0 ? '{"a":"' + 'x'.repeat(n - 6) : 'x'.repeat(n)))
      sent += n
      pulled.chunks++
    },
    cancel() {
      pulled.cancelled = true
    },
  })
  const request = new Request('http://host/', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    duplex: 'half',
  } as RequestInit)
  return { request, pulled }
}

describe('readJsonObject, the one body limit', () => {
  it('reads a JSON object within the limit', async () => {
    const request = new Request('http://host/', {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    })
    expect(await readJsonObject(request, LIMIT)).toEqual({ a: 1 })
  })

  it('refuses a declared Content-Length over the limit with 413 before reading', async () => {
    const request = new Request('http://host/', {
      method: 'POST',
      body: JSON.stringify({ a: 'x'.repeat(LIMIT) }),
      headers: { 'content-type': 'application/json', 'content-length': String(LIMIT + 8) },
    })
    await expect(readJsonObject(request, LIMIT)).rejects.toMatchObject({ status: 413, code: 'payload_too_large' })
    expect(request.bodyUsed).toBe(false)
  })

  it('stops reading a streamed body without a length at the limit, and cancels it', async () => {
    const { request, pulled } = streamed(64 * LIMIT)
    const error = await readJsonObject(request, LIMIT).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({ status: 413, message: 'The request body is larger than 1 KiB.' })
    expect(pulled.chunks).toBeLessThan(10)
    expect(pulled.cancelled).toBe(true)
  })
})
