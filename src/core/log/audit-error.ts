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
    this.retryable = options.retryable ?? (code === 'network' || code === 'rate-limited' || code === 'upstream')
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs
  }

  /** Build the error for an HTTP answer, using the server's `{error, message}` when it sent one. */
  static fromResponse(status: number, bodyText: string, retryAfterMs?: number): AuditError {
    let message = `The audit service answered HTTP ${status}.`
    try {
      const body = JSON.parse(bodyText) as { message?: unknown }
      if (typeof body.message === 'string' && body.message) message = body.message
    } catch {
      // Not JSON (a proxy's HTML error page, say): keep the generic message.
    }
    // Any 4xx without a code of its own is a request the server will keep refusing: never retried.
    const code: AuditErrorCode =
      status >= 400 && status < 500 && ![401, 403, 404, 429].includes(status)
        ? 'invalid-request'
        : status === 401
          ? 'unauthorized'
          : status === 403
            ? 'forbidden'
            : status === 404
              ? 'not-found'
              : status === 429
                ? 'rate-limited'
                : 'upstream'
    return new AuditError(code, message, { status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) })
  }
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
