/**
 * One webhook POST: signed, with a deadline, never following redirects, and reduced to an
 * outcome that holds nothing the receiver sent beyond its status code. A receiver's body and
 * headers never reach the ledger's API answers: `error` is one short line this file writes.
 */
import type { RefusalLog } from './refusal-log.js'
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
  /** Where refusals' details go, for the ledger's log only: details an API answer must not carry. */
  refusals: RefusalLog
}

export interface Delivery {
  /** The stream's id, for the ledger's log. */
  streamId: string
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
    platform.refusals.passed(delivery.streamId)
    if (status >= 200 && status < 300) return { delivered: true, httpStatus: status }
    if (status >= 300 && status < 400)
      return { delivered: false, httpStatus: status, error: `HTTP ${status}: redirects are not followed` }
    return { delivered: false, httpStatus: status, error: `HTTP ${status}` }
  } catch (error) {
    if (timedOut) return { delivered: false, httpStatus: null, error: `timed out after ${timeoutMs / 1000} s` }
    if (cancel?.aborted) return { delivered: false, httpStatus: null, error: 'cancelled: the ledger stopped' }
    if (error instanceof RefusedTarget) {
      platform.refusals.refused(delivery.streamId, error.detail)
      return { delivered: false, httpStatus: null, error: NO_PUBLIC_ADDRESS }
    }
    platform.refusals.passed(delivery.streamId)
    return { delivered: false, httpStatus: null, error: networkError(error) }
  } finally {
    platform.clearTimeout(timer)
    cancel?.removeEventListener('abort', onCancel)
  }
}

/**
 * What a stream's `last_error` and `test` say when its host has no address streams may reach:
 * the host does not resolve, or resolves to a private or special-purpose address. One message
 * for both, naming no address: told apart ("refused" against ENOTFOUND), a stream creator, an
 * end customer's portal session included, could map which internal names exist on the ledger's
 * network. The operator finds which it was in the ledger's log (refusal-log.ts, once per stream
 * until its outcome changes).
 */
export const NO_PUBLIC_ADDRESS =
  'no public address: the host does not resolve, or resolves to a private or special-purpose address; ' +
  'streams deliver to public addresses only'

// Certificate checks that fail, by the code node gives them (OpenSSL's X509_V_ERR_* names without
// the prefix, https://docs.openssl.org/3.0/man3/X509_STORE_CTX_get_error/, and node's own
// ERR_TLS_CERT_ALTNAME_INVALID), each with what the operator can do about it.
const UNTRUSTED = "the receiver's certificate does not chain to a CA the ledger trusts"
const TLS_FAILURES: Readonly<Record<string, string>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: UNTRUSTED,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNTRUSTED,
  DEPTH_ZERO_SELF_SIGNED_CERT: UNTRUSTED,
  SELF_SIGNED_CERT_IN_CHAIN: UNTRUSTED,
  CERT_SIGNATURE_FAILURE: "the receiver's certificate has a bad signature",
  CERT_HAS_EXPIRED: "the receiver's certificate has expired",
  CERT_NOT_YET_VALID: "the receiver's certificate is not valid yet",
  ERR_TLS_CERT_ALTNAME_INVALID: "the receiver's certificate is not for the URL's host name",
}

/**
 * A network failure as one line: the system error code only (ECONNREFUSED, ECONNRESET...), and
 * for a failed certificate check what failed. Never the error's message, which for a name
 * mismatch lists the certificate's names and the address connected to.
 */
function networkError(error: unknown): string {
  const raw = (error as { code?: unknown } | null)?.code
  const code = typeof raw === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(raw) ? raw : null
  if (code !== null && Object.hasOwn(TLS_FAILURES, code)) return `TLS failed (${code}): ${TLS_FAILURES[code]}`
  return code ? `connection failed (${code})` : 'connection failed'
}
