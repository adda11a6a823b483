/**
 * The ledger's Ed25519 signing keys. Private keys live in files under the data directory
 * (mode 0600), never in the database; the database holds each key's public half and validity
 * window. What `GET /v1/audit/keys` publishes (and what the ledger's own check trusts) is only
 * a row whose public key is the one derived from its private key file, and whose window is
 * the one recorded next to that file when the key was made or rotated: anyone who can write
 * the database, but not the key folder, can neither add a key that would vouch for forged
 * events nor reopen a retired key's window (rotation is how a leaked key is retired).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { KeyInfo } from '../protocol/keys.js'
import { statements, type Db } from './database.js'
import { newId } from './ids.js'

/** A key as the ledger publishes it: the keys document's entry, always with its start. */
export type SigningKeyInfo = KeyInfo & { not_before: string }

export interface ActiveKey {
  keyId: string
  publicKey: string
  privateKey: KeyObject
  notBefore: string
}

/** The ids {@link newId} makes for keys; anything else in the table is never used as a file name. */
const KEY_ID = /^akey_[0-9A-Z]{26}$/

/** The raw 32-byte Ed25519 public key in hex: the last 32 bytes of its SPKI DER (RFC 8410). */
function publicHex(key: KeyObject): string {
  const publicKey = key.type === 'public' ? key : createPublicKey(key)
  return (publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(-32).toString('hex')
}

interface KeyRow {
  key_id: string
  public_key: string
  not_before: string
  not_after: string | null
}

type Window = Pick<KeyRow, 'not_before' | 'not_after'>

const sameWindow = (a: Window, b: Window) => a.not_before === b.not_before && a.not_after === b.not_after

export class SigningKeys {
  /** Private keys by id. Without a key directory (an in-memory ledger) this is their only home. */
  private readonly privateKeys = new Map<string, KeyObject>()
  private readonly publicKeys = new Map<string, string>()
  /** Public keys derived from the private key material (files, or memory), by key id. */
  private readonly derived = new Map<string, string>()
  /** Windows by key id: the record itself without a key directory, else what the files last said. */
  private readonly windows = new Map<string, Window>()
  /** Key ids already warned about, so a poisoned row is reported once, not on every request. */
  private readonly warned = new Set<string>()
  private readonly sql: ReturnType<typeof statements>

  constructor(
    private readonly db: Db,
    private readonly keyDir: string | null,
    private readonly clock: () => number,
    private readonly warn: (line: string) => void = console.warn,
  ) {
    this.sql = statements(db)
    if (keyDir) mkdirSync(keyDir, { recursive: true, mode: 0o700 })
    if (!this.currentRow()) this.create(new Date(this.clock()).toISOString())
  }

  private currentRow(): KeyRow | undefined {
    return this.sql('SELECT * FROM signing_keys WHERE not_after IS NULL ORDER BY not_before DESC LIMIT 1').get() as
      KeyRow | undefined
  }

  private create(notBefore: string): KeyRow {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const row: KeyRow = {
      key_id: newId('akey', Date.parse(notBefore)),
      public_key: publicHex(publicKey),
      not_before: notBefore,
      not_after: null,
    }
    if (this.keyDir) {
      // 'wx' never overwrites; 0600 keeps the key readable by this user only.
      writeFileSync(join(this.keyDir, `${row.key_id}.pem`), privateKey.export({ format: 'pem', type: 'pkcs8' }), {
        mode: 0o600,
        flag: 'wx',
      })
    }
    this.privateKeys.set(row.key_id, privateKey)
    this.recordWindow(row)
    this.sql('INSERT INTO signing_keys VALUES (@key_id, @public_key, @not_before, @not_after)').run(row)
    return row
  }

  private windowFile(keyId: string): string | null {
    return this.keyDir && KEY_ID.test(keyId) ? join(this.keyDir, `${keyId}.window.json`) : null
  }

  /** Record a key's window beside its key file (0600, rewritten only when the key is made or rotated). */
  private recordWindow(row: KeyRow): void {
    const window: Window = { not_before: row.not_before, not_after: row.not_after }
    const file = this.windowFile(row.key_id)
    if (file) writeFileSync(file, JSON.stringify(window) + '\n', { mode: 0o600 })
    this.windows.set(row.key_id, window)
  }

  /**
   * The window recorded for a key, read afresh each time (another process may have rotated it),
   * or null when the record cannot be read. A key from a ledger older than these records has
   * none: its database window is adopted once (trust on first use) and recorded from then on.
   */
  private recordedWindow(row: KeyRow): Window | null {
    const file = this.windowFile(row.key_id)
    const known = this.windows.get(row.key_id)
    // Read once and again only when the row differs from it (a rotation, in this process or
    // another, or an edit): ingest asks for the active key on every event.
    if (!file || (known && sameWindow(known, row))) return known ?? null
    if (!existsSync(file)) {
      this.warn(`auditlens: signing key ${row.key_id} has no recorded window; adopting the database's.`)
      this.recordWindow(row)
    }
    try {
      const { not_before, not_after } = JSON.parse(readFileSync(file, 'utf8')) as Window
      this.windows.set(row.key_id, { not_before, not_after })
      return { not_before, not_after }
    } catch {
      return null
    }
  }

  /** What is wrong with a row against the key material and the recorded window, or null. */
  private problemWith(row: KeyRow): string | null {
    const material = this.keyMaterialOf(row.key_id)
    if (material === null) return 'has no key file'
    if (material !== row.public_key) return 'does not match its key file'
    const window = this.recordedWindow(row)
    if (!window || !sameWindow(window, row))
      return 'has a validity window other than the one recorded with its key file'
    return null
  }

  /** The key new events are signed with. Read per call so a rotation by another process is seen. */
  active(): ActiveKey {
    const row = this.currentRow()
    if (!row) throw new Error('The ledger has no active signing key; run `auditlens keys rotate`.')
    const problem = this.problemWith(row)
    if (problem) {
      throw new Error(
        `The active signing key ${row.key_id} in the database ${problem}; ` +
          'the database may have been edited. Run `auditlens keys rotate` once that is resolved.',
      )
    }
    return {
      keyId: row.key_id,
      publicKey: row.public_key,
      privateKey: this.privateKey(row.key_id),
      notBefore: row.not_before,
    }
  }

  private privateKey(keyId: string): KeyObject {
    let key = this.privateKeys.get(keyId)
    if (!key) {
      if (!this.keyDir || !KEY_ID.test(keyId))
        throw new Error(`The private key of ${keyId} is not available in this process.`)
      key = createPrivateKey(readFileSync(join(this.keyDir, `${keyId}.pem`)))
      this.privateKeys.set(keyId, key)
    }
    return key
  }

  /** The hex public key of `keyId` (cached: it never changes). */
  publicKeyOf(keyId: string): string {
    let hex = this.publicKeys.get(keyId)
    if (hex === undefined) {
      const row = this.sql('SELECT public_key FROM signing_keys WHERE key_id = ?').get(keyId) as
        { public_key: string } | undefined
      if (!row) throw new Error(`Unknown signing key ${keyId}.`)
      hex = row.public_key
      this.publicKeys.set(keyId, hex)
    }
    return hex
  }

  /**
   * The public key derived from `keyId`'s private key (its file, or memory for an in-memory
   * ledger), or null when there is no usable Ed25519 key. Cached: key files are never rewritten.
   */
  private keyMaterialOf(keyId: string): string | null {
    let hex = this.derived.get(keyId)
    if (hex === undefined) {
      let key: KeyObject
      try {
        key = this.privateKey(keyId)
      } catch {
        return null // not cached: a rotation in another process writes its file before its row
      }
      if (key.asymmetricKeyType !== 'ed25519') return null
      hex = publicHex(key)
      this.derived.set(keyId, hex)
    }
    return hex
  }

  /**
   * The keys to publish and trust, oldest first: only rows whose public key equals the one
   * derived from the key material on disk. A row without a matching key file is left out (and
   * logged once), whoever wrote it into the database.
   */
  list(): SigningKeyInfo[] {
    const rows = this.sql('SELECT * FROM signing_keys ORDER BY not_before').all() as KeyRow[]
    return rows
      .filter((row) => {
        const problem = this.problemWith(row)
        if (problem === null) return true
        if (!this.warned.has(row.key_id)) {
          this.warned.add(row.key_id)
          this.warn(
            `auditlens: signing key ${JSON.stringify(row.key_id)} is in the database but ${problem}; ` +
              'it is not published or trusted.',
          )
        }
        return false
      })
      .map((row) => ({ ...row, algorithm: 'Ed25519' as const }))
  }

  /**
   * Start a new key and close the current one's window at the same instant, in one
   * transaction, so every ingested_at falls inside exactly one key's window.
   */
  rotate(now = new Date(this.clock())): SigningKeyInfo {
    const rotate = this.db.transaction(() => {
      const current = this.currentRow()
      let at = now.getTime()
      if (current) {
        // The old window must keep every event the old key signed (and never be empty), even
        // if the clock went back: close it just after the latest of those, if that is later.
        // Prune markers it signed (retention.ts) count too: each must stay inside its key's window.
        const last = this.sql(
          `SELECT MAX(at) AS at FROM (SELECT MAX(ingested_at) AS at FROM events WHERE key_id = @key
             UNION ALL SELECT MAX(pruned_at) FROM prune_markers WHERE key_id = @key)`,
        ).get({ key: current.key_id }) as { at: string | null }
        const floor = Math.max(Date.parse(current.not_before), last.at ? Date.parse(last.at) : 0) + 1
        at = Math.max(at, floor)
        const closed = { ...current, not_after: new Date(at).toISOString() }
        this.sql('UPDATE signing_keys SET not_after = ? WHERE key_id = ?').run(closed.not_after, closed.key_id)
        this.recordWindow(closed)
      }
      return this.create(new Date(at).toISOString())
    })
    const before = this.currentRow()
    try {
      return { ...rotate.immediate(), algorithm: 'Ed25519' }
    } catch (error) {
      // The database rolled back: so must the old key's record, or it would stay closed and
      // the ledger would refuse to sign under its still-current key.
      if (before) this.recordWindow(before)
      throw error
    }
  }
}
