import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { AuditLog, AuditLogProvider } from 'auditlens'
import { parseKeysDocument } from 'auditlens/core'
import 'auditlens/styles.css'

/**
 * What server.js embeds in the page: who is signed in, and the keys it learned from the audit
 * API at startup (README "Pinning keys"). Under `vite` (development) nothing is embedded, so
 * the provider fetches the keys from the proxy's /keys instead, which pins less strongly.
 */
const embedded = document.getElementById('app-config')?.textContent
const config = embedded ? (JSON.parse(embedded) as { tenant: unknown; keys: unknown }) : null
const tenant = typeof config?.tenant === 'string' ? config.tenant : null
const trustedKeys = config ? parseKeysDocument(config.keys) : undefined

function SignIn() {
  return (
    <main style={{ padding: '2rem' }}>
      <h1>Sign in</h1>
      <form method="post" action="/session">
        <button name="tenant" value="acme" style={{ marginRight: '1rem' }}>
          Sign in as Acme Corporation
        </button>
        <button name="tenant" value="globex">
          Sign in as Globex
        </button>
      </form>
    </main>
  )
}

function App() {
  // Signed out, or the session ended while the tab was open (the proxy's /token said 401).
  const [signedOut, setSignedOut] = useState(config !== null && tenant === null)
  if (signedOut) return <SignIn />
  return (
    <main style={{ padding: '1rem 2rem' }}>
      <h1>{tenant ?? 'Development'} · Audit log</h1>
      <AuditLogProvider baseUrl="/api/audit" trustedKeys={trustedKeys}>
        <div style={{ height: 'calc(100vh - 6rem)' }}>
          <AuditLog onSessionExpired={() => setSignedOut(true)} />
        </div>
      </AuditLogProvider>
    </main>
  )
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
