/**
 * Signing checkpoints as C2SP signed notes (c2sp.org/signed-note, c2sp.org/tlog-checkpoint)
 * with the ledger's Ed25519 key, under the log's origin as key name, so the key ID binds the
 * org's log (see core's verifyCheckpoint).
 */
import { createHash, sign, type KeyObject } from 'node:crypto'
import { formatCheckpoint, type Checkpoint } from '../core/proof/checkpoint.js'
import { toBase64 } from '../protocol/base64.js'

/** `SHA-256(key name || 0x0A || 0x01 || public key)[:4]`, signed-note's Ed25519 key ID. */
function keyId(name: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256').update(name).update(Uint8Array.of(0x0a, 0x01)).update(publicKey).digest().subarray(0, 4)
}

/**
 * The signed note of a checkpoint: its text, a blank line, and one signature line
 * `— <origin> base64(key ID || Ed25519 signature over the text)`.
 */
export function signCheckpoint(
  checkpoint: Omit<Checkpoint, 'extensions'>,
  privateKey: KeyObject,
  publicKey: Uint8Array,
): string {
  const text = formatCheckpoint(checkpoint)
  const signature = sign(null, Buffer.from(text), privateKey)
  const signed = Buffer.concat([keyId(checkpoint.origin, publicKey), signature])
  return `${text}\n\u2014 ${checkpoint.origin} ${toBase64(signed)}\n`
}
