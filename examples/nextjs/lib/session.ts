/**
 * A stand-in for your own sign-in: the tenant the user belongs to, in an HttpOnly cookie that
 * the server signs with HMAC-SHA256 so a browser cannot switch tenants by editing it. Replace it
 * with your real session lookup; the audit proxy only needs "which tenant, which user". Served
 * over HTTPS, the cookie should also be `Secure`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SESSION_COOKIE = 'session'
const LIFETIME_SECONDS = 8 * 3600

/** The tenants this app knows, by the id your own database would store (the audit org's external id). */
export const TENANTS = { acme: 'Acme Corporation', globex: 'Globex' } as const
export type Tenant = keyof typeof TENANTS

export interface Session {
  tenant: Tenant
  userId: string
}

function mac(payload: string): string {
  const secret = process.env.SESSION_SECRET
  if (!secret) throw new Error('SESSION_SECRET is not set (see README).')
  return createHmac('sha256', secret).update(payload).digest('base64url')
}

export function isTenant(value: unknown): value is Tenant {
  return typeof value === 'string' && Object.hasOwn(TENANTS, value)
}

/** The cookie value for a new session, and how long it lives. */
export function newSession(tenant: Tenant): { value: string; maxAge: number } {
  const payload = `${tenant}.${Math.floor(Date.now() / 1000) + LIFETIME_SECONDS}`
  return { value: `${payload}.${mac(payload)}`, maxAge: LIFETIME_SECONDS }
}

/** The session in a cookie value, or null when it is missing, forged or expired. */
export function readSession(value: string | undefined): Session | null {
  const [tenant, expires, signature] = value?.split('.') ?? []
  if (!tenant || !expires || !signature || !isTenant(tenant)) return null
  const expected = Buffer.from(mac(`${tenant}.${expires}`))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  if (Number(expires) * 1000 <= Date.now()) return null
  return { tenant, userId: `admin@${tenant}` }
}
