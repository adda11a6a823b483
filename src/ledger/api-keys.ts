/**
 * API keys for the ledger: `Authorization: Bearer alk_...`, stored only as SHA-256 hashes.
 * A key found in `AUDITLENS_API_KEY` (passed in as `devKey`) is accepted with every scope, for
 * development and tests.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { bearerToken } from '../http/bearer.js'
import { HttpError } from '../protocol/errors.js'
import { statements, type Db } from './database.js'
import { newId, randomToken } from './ids.js'

/**
 * `audit:admin` changes what the log keeps (retention): an app server that only writes events
 * must not be able to shorten the history it writes to (an audit log has to outlast a
 * compromised writer).
 */
export const SCOPES = ['audit:read', 'audit:write', 'audit:admin'] as const
export type Scope = (typeof SCOPES)[number]

export interface Caller {
  /** The API key's id (never its secret); idempotency keys are scoped to it. */
  keyId: string
  scopes: ReadonlySet<Scope>
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex')

export class ApiKeys {
  private readonly devKeyHash: Buffer | null
  private readonly sql: ReturnType<typeof statements>

  constructor(
    private readonly db: Db,
    devKey: string | null,
    private readonly clock: () => number,
  ) {
    this.sql = statements(db)
    this.devKeyHash = devKey ? Buffer.from(hash(devKey), 'hex') : null
  }

  /** Create a key and return its secret, which is shown once and never stored. */
  create(scopes: readonly Scope[]): { id: string; secret: string; scopes: Scope[] } {
    const unknown = scopes.filter((s) => !SCOPES.includes(s))
    if (unknown.length > 0 || scopes.length === 0) {
      throw new Error(`scopes must be a non-empty list of ${SCOPES.join(', ')}; got ${scopes.join(',') || 'none'}`)
    }
    const now = this.clock()
    const id = newId('alkid', now)
    const secret = randomToken('alk', 32)
    const unique = [...new Set(scopes)]
    this.sql('INSERT INTO api_keys (id, secret_hash, scopes, created_at) VALUES (?, ?, ?, ?)').run(
      id,
      hash(secret),
      unique.join(','),
      new Date(now).toISOString(),
    )
    return { id, secret, scopes: unique }
  }

  /** The caller behind a request's bearer token, or a 401/403 naming what is missing. */
  authenticate(request: Request, scope: Scope): Caller {
    const token = bearerToken(request)
    const challenge = { 'www-authenticate': 'Bearer realm="auditlens"' }
    if (token === null) {
      throw new HttpError(401, 'unauthorized', 'Send an API key as "Authorization: Bearer <key>".', challenge)
    }
    const caller = this.lookup(token)
    if (!caller) throw new HttpError(401, 'unauthorized', 'The API key is not valid.', challenge)
    if (!caller.scopes.has(scope)) {
      throw new HttpError(403, 'forbidden', `This API key lacks the ${scope} scope needed here.`)
    }
    return caller
  }

  /**
   * The key behind a request's bearer token with when it was made (`null` for the development
   * key), whatever its scopes; `null` when the token is missing or unknown. For `GET /v1/me`.
   */
  identify(request: Request): (Caller & { createdAt: string | null }) | null {
    const token = bearerToken(request)
    const caller = token === null ? null : this.lookup(token)
    if (!caller) return null
    const row = this.sql('SELECT created_at FROM api_keys WHERE id = ?').get(caller.keyId) as
      { created_at: string } | undefined
    return { ...caller, createdAt: row?.created_at ?? null }
  }

  private lookup(secret: string): Caller | null {
    const digest = hash(secret)
    if (this.devKeyHash && timingSafeEqual(this.devKeyHash, Buffer.from(digest, 'hex'))) {
      return { keyId: 'dev', scopes: new Set(SCOPES) }
    }
    // Looked up by hash: the comparison is on a digest, so its timing reveals nothing useful.
    const row = this.sql('SELECT id, scopes FROM api_keys WHERE secret_hash = ?').get(digest) as
      { id: string; scopes: string } | undefined
    return row ? { keyId: row.id, scopes: new Set(row.scopes.split(',') as Scope[]) } : null
  }
}
