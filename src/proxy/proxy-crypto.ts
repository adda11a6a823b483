/**
 * The proxy's secrets at work, with Web Crypto and jose only (no node: modules), so the
 * proxy runs in Node, Next.js route handlers, Bun, Deno or Workers alike:
 * - tokens: HS256 JWTs for the browser, made and checked by jose;
 * - sealed handles: export ids encrypted and bound to their org (JWE, dir + A256GCM);
 * - download links: HMAC-signed, short-lived, so a plain link can start a download
 *   (src/http/signed-link.ts, shared with the ledger's presigned URLs).
 * Each use gets its own key, derived from the one secret with HMAC (a one-step HKDF-Expand).
 */
import { CompactEncrypt, compactDecrypt, jwtVerify, SignJWT } from 'jose'
import { base64url, LinkSigner } from '../http/signed-link.js'

export const AUDIENCE = 'auditlens'
export const PROXY_SCOPES = ['audit:read', 'audit:export'] as const
export type ProxyScope = (typeof PROXY_SCOPES)[number]
export type SealKind = 'cursor' | 'export'

export interface TokenClaims {
  org: string
  sub: string
  scopes: ProxyScope[]
  jti: string
  exp: number
}

const encoder = new TextEncoder()

export async function deriveKey(secret: Uint8Array, label: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', secret as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`auditlens-proxy/${label}`)))
}

export class ProxyCrypto {
  private constructor(
    private readonly tokenKey: Uint8Array,
    private readonly sealKey: Uint8Array,
    private readonly links: LinkSigner,
    private readonly idempotencyKey: CryptoKey,
  ) {}

  static async create(secret: Uint8Array): Promise<ProxyCrypto> {
    const hmacKey = async (label: string) =>
      crypto.subtle.importKey(
        'raw',
        (await deriveKey(secret, label)) as BufferSource,
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign', 'verify'],
      )
    return new ProxyCrypto(
      await deriveKey(secret, 'tokens'),
      await deriveKey(secret, 'handles'),
      await LinkSigner.create(await deriveKey(secret, 'links')),
      await hmacKey('idempotency'),
    )
  }

  async mintToken(
    claims: Omit<TokenClaims, 'jti' | 'exp'>,
    nowMs: number,
    ttlSeconds: number,
  ): Promise<{ token: string; exp: number }> {
    const iat = Math.floor(nowMs / 1000)
    const exp = iat + ttlSeconds
    const token = await new SignJWT({ org: claims.org, scopes: claims.scopes })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(crypto.randomUUID())
      .sign(this.tokenKey)
    return { token, exp }
  }

  /** The claims of a genuine, current token, or `null` (expired, tampered, wrong audience, alg none…). */
  async verifyToken(token: string, nowMs: number): Promise<TokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.tokenKey, {
        algorithms: ['HS256'],
        audience: AUDIENCE,
        currentDate: new Date(nowMs),
        requiredClaims: ['exp', 'jti', 'sub'],
      })
      const scopes = payload.scopes
      if (typeof payload.org !== 'string' || !Array.isArray(scopes)) return null
      return {
        org: payload.org,
        sub: payload.sub!,
        scopes: scopes.filter((s): s is ProxyScope => PROXY_SCOPES.includes(s as ProxyScope)),
        jti: payload.jti!,
        exp: payload.exp!,
      }
    } catch {
      return null
    }
  }

  /**
   * An opaque handle for an upstream value (an export job id, a page cursor), readable only
   * by this proxy, bound to `org` and to its kind, so one kind is never accepted as another.
   */
  async seal(kind: SealKind, value: string, org: string, format?: string): Promise<string> {
    return new CompactEncrypt(encoder.encode(JSON.stringify({ k: kind, j: value, o: org, f: format })))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(this.sealKey)
  }

  /** The value inside `handle` if it was sealed as `kind` for `org`; `null` otherwise. */
  async unseal(kind: SealKind, handle: string, org: string): Promise<string | null> {
    const sealed = await this.unsealAny(kind, handle)
    return sealed?.org === org ? sealed.value : null
  }

  /**
   * The value, org and format inside a handle of `kind`, for routes authorised by a signed link
   * instead of a token. `format` is what the proxy sealed itself (an export's requested format).
   */
  async unsealAny(
    kind: SealKind,
    handle: string,
  ): Promise<{ value: string; org: string; format: string | null } | null> {
    try {
      const { plaintext } = await compactDecrypt(handle, this.sealKey, { keyManagementAlgorithms: ['dir'] })
      const { k, j, o, f } = JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, unknown>
      if (k !== kind || typeof j !== 'string' || typeof o !== 'string') return null
      return { value: j, org: o, format: typeof f === 'string' ? f : null }
    } catch {
      return null
    }
  }

  /**
   * The Idempotency-Key sent upstream for a client's key: an HMAC over org, user and the
   * client's key, so two users or two orgs that send the same key never share an upstream
   * key (and so never get each other's job), and the upstream learns nothing of either.
   */
  async upstreamIdempotencyKey(org: string, subject: string, clientKey: string): Promise<string> {
    const message = encoder.encode(JSON.stringify([org, subject, clientKey]))
    return `alpx_${base64url(new Uint8Array(await crypto.subtle.sign('HMAC', this.idempotencyKey, message)))}`
  }

  /** A signature over a download link's handle and expiry. */
  signLink(handle: string, expires: number): Promise<string> {
    return this.links.sign(handle, expires)
  }

  /** Whether a download link's signature is genuine (its expiry is the caller's to judge). */
  checkLink(handle: string, expires: number, signature: string): Promise<boolean> {
    return this.links.verify(handle, expires, signature)
  }
}
