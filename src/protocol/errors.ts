/**
 * The error envelope every auditlens endpoint answers with: `{ error, message }`, where
 * `error` is a stable code and `message` says what was wrong and how to fix it. Never a stack
 * trace. Shared by the ledger, the proxy and the node:http server.
 */

/** Stable error codes, one per HTTP status the endpoints (and the node:http server) use. */
export type HttpErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'invalid_api_key'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'org_archived'
  | 'org_not_deletable'
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
