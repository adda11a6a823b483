/**
 * The portal routes: `POST /v1/audit/portal_sessions` (API key; the host's backend asks for a
 * one-time link), `POST /v1/audit/portal/exchange` (no auth; the viewer trades the link for a
 * JWT) and `GET /v1/audit/portal/org` (portal JWT; the viewer's branding). Request and answer
 * shapes follow Invoance's SDKs and viewer (see the README's reference-ledger section).
 */
import type { AuditJsonValue } from '../core/index.js'
import { readJsonObject } from '../http/body.js'
import { clientAddress } from '../http/client-address.js'
import { json } from '../http/http-error.js'
import type { Router } from '../http/router.js'
import { badRequest, HttpError } from '../protocol/errors.js'
import type { Ledger, Org } from './ledger.js'
import { viewerLink } from './portal-config.js'
import type { PortalIntent } from './portal.js'
import { RateLimiter } from './rate-limit.js'

const BODY_LIMIT = 16 * 1024
const SESSION_FIELDS = [
  'organization_id',
  'org_id',
  'intent',
  'session_duration_seconds',
  'link_duration_seconds',
] as const

/**
 * Intents as sent: Invoance's SDKs send `audit_logs` or `log_streams`; the Ruby SDK's README
 * sends `viewer`, accepted as the event viewer (an auditlens choice, documented).
 */
const INTENTS: Record<string, PortalIntent> = {
  audit_logs: 'audit_logs',
  log_streams: 'log_streams',
  viewer: 'audit_logs',
}

interface SessionRequest {
  orgRef: string
  intent: PortalIntent
  sessionSeconds: number
  linkSeconds: number | undefined
}

/** Decode a portal session request; a 400 names the field that is wrong. */
export function parseSessionRequest(body: Record<string, AuditJsonValue>): SessionRequest {
  for (const key of Object.keys(body)) {
    if (!(SESSION_FIELDS as readonly string[]).includes(key))
      throw badRequest(`${key} is not a field of a portal session; use ${SESSION_FIELDS.join(', ')}.`)
  }
  const { organization_id: organizationId, org_id: orgId } = body
  if (organizationId !== undefined && orgId !== undefined && organizationId !== orgId)
    throw badRequest('organization_id and org_id name different orgs; send one of them.')
  const orgRef = organizationId ?? orgId
  if (typeof orgRef !== 'string' || orgRef === '') throw badRequest('organization_id (or org_id) is required.')
  const intent = typeof body.intent === 'string' && Object.hasOwn(INTENTS, body.intent) ? INTENTS[body.intent] : null
  if (!intent) throw badRequest('intent must be "audit_logs" or "log_streams" ("viewer" means "audit_logs").')
  return {
    orgRef,
    intent,
    sessionSeconds: seconds(body.session_duration_seconds, 'session_duration_seconds') ?? 7200,
    linkSeconds: seconds(body.link_duration_seconds, 'link_duration_seconds'),
  }
}

function seconds(value: AuditJsonValue | undefined, field: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw badRequest(`${field} must be a number of seconds (60 to 86400; others are clamped).`)
  return value
}

/** The org a portal session is for: an `aorg_` id or the caller's external id, and not archived. */
function sessionOrg(ledger: Ledger, ref: string): Org {
  return ledger.resolveOrgForWriting(ref)
}

/** Register the portal session, exchange and org routes on `router`. */
export function registerPortalRoutes(router: Router, ledger: Ledger): void {
  const config = ledger.portalConfig
  const limiter = config.exchangeRateLimit ? new RateLimiter(config.exchangeRateLimit, ledger.now) : null

  router
    .on('POST', '/v1/audit/portal_sessions', async (request) => {
      const caller = ledger.apiKeys.authenticate(request, 'audit:read')
      const parsed = parseSessionRequest(await readJsonObject(request, BODY_LIMIT))
      // A log_streams session can create, repoint and delete the org's webhooks: no more than
      // the key could do itself (the API's stream routes need audit:write).
      if (parsed.intent === 'log_streams' && !caller.scopes.has('audit:write')) {
        throw new HttpError(
          403,
          'forbidden',
          'A log_streams portal session needs an API key with the audit:write scope.',
        )
      }
      const org = sessionOrg(ledger, parsed.orgRef)
      const created = ledger.portal.create(org.id, parsed.sessionSeconds, {
        intent: parsed.intent,
        ...(parsed.linkSeconds !== undefined ? { linkSeconds: parsed.linkSeconds } : {}),
      })
      return json({ ...created, url: viewerLink(config, created.token) }, 201)
    })
    .on('POST', '/v1/audit/portal/exchange', async (request) => {
      // Before the body is read: a limited request must leave the one-time token unspent.
      const wait = limiter?.take(clientAddress(request) ?? 'unknown') ?? 0
      if (wait > 0) {
        throw new HttpError(
          429,
          'rate_limited',
          `Too many portal exchanges from this address; retry in ${wait} s (the token was not used).`,
          { 'retry-after': String(wait) },
        )
      }
      const body = await readJsonObject(request, BODY_LIMIT)
      if (typeof body.token !== 'string') throw badRequest('token (the portal session token) is required.')
      return json(await ledger.portal.exchange(body.token))
    })
    .on('GET', '/v1/audit/portal/org', async (request) => {
      const { orgId, intent } = await ledger.portal.session(request)
      const org = ledger.requireOrg(orgId)
      return json({
        issuer: config.issuer,
        org: { name: org.name ?? org.external_id, organization_id: org.external_id },
        intent,
      })
    })
}
