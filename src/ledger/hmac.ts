/**
 * Opaque, tamper-evident tokens for the ledger: pagination cursors bound to their query, and
 * presigned download URLs bound to an export and an expiry (on src/http/signed-link.ts, the
 * proxy's links too). Both are HMAC-SHA256 with a secret kept in the database, compared in
 * constant time.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { LinkSigner } from '../http/signed-link.js'
import { badRequest } from '../protocol/errors.js'
import type { Db } from './database.js'
import type { EventFilters } from '../protocol/filters.js'

/** A named secret, created on first use and kept in the ledger's `meta` table. */
export function ledgerSecret(db: Db, name: string): Buffer {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(name) as { value: string } | undefined
  if (row) return Buffer.from(row.value, 'hex')
  const secret = randomBytes(32)
  db.prepare('INSERT OR IGNORE INTO meta VALUES (?, ?)').run(name, secret.toString('hex'))
  return ledgerSecret(db, name)
}

function mac(secret: Buffer, text: string): Buffer {
  return createHmac('sha256', secret).update(text).digest()
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Identifies a query (org and filters, not the page size) inside a cursor. */
function queryDigest(orgId: string, filters: EventFilters): string {
  const { actions, actorId, targetId, from, to } = filters
  // The end's kind counts: the same timestamp as range_end (inclusive) and as occurred_before
  // (exclusive) are different queries, so a cursor from one is refused by the other.
  return createHash('sha256')
    .update(JSON.stringify([orgId, actions, actorId, targetId, from, to, filters.toInclusive === true]))
    .digest('base64url')
    .slice(0, 16)
}

export class Cursors {
  constructor(private readonly secret: Buffer) {}

  /** A cursor that resumes this query after `seq`. */
  encode(orgId: string, filters: EventFilters, seq: number): string {
    const payload = Buffer.from(JSON.stringify({ s: seq, q: queryDigest(orgId, filters) })).toString('base64url')
    return `${payload}.${mac(this.secret, payload).toString('base64url')}`
  }

  /** The seq to resume before; a 400 for a cursor that was edited or belongs to another query. */
  decode(cursor: string, orgId: string, filters: EventFilters): number {
    const [payload, signature, extra] = cursor.split('.')
    if (
      !payload ||
      !signature ||
      extra !== undefined ||
      !equal(mac(this.secret, payload), Buffer.from(signature, 'base64url'))
    ) {
      throw badRequest('cursor is not a cursor this ledger issued; start again without one.')
    }
    const { s, q } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { s: number; q: string }
    if (q !== queryDigest(orgId, filters)) {
      throw badRequest('cursor belongs to a different org or filters; start again without one when filters change.')
    }
    return s
  }
}

/**
 * Presigned download URLs: `?expires=<epoch seconds>&signature=<base64url HMAC-SHA256 over
 * "<export id>\n<expires>">`, made and checked by the signed links the proxy uses too.
 */
export class DownloadSigner {
  private readonly links: Promise<LinkSigner>

  constructor(
    secret: Uint8Array,
    private readonly ttlSeconds: number,
    private readonly clock: () => number,
  ) {
    this.links = LinkSigner.create(secret)
  }

  /** A fresh presigned path and its expiry. */
  async sign(exportId: string, now = this.clock()): Promise<{ path: string; expiresAt: string }> {
    const expires = Math.floor(now / 1000) + this.ttlSeconds
    const signature = await (await this.links).sign(exportId, expires)
    return {
      path: `/v1/audit/exports/${encodeURIComponent(exportId)}/download?expires=${expires}&signature=${signature}`,
      expiresAt: new Date(expires * 1000).toISOString(),
    }
  }

  /** Whether a download request's `expires` and `signature` are genuine and still valid. */
  async check(
    exportId: string,
    expires: string | null,
    signature: string | null,
    now = this.clock(),
  ): Promise<'ok' | 'expired' | 'invalid'> {
    if (!expires || !signature || !/^\d{1,12}$/.test(expires) || !/^[\w-]{43}$/.test(signature)) return 'invalid'
    if (!(await (await this.links).verify(exportId, Number(expires), signature))) return 'invalid'
    return Number(expires) * 1000 <= now ? 'expired' : 'ok'
  }
}
