/**
 * Portal sessions as Invoance's SDKs ask for them (wire note §2.6) and the portal endpoints as
 * its viewer calls them (§2.7): intents, link and session durations, the org shape.
 */
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerSecret } from '../../src/ledger/hmac.js'
import { generateEvents } from '../../src/ledger/seed.js'
import { startLedger, type TestLedger } from '../support/ledger.js'

let now = Date.parse('2026-11-20T12:00:00Z')
let t: TestLedger
let acme: string

beforeAll(async () => {
  t = await startLedger({
    now: () => now,
    portal: {
      url: 'https://viewer.example/audit',
      issuer: { name: 'Acme Compliance', logoUrl: 'https://cdn.example/logo.png', domainVerified: true },
    },
  })
  acme = t.ledger.createOrg('org_01J8F3KQ2R7VWX9YB4ND6MCZAH', 'Acme').id
  t.ledger.appendMany(acme, [...generateEvents(5, { seed: 3 })])
})
afterAll(() => t.close())

/** The body the Node, Go and Ruby SDKs send (`organization_id`); Python sends `org_id`. */
const createSession = (body: Record<string, unknown>) =>
  t.call('/v1/audit/portal_sessions', { method: 'POST', json: body })

/** The viewer's exchange (invoance-audit-viewer `portalClient.ts`): no auth, JSON `{token}`. */
const exchange = (token: string) =>
  fetch(`${t.url}/v1/audit/portal/exchange`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  })

async function jwtFor(body: Record<string, unknown>): Promise<string> {
  const created = await createSession(body)
  expect(created.status).toBe(201)
  const { token } = (await created.json()) as { token: string }
  return ((await (await exchange(token)).json()) as { token: string }).token
}

/** What the viewer does with the JWT (`jwtIntent`): base64url-decode the payload, read `intent`. */
const intentClaim = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { intent?: unknown }).intent

const portal = (path: string, jwt: string) =>
  fetch(`${t.url}/v1/audit/portal${path}`, { headers: { authorization: `Bearer ${jwt}` } })

describe('POST /v1/audit/portal_sessions', () => {
  it('answers token, expires_at, intent and a viewer url with the token where Invoance’s viewer reads it (?token=)', async () => {
    const created = await createSession({ organization_id: acme, intent: 'log_streams' })
    expect(created.status).toBe(201)
    const body = (await created.json()) as Record<string, string>
    expect(body).toEqual({
      token: expect.stringMatching(/^aps_/),
      expires_at: new Date(now + 7200_000).toISOString(),
      intent: 'log_streams',
      url: `https://viewer.example/audit?token=${body.token}`,
    })
  })

  it('takes org_id (Python) like organization_id, and both only when they agree', async () => {
    expect((await createSession({ org_id: acme, intent: 'audit_logs' })).status).toBe(201)
    expect((await createSession({ org_id: acme, organization_id: acme, intent: 'audit_logs' })).status).toBe(201)
    const conflict = await createSession({ org_id: acme, organization_id: 'aorg_other', intent: 'audit_logs' })
    expect(conflict.status).toBe(400)
    expect(await conflict.json()).toEqual({
      error: 'invalid_request',
      message: expect.stringMatching(/organization_id and org_id/),
    })
  })

  it('refuses unknown fields, unknown intents and durations that are not numbers, naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ organization_id: acme, intent: 'audit_logs', return_url: 'https://x' }, /return_url is not a field/],
      [{ organization_id: acme, intent: 'billing' }, /intent must be/],
      [{ organization_id: acme }, /intent must be/],
      [{ organization_id: acme, intent: 'audit_logs', link_duration_seconds: '600' }, /link_duration_seconds/],
      [{ organization_id: acme, intent: 'audit_logs', session_duration_seconds: true }, /session_duration_seconds/],
    ]
    for (const [body, message] of cases) {
      const response = await createSession(body)
      expect(response.status).toBe(400)
      expect(await response.json()).toEqual({ error: 'invalid_request', message: expect.stringMatching(message) })
    }
  })

  it('accepts "viewer" (the Ruby README) as the audit_logs intent', async () => {
    const created = (await (await createSession({ organization_id: acme, intent: 'viewer' })).json()) as {
      intent: string
      token: string
    }
    expect(created.intent).toBe('audit_logs')
    const jwt = ((await (await exchange(created.token)).json()) as { token: string }).token
    expect(intentClaim(jwt)).toBe('audit_logs')
  })

  it('lets the link expire after link_duration_seconds while the session lasts session_duration_seconds', async () => {
    const created = await createSession({
      organization_id: acme,
      intent: 'audit_logs',
      link_duration_seconds: 120,
      session_duration_seconds: 3600,
    })
    const { token, expires_at } = (await created.json()) as { token: string; expires_at: string }
    expect(Date.parse(expires_at) - now).toBe(120_000)
    const late = (await (
      await createSession({ organization_id: acme, intent: 'audit_logs', link_duration_seconds: 120 })
    ).json()) as { token: string }

    now += 100_000
    const exchanged = await exchange(token)
    expect(exchanged.status).toBe(200)
    const session = (await exchanged.json()) as { token: string; expires_at: string }
    expect(Date.parse(session.expires_at) - now).toBe(3600_000)

    now += 30_000
    expect((await exchange(late.token)).status).toBe(401)
    now += 3000_000
    expect((await portal('/events', session.token)).status).toBe(200)
    now += 600_000
    expect((await portal('/events', session.token)).status).toBe(401)
  })

  it('clamps link_duration_seconds to 60..86400', async () => {
    for (const [asked, granted] of [
      [1, 60],
      [10 ** 7, 86_400],
    ]) {
      const created = await createSession({ organization_id: acme, intent: 'audit_logs', link_duration_seconds: asked })
      const { expires_at } = (await created.json()) as { expires_at: string }
      expect(Date.parse(expires_at) - now).toBe(granted! * 1000)
    }
  })
})

describe('portal endpoints by intent', () => {
  it('audit_logs: a JWT with intent audit_logs reads /org and /events, and is refused /streams', async () => {
    const jwt = await jwtFor({ organization_id: acme, intent: 'audit_logs' })
    expect(intentClaim(jwt)).toBe('audit_logs')
    expect((await portal('/org', jwt)).status).toBe(200)
    const events = (await (await portal('/events', jwt)).json()) as { events: unknown[] }
    expect(events.events).toHaveLength(5)
    await expect(t.ledger.portal.orgOf(bearer(jwt), 'log_streams')).rejects.toMatchObject({ status: 403 })
  })

  it('log_streams: a JWT with intent log_streams reads /org but is refused /events with a 403', async () => {
    const jwt = await jwtFor({ organization_id: acme, intent: 'log_streams' })
    expect(intentClaim(jwt)).toBe('log_streams')
    const org = (await (await portal('/org', jwt)).json()) as { intent: string }
    expect(org.intent).toBe('log_streams')
    const events = await portal('/events', jwt)
    expect(events.status).toBe(403)
    expect(await events.json()).toEqual({ error: 'forbidden', message: expect.stringMatching(/intent "audit_logs"/) })
    expect(await t.ledger.portal.orgOf(bearer(jwt), 'log_streams')).toBe(acme)
    expect(await t.ledger.portal.session(bearer(jwt))).toEqual({ orgId: acme, intent: 'log_streams' })
  })

  it('reads a JWT from before intents ({org, scope: "audit:read"}) as audit_logs, and refuses other scopes', async () => {
    const legacy = await signed({ org: acme, scope: 'audit:read' })
    expect((await portal('/events', legacy)).status).toBe(200)
    expect((await portal('/events', await signed({ org: acme, scope: 'audit:write' }))).status).toBe(401)
    const mismatched = await signed({ org: acme, scope: 'audit:read', intent: 'log_streams' })
    expect((await portal('/org', mismatched)).status).toBe(401)
  })
})

describe('GET /v1/audit/portal/org', () => {
  it('answers the viewer’s Brand shape with the configured issuer', async () => {
    const jwt = await jwtFor({ organization_id: acme, intent: 'audit_logs' })
    expect(await (await portal('/org', jwt)).json()).toEqual({
      issuer: { name: 'Acme Compliance', logo_url: 'https://cdn.example/logo.png', domain_verified: true },
      org: { name: 'Acme', organization_id: 'org_01J8F3KQ2R7VWX9YB4ND6MCZAH' },
      intent: 'audit_logs',
    })
  })

  it('defaults: issuer "auditlens reference ledger", no logo, domain not verified, url null', async () => {
    const plain = await startLedger()
    try {
      const org = plain.ledger.createOrg('globex', null).id
      const created = (await (
        await plain.call('/v1/audit/portal_sessions', { method: 'POST', json: { org_id: org, intent: 'audit_logs' } })
      ).json()) as { token: string; url: unknown }
      expect(created.url).toBeNull()
      const jwt = (
        (await (
          await fetch(`${plain.url}/v1/audit/portal/exchange`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ token: created.token }),
          })
        ).json()) as { token: string }
      ).token
      const org_ = await fetch(`${plain.url}/v1/audit/portal/org`, { headers: { authorization: `Bearer ${jwt}` } })
      expect(await org_.json()).toEqual({
        issuer: { name: 'auditlens reference ledger', logo_url: null, domain_verified: false },
        org: { name: 'globex', organization_id: 'globex' },
        intent: 'audit_logs',
      })
    } finally {
      await plain.close()
    }
  })
})

function bearer(jwt: string): Request {
  return new Request(`${t.url}/v1/audit/portal/streams`, { headers: { authorization: `Bearer ${jwt}` } })
}

/** A portal JWT signed with the ledger's own secret, with the claims a test needs. */
function signed(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('auditlens-ledger')
    .setAudience('auditlens-portal')
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + 600)
    .sign(ledgerSecret(t.ledger.db, 'portal_secret'))
}
