/**
 * Signed, expiring links on Web Crypto alone, shared by the proxy's download links and the
 * ledger's presigned export URLs: HMAC-SHA256 (RFC 2104) over `<subject>\n<expires>`, sent as
 * unpadded base64url (RFC 4648 section 5), checked in constant time. No node: modules, so the
 * proxy that uses it stays edge-safe.
 */

const encoder = new TextEncoder()

/** Unpadded base64url of `bytes`. */
export function base64url(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

export class LinkSigner {
  private constructor(private readonly key: CryptoKey) {}

  /** A signer keyed with `secret` (at least 32 random bytes). */
  static async create(secret: Uint8Array): Promise<LinkSigner> {
    const key = await crypto.subtle.importKey('raw', secret as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ])
    return new LinkSigner(key)
  }

  /** The signature, 43 base64url characters, over `subject` (what the link opens) and `expires` (epoch seconds). */
  async sign(subject: string, expires: number): Promise<string> {
    const mac = await crypto.subtle.sign('HMAC', this.key, encoder.encode(`${subject}\n${expires}`))
    return base64url(new Uint8Array(mac))
  }

  /** Whether `signature` is this signer's over `subject` and `expires`; expiry is the caller's to judge. */
  async verify(subject: string, expires: number, signature: string): Promise<boolean> {
    const expected = await this.sign(subject, expires)
    // Compare digests of both, so the comparison time says nothing about the expected value.
    const [a, b] = await Promise.all([
      crypto.subtle.digest('SHA-256', encoder.encode(expected)),
      crypto.subtle.digest('SHA-256', encoder.encode(signature)),
    ])
    const x = new Uint8Array(a)
    const y = new Uint8Array(b)
    let diff = 0
    for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!
    return diff === 0
  }
}
