/**
 * The token proxy: the browser gets short-lived, org-scoped tokens here and reads its org's
 * events through it; the audit API key never leaves the server. Mounted at /api/audit by
 * app/api/audit/[...path]/route.ts, and called in-process by app/page.tsx for the first page.
 */
import { cookies } from 'next/headers'
import { createAuditProxy } from 'auditlens/server/proxy'
import { auditOrgId, requiredEnv } from '@/lib/audit'
import { readSession, SESSION_COOKIE } from '@/lib/session'

// Options are read on the first request, not at module load: `next build` evaluates this file
// and needs no secrets. Under `next start`, `request.url` says localhost whatever the browser
// used; the proxy's links are relative and its Origin check trusts the browser's
// Sec-Fetch-Site, so no public origin needs configuring.
export const auditProxy = createAuditProxy(() => ({
  upstream: { baseUrl: requiredEnv('AUDIT_API_URL'), apiKey: requiredEnv('AUDIT_API_KEY') },
  secret: requiredEnv('AUDITLENS_SECRET'),
  // `cookies()` works in the route handler and in the server component alike.
  authorize: async () => {
    const session = readSession((await cookies()).get(SESSION_COOKIE)?.value)
    const orgId = session && (await auditOrgId(session.tenant))
    return orgId ? { orgId, subject: session.userId, scopes: ['audit:read', 'audit:export'] } : null
  },
}))
