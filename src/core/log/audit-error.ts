/**
 * The one error type the client raises. `code` says what happened in terms a UI can act on,
 * `retryable` whether trying again may help, `status` the HTTP status when there was one.
 */
export type AuditErrorCode =
  | 'network'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'invalid-request'
  | 'rate-limited'
  | 'upstream'
  | 'timeout'
  | 'session-expired'
  | 'aborted'

export class AuditError extends Error {
  override name = 'AuditError'
  readonly code: AuditErrorCode
  readonly status?: number
  readonly retryable: boolean
  /** For `rate-limited`: how long the server asked us to wait, in ms. */
  readonly retryAfterMs?: number

  constructor(
    code: AuditErrorCode,
    message: string,
    options: { status?: number; retryable?: boolean; cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    if (options.status !== undefined) this.status = options.status
    this.retryable =
      options.retryable ?? (code === 'network' || code === 'rate-limited' || code === 'upstream' || code === 'timeout')
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs
  }

  /** `error` itself when it is an AuditError; anything else (a thrown TypeError from fetch) as `network`. */
  static from(error: unknown, message: string): AuditError {
    return error instanceof AuditError ? error : new AuditError('network', message, { cause: error })
  }

  /**
   * Build the error for an HTTP answer from the server's `{ error, message }` envelope
   * (src/protocol/errors.ts): its code says what happened, so a proxy's `gateway_timeout`
   * arrives as `timeout`, not as a generic upstream failure. Without a known code (a proxy's
   * HTML error page, say), the status decides.
   */
  static fromResponse(status: number, bodyText: string, retryAfterMs?: number): AuditError {
    let message = `The audit service answered HTTP ${status}.`
    let wire: unknown
    try {
      const body = JSON.parse(bodyText) as { error?: unknown; message?: unknown }
      if (typeof body.message === 'string' && body.message) message = body.message
      wire = body.error
    } catch {
      // Not JSON: keep the generic message.
    }
    const code = (typeof wire === 'string' && WIRE_CODES[wire]) || codeOfStatus(status)
    return new AuditError(code, message, { status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
  }
}

/** The envelope's codes (src/protocol/errors.ts) as the client's. */
const WIRE_CODES: Partial<Record<string, AuditErrorCode>> = {
  invalid_request: 'invalid-request',
  method_not_allowed: 'invalid-request',
  conflict: 'invalid-request',
  payload_too_large: 'invalid-request',
  unsupported_media_type: 'invalid-request',
  headers_too_large: 'invalid-request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not-found',
  rate_limited: 'rate-limited',
  request_timeout: 'timeout',
  gateway_timeout: 'timeout',
  bad_gateway: 'upstream',
  internal_error: 'upstream',
}

/** Any 4xx without a code of its own is a request the server will keep refusing: never retried. */
function codeOfStatus(status: number): AuditErrorCode {
  if (status === 401) return 'unauthorized'
  if (status === 403) return 'forbidden'
  if (status === 404) return 'not-found'
  if (status === 429) return 'rate-limited'
  if (status === 408 || status === 504) return 'timeout'
  return status >= 400 && status < 500 ? 'invalid-request' : 'upstream'
}

/** Whether `error` is the rejection of an aborted operation (ours or the platform's). */
export function isAbort(error: unknown): boolean {
  return (
    (error instanceof AuditError && error.code === 'aborted') ||
    (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError')
  )
}

export function abortError(signal?: AbortSignal): AuditError {
  return new AuditError('aborted', 'The request was cancelled.', { cause: signal?.reason, retryable: false })
}
