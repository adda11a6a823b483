/**
 * Stream signing secrets at rest: AES-256-GCM under a key the ledger keeps in its `meta`
 * table (`ledgerSecret`, like the cursor and download secrets). The ledger must sign every
 * delivery with the secret, so it cannot keep only a hash; encrypting it means a dump of the
 * `streams` table alone (a log line, a support export, a copied row) does not reveal it. A copy
 * of the whole database file still does, since the key sits in the same file: protect the file.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const VERSION = 'v1'

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key')
  }

  /**
   * Encrypt `plain`, bound to `context` (the stream id) as associated data, so a ciphertext
   * copied onto another stream's row does not decrypt there.
   */
  seal(plain: string, context: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    cipher.setAAD(Buffer.from(context, 'utf8'))
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.')
  }

  /** The plain text sealed for `context`; throws when the box was altered or moved. */
  open(box: string, context: string): string {
    const [version, iv, tag, body, extra] = box.split('.')
    if (version !== VERSION || !iv || !tag || body === undefined || extra !== undefined)
      throw new Error('not a sealed stream secret')
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'))
    decipher.setAAD(Buffer.from(context, 'utf8'))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
  }
}
