/**
 * One webhook POST: signed, with a deadline, never following redirects, and reduced to an
 * outcome that holds nothing the receiver sent beyond its status code. A receiver's body and
 * headers never reach the ledger's API answers: `error` is one short line this file writes.
 */
import { signDelivery } from './signature.js'

/** The platform a delivery runs on, injected so tests step time by hand (STYLE.md habit 2). */
export interface DeliveryPlatform {
  fetch: typeof fetch
  /** Epoch milliseconds. */
  now: () => number
  setTimeout: (run: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
}

export interface Delivery {
  url: string
  secret: string
  /** Stable across retries of the same event to the same stream, so receivers can dedupe. */
  id: string
  /** `audit.event` or `stream.test`. */
  type: string
  body: string
}

export type DeliveryOutcome =
  { delivered: true; httpStatus: number } | { delivered: false; httpStatus: number | null; error: string }

export const USER_AGENT = 'auditlens-webhooks/1'

/** POST one delivery; resolves (never rejects) with what happened. */
export async function send(
  delivery: Delivery,
  platform: DeliveryPlatform,
  timeoutMs: number,
  cancel?: AbortSignal,
): Promise<DeliveryOutcome> {
  const timestamp = Math.floor(platform.now() / 1000)
  const signature = signDelivery(delivery.secret, delivery.id, timestamp, delivery.body)
  const controller = new AbortController()
  let timedOut = false
  const timer = platform.setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  const onCancel = () => controller.abort()
  cancel?.addEventListener('abort', onCancel, { once: true })
  try {
    const response = await platform.fetch(delivery.url, {
      method: 'POST',
      // A 3xx is an answer, not an instruction: following it would let a receiver point the
      // ledger's signed traffic at any other host (the SSRF pattern Stripe and Svix also refuse).
      redirect: 'manual',
      signal: controller.signal,
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'webhook-id': delivery.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
        // The header Invoance's viewer tells receivers to check (invoance-audit-viewer
        // src/StreamConfig.tsx); the same Standard Webhooks value, under that name too.
        'x-invoance-signature': signature,
        'auditlens-event-type': delivery.type,
      },
      body: delivery.body,
    })
    await drain(response.body)
    const status = response.status
    if (status >= 200 && status < 300) return { delivered: true, httpStatus: status }
    if (status >= 300 && status < 400)
      return { delivered: false, httpStatus: status, error: `HTTP ${status}: redirects are not followed` }
    return { delivered: false, httpStatus: status, error: `HTTP ${status}` }
  } catch (error) {
    if (timedOut) return { delivered: false, httpStatus: null, error: `timed out after ${timeoutMs / 1000} s` }
    if (cancel?.aborted) return { delivered: false, httpStatus: null, error: 'cancelled: the ledger stopped' }
    return { delivered: false, httpStatus: null, error: networkError(error) }
  } finally {
    platform.clearTimeout(timer)
    cancel?.removeEventListener('abort', onCancel)
  }
}

/**
 * Read and drop a response body of up to 64 KiB, still under the attempt's deadline. A body read
 * to its end lets undici keep the connection alive; a cancelled one closes it, and a bare
 * sequential fetch loop to a local server ran at about 530 requests/s that way against about
 * 1,390 reading the body (Node 20, this repository's machine). A receiver that sends more than
 * the limit gets its connection cut rather than buffered. Nothing read is kept.
 */
async function drain(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (!body) return
  const reader = body.getReader()
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return
    size += value.byteLength
    if (size > DRAIN_LIMIT) {
      await reader.cancel().catch(() => {})
      return
    }
  }
}

const DRAIN_LIMIT = 64 * 1024

/** A network failure as one line: the system error code only (ECONNREFUSED, ENOTFOUND...). */
function networkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause
  const code = typeof cause?.code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(cause.code) ? cause.code : null
  return code ? `connection failed (${code})` : 'connection failed'
}
