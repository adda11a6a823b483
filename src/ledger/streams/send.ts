/**
 * One webhook POST: signed, with a deadline, never following redirects, and reduced to an
 * outcome that holds nothing the receiver sent beyond its status code. A receiver's body and
 * headers never reach the ledger's API answers: `error` is one short line this file writes.
 */
import { signDelivery } from './signature.js'
import { RefusedTarget } from './target-guard.js'
import type { Post } from './transport.js'

/** The platform a delivery runs on, injected so tests step time by hand (STYLE.md habit 2). */
export interface DeliveryPlatform {
  /** The guarded HTTP client (transport.ts). */
  post: Post
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
    // A 3xx is an answer, not an instruction: following it would let a receiver point the
    // ledger's signed traffic at any other host (the SSRF pattern Stripe and Svix also refuse).
    // The transport (node:http) never follows one.
    const status = await platform.post(
      delivery.url,
      {
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
      delivery.body,
      controller.signal,
    )
    if (status >= 200 && status < 300) return { delivered: true, httpStatus: status }
    if (status >= 300 && status < 400)
      return { delivered: false, httpStatus: status, error: `HTTP ${status}: redirects are not followed` }
    return { delivered: false, httpStatus: status, error: `HTTP ${status}` }
  } catch (error) {
    if (timedOut) return { delivered: false, httpStatus: null, error: `timed out after ${timeoutMs / 1000} s` }
    if (cancel?.aborted) return { delivered: false, httpStatus: null, error: 'cancelled: the ledger stopped' }
    if (error instanceof RefusedTarget) return { delivered: false, httpStatus: null, error: REFUSED_TARGET }
    return { delivered: false, httpStatus: null, error: networkError(error) }
  } finally {
    platform.clearTimeout(timer)
    cancel?.removeEventListener('abort', onCancel)
  }
}

/**
 * What a stream's `last_error` and `test` say when the target guard refused the host. It names
 * no address: the resolved addresses of a name on the ledger's network are not the stream
 * creator's to learn.
 */
export const REFUSED_TARGET =
  'refused: the host is or resolves to a private or special-purpose address; streams deliver to public addresses only'

/** A network failure as one line: the system error code only (ECONNREFUSED, ENOTFOUND...). */
function networkError(error: unknown): string {
  const raw = (error as { code?: unknown } | null)?.code
  const code = typeof raw === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(raw) ? raw : null
  return code ? `connection failed (${code})` : 'connection failed'
}
