/**
 * The token proxy: the browser gets short-lived, org-scoped tokens here and reads its org's
 * events through it; the audit API key never leaves the server.
 */
import { cookies } from 'next/headers'
import { createAuditProxy } from 'auditlens/server/proxy'
import { auditOrgId, requiredEnv } from '@/lib/audit'
import { readSession, SESSION_COOKIE } from '@/lib/session'

// lead: workaround for the build failing without secrets (issue 11, item 2): the proxy is made
// on the first request instead of at module load, which `next build` evaluates.
let proxy: ((request: Request) => Promise<Response>) | undefined
function auditProxy() {
  return (proxy ??= createAuditProxy({
    upstream: { baseUrl: requiredEnv('AUDIT_API_URL'), apiKey: requiredEnv('AUDIT_API_KEY') },
    secret: requiredEnv('AUDITLENS_SECRET'),
    authorize: async () => {
      const session = readSession((await cookies()).get(SESSION_COOKIE)?.value)
      const orgId = session && (await auditOrgId(session.tenant))
      return orgId ? { orgId, subject: session.userId, scopes: ['audit:read', 'audit:export'] } : null
    },
  }))
}

// lead: workaround for `request.url` being http://localhost:PORT under `next start` whatever
// the browser used (issue 11, item 1): token minting compared Origin with it (403) and export
// links pointed at it. The request is re-addressed to the origin the app is served from.
function onPublicOrigin(request: Request): Request {
  const url = new URL(request.url)
  const init: RequestInit & { duplex?: 'half' } = {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    duplex: 'half',
  }
  return new Request(new URL(url.pathname + url.search, requiredEnv('APP_ORIGIN')), init)
}

export async function GET(request: Request) {
  return auditProxy()(onPublicOrigin(request))
}

export async function POST(request: Request) {
  return auditProxy()(onPublicOrigin(request))
}
