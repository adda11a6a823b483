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
export const TENANTS = { acme: 'Acme Corporation', globex: 'Globex' }

/** @param {string} payload */
function mac(payload) {
  const secret = process.env.SESSION_SECRET
  if (!secret) throw new Error('SESSION_SECRET is not set (see README).')
  return createHmac('sha256', secret).update(payload).digest('base64url')
}

/** @param {unknown} value @returns {value is keyof typeof TENANTS} */
export function isTenant(value) {
  return typeof value === 'string' && Object.hasOwn(TENANTS, value)
}

/** The Set-Cookie value for a new session of `tenant`. @param {keyof typeof TENANTS} tenant */
export function newSessionCookie(tenant) {
  const payload = `${tenant}.${Math.floor(Date.now() / 1000) + LIFETIME_SECONDS}`
  return `${SESSION_COOKIE}=${payload}.${mac(payload)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${LIFETIME_SECONDS}`
}

/**
 * The session in a Cookie header, or null when it is missing, forged or expired.
 * @param {string | null | undefined} cookieHeader
 */
export function readSession(cookieHeader) {
  const cookie = (cookieHeader ?? '')
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${SESSION_COOKIE}=`))
  const [tenant, expires, signature] = cookie?.slice(SESSION_COOKIE.length + 1).split('.') ?? []
  if (!tenant || !expires || !signature || !isTenant(tenant)) return null
  const expected = Buffer.from(mac(`${tenant}.${expires}`))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  if (Number(expires) * 1000 <= Date.now()) return null
  return { tenant, userId: `admin@${tenant}` }
}
