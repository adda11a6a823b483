/**
 * Responses in the error envelope of src/protocol/errors.ts, and JSON responses in general.
 */
import { HttpError } from '../protocol/errors.js'

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
