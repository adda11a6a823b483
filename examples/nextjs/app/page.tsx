import { Suspense } from 'react'
import { cookies } from 'next/headers'
import { loadAuditLogInitialData } from 'auditlens/server'
import { pinnedKeys } from '@/lib/audit'
import { auditProxy } from '@/lib/audit-proxy'
import { readSession, SESSION_COOKIE, TENANTS } from '@/lib/session'
import { signIn } from './actions'
import { AuditTab } from './audit-tab'

export default function AuditLogPage() {
  return (
    <main style={{ padding: '1rem 2rem' }}>
      <Suspense fallback={<p>Loading…</p>}>
        <SignedInView />
      </Suspense>
    </main>
  )
}

/** The signed-in tenant's audit log, or the sign-in form; per request, as it reads the session cookie. */
async function SignedInView() {
  const session = readSession((await cookies()).get(SESSION_COOKIE)?.value)
  if (!session) {
    return (
      <>
        <h1>Sign in</h1>
        <form action={signIn}>
          {Object.entries(TENANTS).map(([id, name]) => (
            <button key={id} name="tenant" value={id} style={{ marginRight: '1rem' }}>
              Sign in as {name}
            </button>
          ))}
        </form>
      </>
    )
  }
  // The token and first page, fetched here through the proxy (in-process, as this user), so
  // the rows are in this HTML; the same filters and page size as <AuditLog> (none, 50). Null
  // if they cannot be had: the browser then fetches them itself and shows any error.
  const [trustedKeys, initialData] = await Promise.all([pinnedKeys(), loadAuditLogInitialData({ proxy: auditProxy })])
  return (
    <>
      <h1>{TENANTS[session.tenant]} · Audit log</h1>
      <AuditTab trustedKeys={trustedKeys} initialData={initialData} />
    </>
  )
}
