'use client'
import { AuditLog, AuditLogProvider, type AuditLogInitialData } from 'auditlens'
import type { TrustedKeyInput } from 'auditlens/core'
import 'auditlens/styles.css'

/**
 * The audit log tab. `trustedKeys` come from the server with the page, never from a fetch;
 * `initialData` is the token and first page the server fetched, so rows are in the HTML.
 * `locale` and `timeZone` are fixed so the server's HTML and the browser's first render write
 * times alike (a browser in another zone would otherwise not match the server's rows).
 */
export function AuditTab({
  trustedKeys,
  initialData,
}: {
  trustedKeys: readonly TrustedKeyInput[]
  initialData: AuditLogInitialData | null
}) {
  return (
    <AuditLogProvider baseUrl="/api/audit" trustedKeys={trustedKeys} locale="en-US" timeZone="UTC">
      <div style={{ height: 'calc(100vh - 6rem)' }}>
        <AuditLog initialData={initialData} onSessionExpired={() => location.assign('/')} />
      </div>
    </AuditLogProvider>
  )
}
