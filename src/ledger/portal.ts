/**
 * Hosted-viewer compatibility: a backend creates a one-time portal session token, the viewer
 * exchanges it once for an org-scoped JWT (HS256, via jose) and calls the portal API with that.
 * The session's intent (Invoance's `audit_logs` event viewer or `log_streams` stream settings)
 * rides in the JWT, where Invoance's viewer reads it (invoance-audit-viewer `jwtIntent`), and
 * every portal endpoint checks it.
 */
import { createHash } from 'node:crypto'
import { jwtVerify, SignJWT, type JWTPayload } from 'jose'
import { bearerToken } from '../http/bearer.js'
import { HttpError } from '../protocol/errors.js'
import { statements, type Db } from './database.js'
import { randomToken } from './ids.js'

const AUDIENCE = 'auditlens-portal'
const ISSUER = 'auditlens-ledger'
const hash = (token: string) => createHash('sha256').update(token).digest('hex')

/** What a portal session may do: read the event log, or manage the org's log streams. */
export type PortalIntent = 'audit_logs' | 'log_streams'

export const PORTAL_INTENTS: readonly PortalIntent[] = ['audit_logs', 'log_streams']

/** The JWT `scope` of each intent; `audit:read` is what every portal JWT carried before intents. */
const SCOPE_OF: Record<PortalIntent, string> = { audit_logs: 'audit:read', log_streams: 'audit:streams' }

/** A verified portal JWT: whose log it opens, and for what. */
export interface PortalSession {
  orgId: string
  intent: PortalIntent
}

export interface CreatePortalSession {
  /** Default `audit_logs`. */
  intent?: PortalIntent
  /** How long the one-time token may be exchanged (clamped to 60..86400; default: the session duration). */
  linkSeconds?: number
}

/** Invoance's documented window for `session_duration_seconds` (invoance-node models "clamped 60..86400"). */
const clamp = (seconds: number) => Math.min(86_400, Math.max(60, Math.floor(seconds)))

export class PortalSessions {
  private readonly sql: ReturnType<typeof statements>

  constructor(
    private readonly db: Db,
    private readonly secret: Uint8Array,
    private readonly clock: () => number,
  ) {
    this.sql = statements(db)
  }

  /**
   * A one-time token for `orgId`. The JWT it is exchanged for lives `durationSeconds` from the
   * exchange; the token itself expires after `linkSeconds` (both clamped to 60..86400).
   */
  create(
    orgId: string,
    durationSeconds: number,
    { intent = 'audit_logs', linkSeconds = durationSeconds }: CreatePortalSession = {},
    now = this.clock(),
  ): { token: string; expires_at: string; intent: PortalIntent } {
    const token = randomToken('aps', 32)
    const expiresAt = new Date(now + clamp(linkSeconds) * 1000).toISOString()
    this.sql(
      'INSERT INTO portal_sessions (token_hash, org_id, duration_s, expires_at, intent) VALUES (?, ?, ?, ?, ?)',
    ).run(hash(token), orgId, clamp(durationSeconds), expiresAt, intent)
    return { token, expires_at: expiresAt, intent }
  }

  /** Trade a one-time token for a JWT; the same token never works twice. */
  async exchange(token: string, now = this.clock()): Promise<{ token: string; expires_at: string }> {
    const claim = this.db.transaction(() => {
      const row = this.sql('SELECT * FROM portal_sessions WHERE token_hash = ?').get(hash(token)) as
        | { org_id: string; expires_at: string; used_at: string | null; duration_s: number; intent: PortalIntent }
        | undefined
      if (!row) throw unauthorized('This portal token is not valid.')
      if (row.used_at) throw unauthorized('This portal token was already exchanged; create a new portal session.')
      if (Date.parse(row.expires_at) <= now)
        throw unauthorized('This portal token has expired; create a new portal session.')
      this.sql('UPDATE portal_sessions SET used_at = ? WHERE token_hash = ?').run(
        new Date(now).toISOString(),
        hash(token),
      )
      return row
    })
    const row = claim.immediate()
    // The session lasts its full duration from the exchange, however late the exchange came.
    const expiresAt = new Date(now + row.duration_s * 1000).toISOString()
    const jwt = await new SignJWT({ org: row.org_id, scope: SCOPE_OF[row.intent], intent: row.intent })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(Date.parse(expiresAt) / 1000))
      .sign(this.secret)
    return { token: jwt, expires_at: expiresAt }
  }

  /** The session of a portal JWT in a request's Authorization header, or a 401. */
  async session(request: Request): Promise<PortalSession> {
    const token = bearerToken(request)
    if (token === null) throw unauthorized('Send the portal token as "Authorization: Bearer <token>".')
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, this.secret, {
        currentDate: new Date(this.clock()),
        algorithms: ['HS256'],
        audience: AUDIENCE,
        issuer: ISSUER,
      }))
    } catch {
      throw unauthorized('The portal token is not valid or has expired; exchange a new portal session.')
    }
    const session = decodeClaims(payload)
    if (!session) throw unauthorized('The portal token is not valid; exchange a new portal session.')
    return session
  }

  /**
   * The org of a portal JWT that was issued for `intent`: a 401 without a valid token, a 403
   * for a token of another intent (an event-viewer link must not manage streams, and back).
   */
  async orgOf(request: Request, intent: PortalIntent): Promise<string> {
    const session = await this.session(request)
    if (session.intent !== intent) {
      throw new HttpError(
        403,
        'forbidden',
        `This portal session was created with intent "${session.intent}"; this endpoint needs a session with intent "${intent}".`,
      )
    }
    return session.orgId
  }
}

/**
 * The session in verified claims, or null. A JWT from before intents existed carries only
 * `{org, scope: "audit:read"}` and reads as `audit_logs`; otherwise scope and intent must agree.
 */
function decodeClaims(payload: JWTPayload): PortalSession | null {
  const { org, scope, intent } = payload
  if (typeof org !== 'string') return null
  if (intent === undefined) return scope === SCOPE_OF.audit_logs ? { orgId: org, intent: 'audit_logs' } : null
  const known = PORTAL_INTENTS.find((name) => name === intent)
  return known !== undefined && scope === SCOPE_OF[known] ? { orgId: org, intent: known } : null
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, 'unauthorized', message, { 'www-authenticate': 'Bearer realm="auditlens-portal"' })
}
