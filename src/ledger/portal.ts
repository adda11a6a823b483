/**
 * Hosted-viewer compatibility: a backend creates a one-time portal session token, the viewer
 * exchanges it once for an org-scoped JWT (HS256, via jose) and reads events with that.
 */
import { createHash } from 'node:crypto'
import { jwtVerify, SignJWT } from 'jose'
import { bearerToken } from '../http/bearer.js'
import { HttpError } from '../protocol/errors.js'
import { statements, type Db } from './database.js'
import { randomToken } from './ids.js'

const AUDIENCE = 'auditlens-portal'
const ISSUER = 'auditlens-ledger'
const hash = (token: string) => createHash('sha256').update(token).digest('hex')

export class PortalSessions {
  private readonly sql: ReturnType<typeof statements>

  constructor(
    private readonly db: Db,
    private readonly secret: Uint8Array,
    private readonly clock: () => number,
  ) {
    this.sql = statements(db)
  }

  /** A one-time token for `orgId`, valid for `durationSeconds` (clamped to 60..86400). */
  create(orgId: string, durationSeconds: number, now = this.clock()): { token: string; expires_at: string } {
    const duration = Math.min(86_400, Math.max(60, Math.floor(durationSeconds)))
    const token = randomToken('aps', 32)
    const expiresAt = new Date(now + duration * 1000).toISOString()
    this.sql('INSERT INTO portal_sessions (token_hash, org_id, duration_s, expires_at) VALUES (?, ?, ?, ?)').run(
      hash(token),
      orgId,
      duration,
      expiresAt,
    )
    return { token, expires_at: expiresAt }
  }

  /** Trade a one-time token for a JWT; the same token never works twice. */
  async exchange(token: string, now = this.clock()): Promise<{ token: string; expires_at: string }> {
    const claim = this.db.transaction(() => {
      const row = this.sql('SELECT * FROM portal_sessions WHERE token_hash = ?').get(hash(token)) as
        { org_id: string; expires_at: string; used_at: string | null; duration_s: number } | undefined
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
    const jwt = await new SignJWT({ org: row.org_id, scope: 'audit:read' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(Date.parse(expiresAt) / 1000))
      .sign(this.secret)
    return { token: jwt, expires_at: expiresAt }
  }

  /** The org of a portal JWT in a request's Authorization header, or a 401. */
  async orgOf(request: Request): Promise<string> {
    const token = bearerToken(request)
    if (token === null) throw unauthorized('Send the portal token as "Authorization: Bearer <token>".')
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        currentDate: new Date(this.clock()),
        algorithms: ['HS256'],
        audience: AUDIENCE,
        issuer: ISSUER,
      })
      if (typeof payload.org !== 'string') throw new Error('no org claim')
      return payload.org
    } catch {
      throw unauthorized('The portal token is not valid or has expired; exchange a new portal session.')
    }
  }
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, 'unauthorized', message, { 'www-authenticate': 'Bearer realm="auditlens-portal"' })
}
