/**
 * The demo's sign-in sessions: a random id in an HttpOnly cookie, looked up in memory. Signing
 * out deletes the session here, so a copy of the cookie (a replayed request, another tab, a
 * proxy log) cannot mint audit tokens afterwards (OWASP Session Management: invalidate the
 * session on the server at logout, not just the cookie).
 */
import { randomBytes } from 'node:crypto'

const COOKIE = 'auditlens_demo'
/** A demo keeps few sessions; past this the oldest go first, so memory stays bounded. */
const MAX_SESSIONS = 10_000
const LIFETIME_MS = 8 * 3600_000

export interface DemoSessions {
  /** The org signed in with this request's cookie, or null (no, unknown, expired or signed-out session). */
  orgOf(request: Request): string | null
  /** Start a session for `org`, ending any the request carried; returns the Set-Cookie value. */
  signIn(request: Request, org: string): string
  /** End the request's session; returns the Set-Cookie value that clears the cookie. */
  signOut(request: Request): string
}

/** The value of cookie `name`, or null. Session ids are base64url, so no percent-decoding is needed. */
function cookieValue(request: Request, name: string): string | null {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return null
}

/** In-memory sessions; `now` is injectable for tests. */
export function createDemoSessions(now: () => number = Date.now): DemoSessions {
  const sessions = new Map<string, { org: string; expiresAt: number }>()
  const idOf = (request: Request) => cookieValue(request, COOKIE)
  return {
    orgOf(request) {
      const id = idOf(request)
      const session = id ? sessions.get(id) : undefined
      if (!session) return null
      if (session.expiresAt <= now()) {
        sessions.delete(id!)
        return null
      }
      return session.org
    },
    signIn(request, org) {
      const previous = idOf(request)
      if (previous) sessions.delete(previous)
      const id = randomBytes(32).toString('base64url')
      sessions.set(id, { org, expiresAt: now() + LIFETIME_MS })
      if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value!)
      return `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${LIFETIME_MS / 1000}`
    },
    signOut(request) {
      const id = idOf(request)
      if (id) sessions.delete(id)
      return `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`
    },
  }
}
