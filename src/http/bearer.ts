/**
 * The one reading of `Authorization: Bearer <token>` shared by the proxy (audit tokens), the
 * ledger's API keys and its portal tokens. RFC 6750 section 2.1: the scheme is case-insensitive
 * and the credential is one token with no spaces; anything else is no token at all, and each
 * caller answers that with its own 401 message and realm.
 */

/** The bearer token in a request's Authorization header, or null when there is none. */
export function bearerToken(request: Request): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')
  return match ? match[1]! : null
}
