/**
 * C2SP checkpoints (c2sp.org/tlog-checkpoint) in C2SP signed notes (c2sp.org/signed-note),
 * with Ed25519 signatures: the format Go's checksum database, Sigstore and the
 * transparency-dev witnesses use, so other tools can check an auditlens ledger's tree heads.
 *
 *     <origin>
 *     <tree size>
 *     <base64 root hash>
 *     time <RFC 3339 UTC>            (auditlens's extension line: "as of T there were N")
 *
 *     — <key name> <base64(4-byte key ID || Ed25519 signature over the text above)>
 *
 * Parsing is strict and never throws on input: anything that does not follow the specs is a
 * {@link CheckpointProblem} with a sentence saying what.
 */
import { fromBase64, toBase64 } from '../../protocol/base64.js'
import type { CryptoBackend } from '../verify/crypto.js'
import type { Hash } from './merkle.js'

/** A checkpoint's body, as signed. */
export interface Checkpoint {
  /** The log's name, e.g. `ledger.example/orgs/aorg_123`. */
  origin: string
  /** Leaves in the tree. */
  size: number
  /** RFC 6962 root hash of those leaves. */
  rootHash: Hash
  /** The `time` extension line, when present (epoch milliseconds). */
  time: number | null
  /** Every extension line, as written. */
  extensions: string[]
}

/** One signature line of a note. */
export interface NoteSignature {
  keyName: string
  /** The 4-byte key ID, big-endian, as a number. */
  keyId: number
  signature: Uint8Array
}

/** A parsed signed note holding a checkpoint. */
export interface SignedCheckpoint {
  checkpoint: Checkpoint
  /** The signed text: the body including its final newline. */
  text: string
  signatures: NoteSignature[]
}

/**
 * A key that may sign checkpoints: its Ed25519 public key, and its name in signature lines.
 * The name defaults to the checkpoint's origin (the C2SP recommendation, and what an auditlens
 * ledger does): the key ID then binds the origin too, so one org's signature never passes for
 * another org's log. Logs that sign under another name (Go's checksum database signs
 * `go.sum database tree` as `sum.golang.org`) are checked by giving it.
 */
export interface CheckpointKey {
  publicKey: Uint8Array
  name?: string
}

export type CheckpointProblem =
  | 'malformed'
  /** No signature from a known key. */
  | 'unknown-key'
  /** A signature from a known key failed. */
  | 'bad-signature'
  /** The checkpoint is for another log than the one expected. */
  | 'wrong-log'

export type CheckpointResult =
  { ok: true; checkpoint: Checkpoint } | { ok: false; problem: CheckpointProblem; message: string }

const encoder = new TextEncoder()
const EM_DASH = '\u2014'
/** At least 16 must be accepted (signed-note); more is a note built to waste our time. */
const MAX_SIGNATURES = 64
const MAX_NOTE_CHARS = 64 * 1024
const DECIMAL = /^(?:0|[1-9][0-9]*)$/
const TIME_LINE = /^time (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)$/

function fail(message: string): { ok: false; problem: 'malformed'; message: string } {
  return { ok: false, problem: 'malformed', message }
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x20 && unit !== 0x0a) return true
  }
  return false
}

/** The checkpoint's note text (what is signed), ending in a newline. */
export function formatCheckpoint(checkpoint: Omit<Checkpoint, 'extensions'> & { extensions?: string[] }): string {
  const lines = [checkpoint.origin, String(checkpoint.size), toBase64(checkpoint.rootHash)]
  if (checkpoint.time !== null) lines.push(`time ${new Date(checkpoint.time).toISOString()}`)
  for (const line of checkpoint.extensions ?? []) if (!line.startsWith('time ')) lines.push(line)
  return lines.join('\n') + '\n'
}

/**
 * The signed-note key ID of an Ed25519 key: the first 4 bytes, big-endian, of
 * `SHA-256(key name || 0x0A || 0x01 || public key)`.
 */
export async function checkpointKeyId(backend: CryptoBackend, keyName: string, publicKey: Uint8Array): Promise<number> {
  const name = encoder.encode(keyName)
  const input = new Uint8Array(name.length + 2 + publicKey.length)
  input.set(name)
  input[name.length] = 0x0a
  input[name.length + 1] = 0x01
  input.set(publicKey, name.length + 2)
  const hash = await backend.sha256(input)
  return ((hash[0]! << 24) | (hash[1]! << 16) | (hash[2]! << 8) | hash[3]!) >>> 0
}

/** Parse a signed note holding a checkpoint, checking its form (not its signatures). */
export function parseSignedCheckpoint(
  note: unknown,
): { ok: true; value: SignedCheckpoint } | { ok: false; problem: 'malformed'; message: string } {
  if (typeof note !== 'string') return fail('the checkpoint is not text')
  if (note.length > MAX_NOTE_CHARS) return fail(`the checkpoint is longer than ${MAX_NOTE_CHARS} characters`)
  // signed-note: valid UTF-8 (a JS string with a lone surrogate is not) and no control
  // characters other than newline.
  if (hasControlCharacter(note) || /\p{Cs}/u.test(note)) {
    return fail('the checkpoint contains control characters or invalid text')
  }
  if (!note.endsWith('\n')) return fail('the checkpoint does not end with a newline')
  const split = note.lastIndexOf('\n\n')
  if (split < 0) return fail('the checkpoint has no blank line before its signatures')
  const text = note.slice(0, split + 1)
  const signatureLines = note.slice(split + 2, -1).split('\n')
  if (signatureLines.length > MAX_SIGNATURES) return fail(`the checkpoint has more than ${MAX_SIGNATURES} signatures`)
  const signatures: NoteSignature[] = []
  for (const line of signatureLines) {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line)
    if (!match || match[1]!.includes('+'))
      return fail(`"${line.slice(0, 80)}" is not a signature line (${EM_DASH} name base64)`)
    const bytes = fromBase64(match[2]!)
    if (!bytes || bytes.length < 5)
      return fail(`the signature of ${match[1]} is not base64 of a key ID and a signature`)
    const keyId = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0
    signatures.push({ keyName: match[1]!, keyId, signature: bytes.subarray(4) })
  }
  const body = text.slice(0, -1).split('\n')
  if (body.length < 3 || body.some((line) => line === '')) {
    return fail('the checkpoint body needs an origin, a tree size and a root hash, with no empty lines')
  }
  const [origin, sizeText, rootText, ...extensions] = body as [string, string, string, ...string[]]
  if (!DECIMAL.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    return fail(`the tree size "${sizeText.slice(0, 40)}" is not a decimal number`)
  }
  const rootHash = fromBase64(rootText)
  if (!rootHash || rootHash.length !== 32) return fail('the root hash is not base64 of 32 bytes')
  let time: number | null = null
  for (const line of extensions) {
    if (!line.startsWith('time ')) continue
    const match = TIME_LINE.exec(line)
    const parsed = match ? Date.parse(match[1]!) : NaN
    if (time !== null || Number.isNaN(parsed)) return fail(`"${line.slice(0, 60)}" is not one RFC 3339 UTC time line`)
    time = parsed
  }
  return {
    ok: true,
    value: { checkpoint: { origin, size: Number(sizeText), rootHash, time, extensions }, text, signatures },
  }
}

/** What a checkpoint is checked against. */
export interface CheckpointTrust {
  /** Pinned keys that may sign checkpoints. */
  keys: readonly CheckpointKey[]
  /** The log this checkpoint must be for (e.g. the org's origin); any log when left out. */
  origin?: string
}

/**
 * Check a checkpoint note against pinned keys, as signed-note requires: signatures from
 * unknown keys are ignored, one from a known key that fails rejects the note, and at least one
 * from a known key must verify.
 */
export async function verifyCheckpoint(
  backend: CryptoBackend,
  note: unknown,
  trust: CheckpointTrust,
): Promise<CheckpointResult> {
  const parsed = parseSignedCheckpoint(note)
  if (!parsed.ok) return parsed
  const { checkpoint, text, signatures } = parsed.value
  if (trust.origin !== undefined && checkpoint.origin !== trust.origin) {
    return {
      ok: false,
      problem: 'wrong-log',
      message: `the checkpoint is for ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(trust.origin)}`,
    }
  }
  const message = encoder.encode(text)
  const known = await Promise.all(
    trust.keys.map(async ({ publicKey, name = checkpoint.origin }) => ({
      publicKey,
      name,
      id: await checkpointKeyId(backend, name, publicKey),
    })),
  )
  let verified = false
  for (const signature of signatures) {
    const match = known.find(({ name, id }) => name === signature.keyName && id === signature.keyId)
    if (!match) continue
    if (!(await backend.verifyEd25519(signature.signature, message, match.publicKey))) {
      return { ok: false, problem: 'bad-signature', message: `a signature by a pinned key does not verify` }
    }
    verified = true
  }
  if (!verified) {
    return { ok: false, problem: 'unknown-key', message: 'no signature on the checkpoint is from a pinned key' }
  }
  return { ok: true, checkpoint }
}
