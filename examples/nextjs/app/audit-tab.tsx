'use client'
import { AuditLog, AuditLogProvider } from 'auditlens'
import type { TrustedKeyInput } from 'auditlens/core'
import 'auditlens/styles.css'

/** The audit log tab; `trustedKeys` come from the server with the page, never from a fetch. */
export function AuditTab({ trustedKeys }: { trustedKeys: readonly TrustedKeyInput[] }) {
  return (
    <AuditLogProvider baseUrl="/api/audit" trustedKeys={trustedKeys}>
      <div style={{ height: 'calc(100vh - 6rem)' }}>
        <AuditLog onSessionExpired={() => location.assign('/')} />
      </div>
    </AuditLogProvider>
  )
}
