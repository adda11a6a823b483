/**
 * Loaded only with `?bench` in the URL: exposes the verification pieces to the browser
 * benchmark (test/bench/browser.bench.ts), so it measures the code the components ship.
 */
export {
  createVerifier,
  verifyEvent,
  verifyEvents,
  parseAuditJson,
  KeyRing,
  parseKeysDocument,
} from '../../../src/core/index.js'
export { createAuditClient, canonicalBytes, resolveCrypto } from '../../../src/core/index.js'
export { walkLog } from '../../../src/core/proof/log-walk.js'
// A worker function of the bench's own, for a verifier that starts workers of its own (cold).
export { defaultCreateWorker } from '../../../src/core/verify/verifier-worker-pool.js'
