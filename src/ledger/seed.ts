/**
 * Realistic demo data: dozens of actions across auth, billing, documents, members and API
 * keys, hundreds of actors (with non-ASCII names), targets, context and metadata, spread over
 * months. Deterministic for a given seed, so demos and benchmarks are repeatable.
 */
import type { AuditJsonValue } from '../core/index.js'
import type { NewEvent } from './event-store.js'
import type { Ledger } from './ledger.js'

type Json = Record<string, AuditJsonValue>

/** mulberry32: a tiny, fast, seedable PRNG (public domain). */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FIRST = [
  'Ada',
  'José',
  'Zoë',
  'Søren',
  'Łukasz',
  'Amélie',
  'Björn',
  'Chloé',
  'Dmitri',
  'Emeka',
  'Farah',
  'Giulia',
  'Hana',
  'Ines',
  'Jae-won',
  'Kofi',
  'Lucía',
  'Mateus',
  'Nadia',
  'Oğuz',
  'Priya',
  'Quentin',
  'Renée',
  'Saanvi',
  'Tomás',
  'Uma',
  'Viktor',
  'Wen',
  'Yusuf',
  'Zanele',
] as const
const LAST = [
  'Lovelace',
  'Müller',
  'Núñez',
  'Ørsted',
  'Kowalski',
  "O'Brien",
  'Nguyễn',
  '田中',
  'Ivanova',
  'Okafor',
  'Haddad',
  'Rossi',
  'Svensson',
  'Dubois',
  'Kim',
] as const
const AGENTS = [
  'Mozilla/5.0 (Macintosh) Safari/18.2',
  'Mozilla/5.0 (Windows NT 10.0) Chrome/156.0',
  'Mozilla/5.0 (X11; Linux) Firefox/140.0',
  'auditlens-sdk/1.4 (node 20)',
  'Mozilla/5.0 (iPhone) Mobile Safari/18.1',
] as const
const PLANS = ['starter', 'growth', 'scale', 'enterprise'] as const
const ROLES = ['viewer', 'member', 'admin', 'owner'] as const
const DOCS = [
  'Q3 board deck',
  'Vertragsentwurf – Lieferant',
  'Onboarding checklist',
  'Roadmap 2027',
  'Política de privacidad',
  '見積書 No. 4411',
  'Security review',
  'Incident post-mortem',
] as const

interface ActionSpec {
  action: string
  weight: number
  actor?: 'user' | 'api_key' | 'system'
  targets: (r: () => number, i: number) => Json[]
  metadata?: (r: () => number, i: number) => Json | null
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!
const invoice = (i: number): Json => ({
  type: 'invoice',
  id: `inv_${(100000 + (i % 90000)).toString(36)}`,
  name: `INV-${2026}-${i % 9000}`,
})
const doc = (r: () => number, i: number): Json => ({
  type: 'document',
  id: `doc_${(i * 7919) % 5000}`,
  name: pick(r, DOCS),
})
const member = (r: () => number): Json => ({ type: 'user', id: `user_${Math.floor(r() * 400)}` })
const key = (i: number): Json => ({
  type: 'api_key',
  id: `key_${(i * 31) % 120}`,
  name: `Production key ${(i * 31) % 120}`,
})

const ACTIONS: ActionSpec[] = [
  {
    action: 'user.signed_in',
    weight: 30,
    targets: () => [],
    metadata: (r) => ({ method: pick(r, ['password', 'sso', 'passkey']) }),
  },
  { action: 'user.signed_out', weight: 10, targets: () => [] },
  {
    action: 'user.sign_in_failed',
    weight: 4,
    targets: () => [],
    metadata: (r) => ({ reason: pick(r, ['bad_password', 'mfa_timeout', 'locked']) }),
  },
  { action: 'user.password_changed', weight: 2, targets: () => [] },
  { action: 'user.mfa_enabled', weight: 1, targets: () => [], metadata: () => ({ factor: 'totp' }) },
  { action: 'user.mfa_disabled', weight: 1, targets: () => [] },
  { action: 'session.revoked', weight: 1, targets: (r) => [member(r)] },
  {
    action: 'sso.connection_updated',
    weight: 1,
    targets: () => [{ type: 'sso_connection', id: 'sso_okta', name: 'Okta' }],
  },
  {
    action: 'invoice.created',
    weight: 6,
    actor: 'system',
    targets: (_r, i) => [invoice(i)],
    metadata: (r) => ({ amount: Math.floor(r() * 500000), currency: pick(r, ['EUR', 'USD', 'GBP', 'JPY']) }),
  },
  {
    action: 'invoice.paid',
    weight: 6,
    actor: 'system',
    targets: (_r, i) => [invoice(i)],
    metadata: (r) => ({ amount: Math.floor(r() * 500000), currency: 'EUR', method: 'card' }),
  },
  { action: 'invoice.voided', weight: 1, targets: (_r, i) => [invoice(i)], metadata: () => ({ reason: 'duplicate' }) },
  {
    action: 'invoice.refunded',
    weight: 1,
    targets: (_r, i) => [invoice(i)],
    metadata: (r) => ({ amount: Math.floor(r() * 20000), partial: r() < 0.5 }),
  },
  {
    action: 'subscription.created',
    weight: 1,
    targets: () => [{ type: 'subscription', id: 'sub_main' }],
    metadata: (r) => ({ plan: pick(r, PLANS) }),
  },
  {
    action: 'subscription.upgraded',
    weight: 1,
    targets: () => [{ type: 'subscription', id: 'sub_main' }],
    metadata: (r) => ({ from: pick(r, PLANS), to: pick(r, PLANS), seats: 1 + Math.floor(r() * 200) }),
  },
  {
    action: 'subscription.downgraded',
    weight: 1,
    targets: () => [{ type: 'subscription', id: 'sub_main' }],
    metadata: (r) => ({ from: pick(r, PLANS), to: pick(r, PLANS) }),
  },
  {
    action: 'subscription.canceled',
    weight: 0.3,
    targets: () => [{ type: 'subscription', id: 'sub_main' }],
    metadata: () => ({ at_period_end: true }),
  },
  {
    action: 'payment_method.added',
    weight: 1,
    targets: () => [{ type: 'payment_method', id: 'pm_card' }],
    metadata: (r) => ({ brand: pick(r, ['visa', 'mastercard', 'amex']), last4: String(1000 + Math.floor(r() * 9000)) }),
  },
  { action: 'payment_method.removed', weight: 0.5, targets: () => [{ type: 'payment_method', id: 'pm_card' }] },
  { action: 'document.created', weight: 6, targets: (r, i) => [doc(r, i)] },
  { action: 'document.viewed', weight: 14, targets: (r, i) => [doc(r, i)] },
  {
    action: 'document.updated',
    weight: 8,
    targets: (r, i) => [doc(r, i)],
    metadata: (r) => ({ fields: ['title', 'body'].slice(0, 1 + Math.floor(r() * 2)), revision: Math.floor(r() * 90) }),
  },
  {
    action: 'document.shared',
    weight: 3,
    targets: (r, i) => [doc(r, i), member(r)],
    metadata: (r) => ({ permission: pick(r, ['view', 'comment', 'edit']) }),
  },
  { action: 'document.deleted', weight: 1, targets: (r, i) => [doc(r, i)] },
  {
    action: 'document.exported',
    weight: 2,
    targets: (r, i) => [doc(r, i)],
    metadata: (r) => ({ format: pick(r, ['pdf', 'docx', 'md']) }),
  },
  {
    action: 'folder.created',
    weight: 1,
    targets: (_r, i) => [{ type: 'folder', id: `fld_${i % 300}`, name: 'Contracts 2026' }],
  },
  {
    action: 'member.invited',
    weight: 2,
    targets: (r) => [member(r)],
    metadata: (r) => ({ role: pick(r, ROLES), email_domain: 'example.com' }),
  },
  { action: 'member.joined', weight: 2, targets: (r) => [member(r)] },
  { action: 'member.removed', weight: 0.7, targets: (r) => [member(r)] },
  {
    action: 'member.role_changed',
    weight: 1,
    targets: (r) => [member(r)],
    metadata: (r) => ({ from: pick(r, ROLES), to: pick(r, ROLES) }),
  },
  {
    action: 'team.created',
    weight: 0.5,
    targets: (_r, i) => [{ type: 'team', id: `team_${i % 40}`, name: 'Platform' }],
  },
  { action: 'team.deleted', weight: 0.2, targets: (_r, i) => [{ type: 'team', id: `team_${i % 40}` }] },
  {
    action: 'api_key.created',
    weight: 1,
    targets: (_r, i) => [key(i)],
    metadata: () => ({ scopes: ['read', 'write'] }),
  },
  { action: 'api_key.rotated', weight: 1, targets: (_r, i) => [key(i)] },
  {
    action: 'api_key.revoked',
    weight: 0.5,
    targets: (_r, i) => [key(i)],
    metadata: () => ({ reason: 'leaked in CI logs' }),
  },
  {
    action: 'api_key.used',
    weight: 8,
    actor: 'api_key',
    targets: (_r, i) => [key(i)],
    metadata: (r) => ({
      endpoint: pick(r, ['GET /v1/invoices', 'POST /v1/documents', 'GET /v1/members']),
      status: pick(r, [200, 200, 201, 404, 429]),
    }),
  },
  {
    action: 'webhook.created',
    weight: 0.5,
    targets: (_r, i) => [{ type: 'webhook', id: `wh_${i % 20}`, name: 'https://hooks.example.com/audit' }],
  },
  { action: 'webhook.deleted', weight: 0.2, targets: (_r, i) => [{ type: 'webhook', id: `wh_${i % 20}` }] },
  {
    action: 'org.settings_updated',
    weight: 1,
    targets: () => [],
    metadata: (r) => ({ setting: pick(r, ['retention_days', 'sso_required', 'ip_allowlist']) }),
  },
  {
    action: 'audit_log.exported',
    weight: 0.5,
    targets: () => [],
    metadata: (r) => ({ format: pick(r, ['csv', 'ndjson']) }),
  },
]
const TOTAL_WEIGHT = ACTIONS.reduce((s, a) => s + a.weight, 0)

function chooseAction(r: () => number): ActionSpec {
  let x = r() * TOTAL_WEIGHT
  for (const spec of ACTIONS) if ((x -= spec.weight) < 0) return spec
  return ACTIONS[0]!
}

/**
 * `count` realistic events, oldest first, spread evenly over the `days` before `now` (epoch ms;
 * default the wall clock, for callers without a ledger: {@link seedOrg} passes the ledger's).
 */
export function* generateEvents(
  count: number,
  options: { seed?: number; now?: number; days?: number } = {},
): Generator<NewEvent> {
  const r = prng(options.seed ?? 1)
  const now = options.now ?? Date.now()
  const span = (options.days ?? 180) * 86_400_000
  for (let i = 0; i < count; i++) {
    const spec = chooseAction(r)
    const n = Math.floor(r() * 300)
    const actorKind = spec.actor ?? 'user'
    const actor: Json =
      actorKind === 'user'
        ? {
            type: 'user',
            id: `user_${n}`,
            name: `${FIRST[n % FIRST.length]} ${LAST[(n * 7) % LAST.length]}`,
            email: `user${n}@example.com`,
          }
        : actorKind === 'api_key'
          ? { type: 'api_key', id: `key_${n % 120}`, name: `Production key ${n % 120}` }
          : { type: 'system', id: 'billing-service', name: 'Billing service' }
    const occurred = now - span + Math.floor(((i + r()) / count) * span)
    yield {
      action: spec.action,
      occurredAt: new Date(Math.min(occurred, now)).toISOString(),
      actor,
      targets: spec.targets(r, i + n),
      context: { location: `203.0.113.${n % 250}`, user_agent: pick(r, AGENTS) },
      metadata: spec.metadata?.(r, i) ?? null,
    }
  }
}

/** Append `count` generated events to an org, in transactions of `batch` events. */
export function seedOrg(
  ledger: Ledger,
  orgId: string,
  count: number,
  options: { seed?: number; batch?: number } = {},
): void {
  const batch = options.batch ?? 1000
  let pending: NewEvent[] = []
  for (const event of generateEvents(count, { seed: options.seed, now: ledger.now() })) {
    pending.push(event)
    if (pending.length === batch) {
      ledger.appendMany(orgId, pending)
      pending = []
    }
  }
  if (pending.length > 0) ledger.appendMany(orgId, pending)
}
