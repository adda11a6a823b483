/**
 * Errors every auditlens endpoint answers with: `{ error, message }` JSON, where `error` is a
 * stable code and `message` says what was wrong and how to fix it. Never a stack trace.
 */

/** Stable error codes, one per HTTP status the endpoints (and the node:http server) use. */
export type HttpErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'request_timeout'
  | 'headers_too_large'
  | 'rate_limited'
  | 'internal_error'
  | 'bad_gateway'
  | 'gateway_timeout'

/** Throw from a handler to answer with this status and `{ error: code, message }`. */
export class HttpError extends Error {
  override name = 'HttpError'

  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export const badRequest = (message: string) => new HttpError(400, 'invalid_request', message)
export const notFound = (message: string) => new HttpError(404, 'not_found', message)

/** A JSON response. `body` may be pre-serialised text (to keep exact numbers). */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return new Response(text, {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  })
}

/** The response for any error thrown by a handler; unexpected errors are logged, never leaked. */
export function errorResponse(error: unknown, log: (error: unknown) => void = console.error): Response {
  if (error instanceof HttpError) {
    return json({ error: error.code, message: error.message }, error.status, error.headers)
  }
  log(error)
  return json(
    { error: 'internal_error', message: 'The server failed to handle this request; it has been logged.' },
    500,
  )
}
