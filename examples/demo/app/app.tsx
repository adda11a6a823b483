/**
 * A small SaaS "settings" app, the way a team would embed auditlens: sign in (pick an org),
 * then an Audit log tab whose filters live in the URL, and a page of standalone badges.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { AuditError, AuditEvent, AuditFilters } from '../../../src/core/index.js'
import { AuditLog, AuditLogProvider, EventText, useAuditLogContext, VerifyBadge } from '../../../src/react/index.js'
import { readBoot, type Org } from './boot.js'
import { readPinnedKeys } from './pinned-keys.js'

/** Read once: the provider keys its verifier by these, and they never change while the page lives. */
const PINNED = readPinnedKeys()
/**
 * `?window=N`: pages of 200 held in memory at most (the benchmarks set it: a large one to hold
 * 100,000 rows with nothing dropped); without it, the library's default.
 */
const WINDOW_PAGES = Number(new URLSearchParams(location.search).get('window')) || undefined

/** Read once: the orgs, who is signed in, and (with `?ssr`) the log's first page, from the server. */
const BOOT = readBoot()

function filtersFromUrl(): AuditFilters {
  const params = new URLSearchParams(location.search)
  const filters: AuditFilters = {}
  const actions = params.get('actions')
  if (actions) filters.actions = actions.split(',').filter(Boolean)
  if (params.get('actor_id')) filters.actorId = params.get('actor_id')!
  if (params.get('target_id')) filters.targetId = params.get('target_id')!
  if (params.get('from')) filters.from = params.get('from')!
  if (params.get('to')) filters.to = params.get('to')!
  return filters
}

function filtersToUrl(filters: AuditFilters, page: string): string {
  const params = new URLSearchParams()
  if (page !== 'log') params.set('page', page)
  if (filters.actions?.length) params.set('actions', filters.actions.join(','))
  if (filters.actorId) params.set('actor_id', filters.actorId)
  if (filters.targetId) params.set('target_id', filters.targetId)
  if (filters.from) params.set('from', filters.from)
  if (filters.to) params.set('to', filters.to)
  const query = params.toString()
  return query ? `/?${query}` : '/'
}

function SignIn({ orgs, onSignedIn }: { orgs: Org[]; onSignedIn: (org: string) => void }) {
  const [error, setError] = useState<string | null>(null)
  const signIn = async (org: string) => {
    const response = await fetch('/demo/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ org }),
    })
    if (response.ok) onSignedIn(org)
    else setError(((await response.json()) as { message: string }).message)
  }
  return (
    <main className="demo-signin">
      <h1 tabIndex={-1}>Sign in to Acme Cloud</h1>
      <p className="demo-muted">A demo: choose the organisation to sign in as.</p>
      <ul className="demo-orgs">
        {orgs.map((org) => (
          <li key={org.external_id}>
            <button type="button" onClick={() => void signIn(org.external_id)}>
              Sign in as <strong>{org.name}</strong>
            </button>
          </li>
        ))}
      </ul>
      {error ? <p role="alert">{error}</p> : null}
    </main>
  )
}

function BadgesPage() {
  const { client } = useAuditLogContext('BadgesPage')
  const [events, setEvents] = useState<AuditEvent[]>([])
  const [failure, setFailure] = useState<string | null>(null)
  useEffect(() => {
    // The provider's client: lossless parsing and the one-org check, like the log's own pages.
    const controller = new AbortController()
    client.listEvents({ limit: 3 }, { signal: controller.signal }).then(
      (page) => setEvents(page.events),
      (error: AuditError) => error.code !== 'aborted' && setFailure(error.message),
    )
    return () => controller.abort()
  }, [client])
  return (
    <section className="demo-card">
      <h2>Standalone badges</h2>
      <p className="demo-muted">Each badge verifies one event in your browser against the pinned keys.</p>
      {failure ? <p role="alert">{failure}</p> : null}
      <ul className="demo-badges">
        {events.map((event) => (
          // The label and the badge come from one object: the one that is verified.
          <li key={event.id}>
            <code>
              <EventText value={event.action} />
            </code>{' '}
            <VerifyBadge event={event} />
          </li>
        ))}
      </ul>
    </section>
  )
}

export function App() {
  const [orgs, setOrgs] = useState<Org[] | null>(BOOT?.orgs ?? null)
  const [signedIn, setSignedIn] = useState<string | null>(BOOT?.signedIn ?? null)
  // The server's first page is for the session the page was served to, and only for it.
  const [initialData, setInitialData] = useState(BOOT?.initial ?? null)
  const [theme, setTheme] = useState<'light' | 'dark'>('light')
  const [page, setPage] = useState(() => new URLSearchParams(location.search).get('page') ?? 'log')
  const [filters, setFilters] = useState<AuditFilters>(filtersFromUrl)

  useEffect(() => {
    if (BOOT) return
    void fetch('/demo/orgs')
      .then((r) => r.json())
      .then((body: { orgs: Org[]; signed_in: string | null }) => {
        setOrgs(body.orgs)
        setSignedIn(body.signed_in)
      })
  }, [])
  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])
  useEffect(() => {
    history.replaceState(null, '', filtersToUrl(filters, page))
  }, [filters, page])
  // Signing in or out replaces the screen, and the button that had focus with it: focus goes
  // to the new screen's heading, where a screen reader starts reading and Tab goes on.
  const focusHeading = useRef(false)
  const switchUser = useCallback((org: string | null) => {
    focusHeading.current = true
    setInitialData(null)
    setSignedIn(org)
  }, [])
  useEffect(() => {
    if (!focusHeading.current) return
    focusHeading.current = false
    document.querySelector<HTMLElement>('h1')?.focus()
  }, [signedIn])
  const signOut = useCallback(async () => {
    await fetch('/demo/sign-out', { method: 'POST' })
    switchUser(null)
  }, [switchUser])

  if (!orgs) return null
  if (!signedIn) return <SignIn orgs={orgs} onSignedIn={switchUser} />
  const org = orgs.find((o) => o.external_id === signedIn)
  return (
    <div className="demo-shell">
      <header className="demo-header">
        <span className="demo-logo">Acme Cloud</span>
        <span className="demo-muted">{org?.name}</span>
        <nav className="demo-tabs" aria-label="Settings">
          {[
            ['log', 'Audit log'],
            ['badges', 'Verification'],
          ].map(([id, label]) => (
            <button key={id} type="button" aria-current={page === id ? 'page' : undefined} onClick={() => setPage(id!)}>
              {label}
            </button>
          ))}
        </nav>
        <span className="demo-spacer" />
        <button type="button" className="demo-link" onClick={() => setTheme(theme === 'light' ? 'dark' : 'light')}>
          {theme === 'light' ? 'Dark theme' : 'Light theme'}
        </button>
        <button type="button" className="demo-link" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <AuditLogProvider baseUrl="/api/audit" trustedKeys={PINNED} key={signedIn}>
        <main className="demo-main">
          <h1 className="demo-title" tabIndex={-1}>
            {page === 'log' ? 'Audit log' : 'Verification'}
          </h1>
          {page === 'log' ? (
            <div className="demo-log">
              <AuditLog
                filters={filters}
                onFiltersChange={setFilters}
                pageSize={200}
                {...(WINDOW_PAGES ? { windowPages: WINDOW_PAGES } : {})}
                initialData={initialData}
                onSessionExpired={() => switchUser(null)}
              />
            </div>
          ) : (
            <BadgesPage />
          )}
        </main>
      </AuditLogProvider>
    </div>
  )
}
