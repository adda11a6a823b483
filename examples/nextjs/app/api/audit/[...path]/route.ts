/** The token proxy (lib/audit-proxy.ts) at /api/audit/*. */
import { auditProxy } from '@/lib/audit-proxy'

export const GET = auditProxy
export const POST = auditProxy
