/**
 * Checkpoint figures for the verification bench (issue 14):
 *
 * - `checkpoint_verify_ms`: p50 of checking one C2SP signed-note checkpoint (parse, key ID,
 *   Ed25519) with core's `verifyCheckpoint` on the Web Crypto backend.
 * - `export_check_100k_s`: `auditlens verify` (the built binary, in a child process, start to
 *   exit) of a whole 100,000-event NDJSON export ending with a checkpoint trailer: every
 *   signature, every seq once, and the RFC 6962 root recomputed against the signed one.
 *
 * The trailer's root is computed here with node:crypto, stack by stack (RFC 6962 §2.1), not
 * with the code under test.
 */
import { spawnSync } from 'node:child_process'
import { createHash, type KeyObject } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { canonicalBytes } from '../../src/core/index.js'
import { verifyCheckpoint } from '../../src/core/proof/checkpoint.js'
import { createWebCryptoBackend } from '../../src/core/verify/crypto.js'
import { signCheckpoint } from '../../src/ledger/checkpoint-signer.js'

const BIN = 'dist/cli/cli.js'
const ORIGIN = 'bench.local/orgs/aorg_bench'

/** RFC 6962 §2.1 root of `leaves` (the data, not yet hashed), keeping one hash per level. */
function merkleRoot(leaves: Iterable<Uint8Array>): Uint8Array {
  const sha = (...parts: Uint8Array[]) => {
    const hash = createHash('sha256')
    for (const part of parts) hash.update(part)
    return hash.digest()
  }
  // stack[k] is the root of a perfect subtree of 2^k leaves, or undefined.
  const stack: (Uint8Array | undefined)[] = []
  for (const data of leaves) {
    let node: Uint8Array = sha(Uint8Array.of(0), data)
    let level = 0
    while (stack[level]) {
      node = sha(Uint8Array.of(1), stack[level]!, node)
      stack[level++] = undefined
    }
    stack[level] = node
  }
  // The largest subtree is leftmost: fold from the smallest up, each one on the right.
  let root: Uint8Array | undefined
  for (const node of stack) if (node) root = root ? sha(Uint8Array.of(1), node, root) : node
  return root ?? sha()
}

export async function checkpointFigures(options: {
  events: number
  makeEvent: (i: number) => Record<string, unknown>
  privateKey: KeyObject
  publicHex: string
}): Promise<{ checkpoint_verify_ms: number; export_check_events: number; export_check_100k_s: number }> {
  const { events: count, makeEvent, privateKey, publicHex } = options
  const publicKey = Buffer.from(publicHex, 'hex')
  const events = Array.from({ length: count }, (_, i) => makeEvent(i))
  const rootHash = merkleRoot(events.map((event) => canonicalBytes(event)))
  const checkpoint = signCheckpoint({ origin: ORIGIN, size: count, rootHash, time: Date.now() }, privateKey, publicKey)

  const backend = createWebCryptoBackend()
  const trust = { keys: [{ publicKey }], origin: ORIGIN }
  const samples: number[] = []
  for (let i = 0; i < 220; i++) {
    const start = performance.now()
    const result = await verifyCheckpoint(backend, checkpoint, trust)
    if (!result.ok) throw new Error(`bench checkpoint must verify: ${result.message}`)
    if (i >= 20) samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)

  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`)
  const dir = mkdtempSync(join(tmpdir(), 'auditlens-bench-export-'))
  const file = join(dir, 'export.ndjson')
  // Newest first, as the ledger writes exports, then the trailer.
  const lines = events.map((event) => JSON.stringify(event)).reverse()
  writeFileSync(file, lines.join('\n') + '\n' + JSON.stringify({ checkpoint }) + '\n')
  const start = performance.now()
  const run = spawnSync(process.execPath, [BIN, 'verify', file, '--trusted-key', publicHex], { encoding: 'utf8' })
  const seconds = (performance.now() - start) / 1000
  rmSync(dir, { recursive: true, force: true })
  if (run.status !== 0 || !run.stdout.includes('Checkpoint: complete'))
    throw new Error(`auditlens verify failed (${run.status}): ${run.stdout}${run.stderr}`)
  return {
    checkpoint_verify_ms: Number(samples[Math.floor(samples.length / 2)]!.toFixed(3)),
    export_check_events: count,
    export_check_100k_s: Number(seconds.toFixed(2)),
  }
}
