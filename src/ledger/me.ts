/**
 * `GET /v1/me`: the calling API key and what it may do. Invoance's Go and Ruby SDKs 0.2.0
 * (`Client.Me` / `Validate`, `me` / `validate`) and Node (`me()` / `validate()`, invoance-node
 * `tests/client.test.ts` ME_BODY) call it to check a key; a 401 `invalid_api_key` means "not
 * valid", any other answer "valid". It sits outside `/v1/audit`, as Invoance's does.
 */
import { json } from '../http/http-error.js'
import type { Router } from '../http/router.js'
import { HttpError } from '../protocol/errors.js'
import { ledgerId } from './ids.js'
import type { Ledger } from './ledger.js'

/** Register `GET /v1/me` on the ledger's router. */
export function registerMeRoutes(router: Router, ledger: Ledger): void {
  const identify = (request: Request) => {
    const key = ledger.apiKeys.identify(request)
    if (!key) {
      throw new HttpError(
        401,
        'invalid_api_key',
        'The API key is missing or not valid; send "Authorization: Bearer <key>".',
        {
          'www-authenticate': 'Bearer realm="auditlens"',
        },
      )
    }
    return key
  }
  // Invoance's Python SDK 0.2.0 checks a key with `GET /v1/events?limit=1` (its documents API,
  // invoance-python `client.py` validate()): the ledger has no documents, so a valid key gets an
  // empty page there, and a bad one the same 401 as /v1/me. Nothing else of that API is served.
  router.on('GET', '/v1/events', (request) => {
    identify(request)
    return json({ events: [], next_cursor: null })
  })
  router.on('GET', '/v1/me', (request) => {
    const key = identify(request)
    const id = ledgerId(ledger.db, ledger.now())
    const name = 'auditlens reference ledger'
    // The ledger has one operator and no plans, domains or rate limits: those fields are null,
    // and domain_verified false, rather than made up.
    return json({
      valid: true,
      organization: {
        id,
        name,
        issuer_name: null,
        primary_domain: null,
        domain_verified: false,
        plan_tier: null,
      },
      tenant: { id, name },
      api_key: {
        id: key.keyId,
        name: null,
        key_prefix: key.keyId === 'dev' ? null : 'alk',
        // Only a hash of the secret is stored, so its last four characters are not known.
        key_last4: null,
        scopes: [...key.scopes].sort(),
        created_at: key.createdAt,
      },
      limits: { rate_limit_per_sec: null },
    })
  })
}
