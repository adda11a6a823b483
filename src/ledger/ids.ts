import { randomBytes } from 'node:crypto'
import type { Db } from './database.js'

// Crockford's base32, as ULIDs use: no I, L, O or U.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * A ULID-shaped id with a prefix (`aevt_01J...`): 48 bits of milliseconds then 80 random bits,
 * so ids sort roughly by creation time and never collide in practice. `now` (epoch ms) comes from
 * the ledger's clock, so a test that steps time sees it in the ids too.
 */
export function newId(prefix: string, now: number): string {
  let time = ''
  let t = now
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time
    t = Math.floor(t / 32)
  }
  const random = randomBytes(10)
  let bits = 0n
  for (const byte of random) bits = (bits << 8n) | BigInt(byte)
  let tail = ''
  for (let i = 0; i < 16; i++) {
    tail = ALPHABET[Number(bits & 31n)] + tail
    bits >>= 5n
  }
  return `${prefix}_${time}${tail}`
}

/** A random secret for tokens and keys, URL-safe. */
export function randomToken(prefix: string, bytes = 24): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`
}

/** The ledger's own id (`/v1/me` answers it as organization and tenant), made once and kept in `meta`. */
export function ledgerId(db: Db, now: number): string {
  db.prepare('INSERT OR IGNORE INTO meta VALUES (?, ?)').run('ledger_id', newId('aldg', now))
  return (db.prepare('SELECT value FROM meta WHERE key = ?').get('ledger_id') as { value: string }).value
}
