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
