/**
 * Core's own functions for the integrity monitor's injected `canonicalBytes` and
 * `verifiedHashes`, for callers outside the viewer (the viewer passes its verifier's).
 */
import { canonicalBytes } from '../json/canonical.js'
import type { AuditEvent } from '../types.js'
import type { CryptoBackend } from '../verify/crypto.js'
import type { KeyRing } from '../verify/key-ring.js'
import { verifyEvents } from '../verify/verify.js'

/** `canonicalBytes`, and `verifiedHashes` by `verifyEvents` against `keyRing`. */
export function integrityDefaults(keyRing: KeyRing, backend: CryptoBackend) {
  return {
    canonicalBytes: (event: AuditEvent) => canonicalBytes(event),
    verifiedHashes: async (events: readonly AuditEvent[]) =>
      (await verifyEvents(events, { trustedKeys: keyRing, crypto: backend })).map((result) =>
        result.status === 'verified' ? result.payloadHash : null,
      ),
  }
}
