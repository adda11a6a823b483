/** Node-only signing helpers (test/support/signing.ts also runs in the browser, without node:crypto). */
import { createPrivateKey, type KeyObject } from 'node:crypto'

/** The node:crypto private key for a seed, for signing what node:crypto signs (checkpoints). */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  // PKCS#8 for Ed25519 is a fixed 16-byte prefix followed by the 32-byte seed (RFC 8410).
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed])
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
}
