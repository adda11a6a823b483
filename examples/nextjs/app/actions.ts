'use server'
import { cookies } from 'next/headers'
import { redirect } from 'next/navigation'
import { isTenant, newSession, SESSION_COOKIE } from '@/lib/session'

/** Sign in as a tenant's admin (a stand-in for your real sign-in). */
export async function signIn(form: FormData) {
  const tenant = form.get('tenant')
  if (!isTenant(tenant)) throw new Error('Unknown tenant.')
  const { value, maxAge } = newSession(tenant)
  ;(await cookies()).set(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'lax', path: '/', maxAge })
  redirect('/')
}
