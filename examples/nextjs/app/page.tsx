import { cookies } from 'next/headers'
import { pinnedKeys } from '@/lib/audit'
import { readSession, SESSION_COOKIE, TENANTS } from '@/lib/session'
import { signIn } from './actions'
import { AuditTab } from './audit-tab'

export default async function AuditLogPage() {
  const session = readSession((await cookies()).get(SESSION_COOKIE)?.value)
  if (!session) {
    return (
      <main style={{ padding: '2rem' }}>
        <h1>Sign in</h1>
        <form action={signIn}>
          {Object.entries(TENANTS).map(([id, name]) => (
            <button key={id} name="tenant" value={id} style={{ marginRight: '1rem' }}>
              Sign in as {name}
            </button>
          ))}
        </form>
      </main>
    )
  }
  return (
    <main style={{ padding: '1rem 2rem' }}>
      <h1>{TENANTS[session.tenant]} · Audit log</h1>
      <AuditTab trustedKeys={await pinnedKeys()} />
    </main>
  )
}
