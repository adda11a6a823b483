/**
 * The signature on webhook deliveries, in the Standard Webhooks scheme
 * (https://www.standardwebhooks.com, spec/standard-webhooks.md; Svix uses the same), so a
 * receiver can check it with the `standardwebhooks` or `svix` libraries or ten lines of its own:
 *
 *   webhook-signature: v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>
 *
 * where the key is the base64-decoded part of the secret after `whsec_`. Invoance documents no
 * delivery format, so this is an auditlens design.
 */
import { createHmac, randomBytes } from 'node:crypto'

const PREFIX = 'whsec_'

/** A new signing secret: `whsec_` and 32 random bytes in base64, as Standard Webhooks writes them. */
export function newSigningSecret(): string {
  return PREFIX + randomBytes(32).toString('base64')
}

/** The `webhook-signature` header value for one delivery. */
export function signDelivery(secret: string, id: string, timestampSeconds: number, body: string): string {
  if (!secret.startsWith(PREFIX)) throw new Error('a stream signing secret starts with whsec_')
  const key = Buffer.from(secret.slice(PREFIX.length), 'base64')
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.`).update(body).digest('base64')
  return `v1,${mac}`
}
