/** `auditlens verify`: check an NDJSON export offline against pinned keys. */
import { open, readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import {
  KeyRing,
  parseKeysDocument,
  resolveCrypto,
  verifyPruneMarker,
  verifyNdjson,
  type TrustedKeyInput,
  type VerificationStatus,
} from '../core/index.js'
import { ExportCompleteness, type CompletenessProblem } from '../core/proof/export-check.js'
import { pruneProver } from '../core/proof/prune-proof.js'
import { parseSignedCheckpoint } from '../core/proof/checkpoint.js'
import { decodeCheckpointAnswer, decodeExportTrailer } from '../protocol/proofs.js'
import { loadCheckpointFile, saveCheckpointFile } from './checkpoint-file.js'
import { type CliIo, UsageError, writeOut } from './io.js'

const STATUSES: readonly VerificationStatus[] = ['verified', 'unpinned', 'untrusted', 'tampered', 'malformed']
const PASSING: ReadonlySet<VerificationStatus> = new Set(['verified', 'unpinned'])

interface VerifyArgs {
  input: string
  keyRing: KeyRing
  json: boolean
  allowEmpty: boolean
  /** The text of an earlier checkpoint the file's log must extend (`--checkpoint OLD`). */
  earlier: string | null
  requireCheckpoint: boolean
  /** `--remember FILE`: the checkpoint memory to compare with and update. */
  remember: string | null
  /** `--require-complete`: a filtered export (each event proven, not the whole log) fails. */
  requireComplete: boolean
  /** `--origin`: the log the checkpoint must be for (another org's genuine export fails). */
  origin: string | null
}

async function parseVerifyArgs(argv: string[]): Promise<VerifyArgs> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'trusted-key': { type: 'string', multiple: true },
        keys: { type: 'string' },
        json: { type: 'boolean' },
        'allow-empty': { type: 'boolean' },
        checkpoint: { type: 'string' },
        'require-checkpoint': { type: 'boolean' },
        remember: { type: 'string' },
        'require-complete': { type: 'boolean' },
        origin: { type: 'string' },
      },
    })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { positionals, values } = parsed
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? "verify needs a file (or '-' for standard input)" : 'verify takes exactly one file',
    )
  }
  const keys: TrustedKeyInput[] = [...(values['trusted-key'] ?? [])]
  if (values.keys !== undefined) {
    let text: string
    try {
      text = await readFile(values.keys, 'utf8')
    } catch (error) {
      throw new UsageError(`cannot read keys file '${values.keys}': ${describe(error)}`)
    }
    let pinned: TrustedKeyInput[]
    try {
      pinned = parseKeysDocument(JSON.parse(text))
    } catch (error) {
      throw new UsageError(`keys file '${values.keys}' is not a keys document: ${(error as Error).message}`)
    }
    // Asked for pinned verification, a document that pins nothing would quietly fall back to
    // trusting whatever key each event carries (a database write alone can empty the ledger's list).
    if (pinned.length === 0) throw new UsageError(`keys file '${values.keys}' pins no key`)
    keys.push(...pinned)
  }
  let keyRing: KeyRing
  try {
    keyRing = new KeyRing(keys)
    await keyRing.usable()
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^trustedKeys/, 'pinned key'))
  }
  let earlier: string | null = null
  if (values.checkpoint !== undefined) {
    try {
      earlier = readCheckpointFile(await readFile(values.checkpoint, 'utf8'))
    } catch (error) {
      throw new UsageError(`cannot read checkpoint file '${values.checkpoint}': ${describe(error)}`)
    }
  }
  const remember = values.remember ?? null
  if ((earlier !== null || remember !== null) && keyRing.size === 0) {
    throw new UsageError(
      `${earlier !== null ? '--checkpoint' : '--remember'} needs pinned keys (--keys or --trusted-key) to check checkpoints against`,
    )
  }
  if (earlier !== null && remember !== null) throw new UsageError('use --checkpoint or --remember, not both')
  return {
    input: positionals[0]!,
    keyRing,
    json: values.json ?? false,
    allowEmpty: values['allow-empty'] ?? false,
    earlier,
    requireCheckpoint: values['require-checkpoint'] ?? false,
    remember,
    requireComplete: values['require-complete'] ?? false,
    origin: values.origin ?? null,
  }
}

/** A checkpoint file holds the note as served: the JSON answer `{"checkpoint": ...}`, or the bare note. */
function readCheckpointFile(text: string): string {
  if (!text.trimStart().startsWith('{')) return text
  const answer = decodeCheckpointAnswer(JSON.parse(text))
  if (!answer) throw new Error('it is JSON without a "checkpoint" note')
  return answer.checkpoint
}

async function openInput(path: string, io: CliIo): Promise<AsyncIterable<Uint8Array>> {
  if (path === '-') return bytes(io.stdin)
  try {
    const handle = await open(path, 'r')
    const info = await handle.stat()
    if (!info.isFile() && !info.isFIFO()) {
      await handle.close()
      throw new UsageError(`cannot read '${path}': not a file`)
    }
    return handle.createReadStream({ highWaterMark: 256 * 1024 })
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`cannot read '${path}': ${describe(error)}`)
  }
}

async function* bytes(stream: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder()
  for await (const chunk of stream) yield typeof chunk === 'string' ? encoder.encode(chunk) : chunk
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code
  const messages: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'it is a directory',
  }
  return (code && messages[code]) ?? (error as Error).message
}

/** Run `auditlens verify`; resolves with the exit code. */
export async function runVerify(argv: string[], io: CliIo): Promise<number> {
  const args = await parseVerifyArgs(argv)
  const input = await openInput(args.input, io)
  const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<VerificationStatus, number>
  let total = 0
  const backend = await resolveCrypto('auto')
  const completeness = new ExportCompleteness(backend)
  let trailer: { value: unknown; line: number } | null = null
  const options = {
    trustedKeys: args.keyRing,
    onEvent: (event: { seq: number; id: string }, bytes: Uint8Array) => completeness.add(event, bytes),
    onTrailer: (value: unknown, line: number) => void (trailer = { value, line }),
  }
  try {
    for await (const result of verifyNdjson(input, options)) {
      counts[result.status]++
      total++
      if (args.json) {
        const { line, id, status, reason, message } = result
        await writeOut(io.stdout, JSON.stringify({ line, id, status, reason, message }) + '\n')
      } else if (!PASSING.has(result.status)) {
        await writeOut(
          io.stdout,
          `line ${result.line}: ${result.status.toUpperCase()} ${result.id ?? '(no id)'}: ${result.message}\n`,
        )
      }
    }
  } catch (error) {
    const code = (error as { code?: string }).code
    // Whoever reads our output stopped (`| head`): stop too. What was found so far decides the
    // status; having found nothing wrong yet is not a pass, as the rest went unchecked.
    if (code === 'EPIPE') return failed(counts) ? 1 : SIGPIPE_STATUS
    if (code) throw new UsageError(`cannot read '${args.input}': ${describe(error)}`)
    throw error
  }
  const complete = await checkCompleteness(args, completeness, trailer)
  for (const line of complete.lines) {
    await writeOut(io.stdout, args.json ? JSON.stringify({ completeness: line }) + '\n' : line + '\n')
  }
  if (!args.json) await writeOut(io.stdout, summary(total, counts, args.keyRing.size))
  // An empty file proves nothing: a CI check must not pass because an export came back empty.
  if (total === 0 && !args.allowEmpty) return 1
  return failed(counts) || !complete.ok ? 1 : 0
}

/**
 * The checkpoint trailer's verdict, in words: the signature against the pinned keys, then
 * every seq once and the root (whole export) or each event's inclusion (filtered), and the
 * earlier checkpoint. Files without a trailer pass as before unless a checkpoint is required.
 */
async function checkCompleteness(
  args: VerifyArgs,
  completeness: ExportCompleteness,
  trailer: { value: unknown; line: number } | null,
): Promise<{ ok: boolean; lines: string[] }> {
  if (trailer === null) {
    if (!args.requireCheckpoint && args.earlier === null) return { ok: true, lines: [] }
    return {
      ok: false,
      lines: ['No checkpoint: the file has no checkpoint trailer, so its completeness was not checked.'],
    }
  }
  const decoded = decodeExportTrailer(trailer.value)
  if (!decoded) return { ok: false, lines: [`line ${trailer.line}: the checkpoint trailer is malformed.`] }
  if (args.keyRing.size === 0) {
    const lines = ['Checkpoint not checked: no keys were pinned (--keys, --trusted-key).']
    return { ok: !args.requireCheckpoint, lines }
  }
  const trust = {
    keys: args.keyRing.keys.map((key) => ({ publicKey: key.bytes })),
    // One ledger key signs every org's checkpoints: only the origin tells whose log this is.
    ...(args.origin !== null ? { origin: args.origin } : {}),
  }
  const memory = args.remember === null ? null : await loadCheckpointFile(args.remember)
  const parsed = parseSignedCheckpoint(decoded.checkpoint)
  const origin = parsed.ok ? parsed.value.checkpoint.origin : null
  // A filtered export cannot show consistency offline; the remembered checkpoint waits for a whole one.
  const remembered = memory && origin !== null && decoded.inclusion === null ? (memory[origin] ?? null) : null
  const earlier = args.earlier ?? remembered
  const report = await completeness.check(
    decoded,
    trust,
    earlier ?? undefined,
    pruneProver((marker) => verifyPruneMarker(marker, { trustedKeys: args.keyRing })),
  )
  const lines = report.problems.slice(0, MAX_PROBLEM_LINES).map(describeProblem)
  // Whether an export is filtered is the trailer's own (unsigned) say: a filtered one proves each
  // line is in the log, never that nothing is missing.
  const incomplete = args.requireComplete && report.filtered
  if (incomplete) {
    lines.push(
      'NOT COMPLETE: the export is filtered (its trailer proves each event is in the log), so it cannot show that no event is missing.',
    )
  }
  if (report.problems.length > MAX_PROBLEM_LINES)
    lines.push(`... and ${report.problems.length - MAX_PROBLEM_LINES} more problems.`)
  if (report.checkpoint && report.problems.length === 0) {
    const { size, time, origin } = report.checkpoint
    const when = time === null ? '' : ` as of ${new Date(time).toISOString()}`
    lines.push(
      report.filtered
        ? `Checkpoint: every event is proven in ${origin}, ${size} events${when}.`
        : report.pruned > 0
          ? `Checkpoint: complete, seq 1 to ${report.pruned} removed by retention (its signed marker verifies), ` +
            `seq ${report.pruned + 1} to ${size} each once, and the root matches ${origin}${when}.`
          : `Checkpoint: complete, seq 1 to ${size} each once and the root matches ${origin}${when}.`,
    )
    if (earlier !== null) lines.push('The log only grew since the earlier checkpoint.')
    if (memory !== null && args.remember !== null && !report.filtered) {
      memory[report.checkpoint.origin] = decoded.checkpoint
      await saveCheckpointFile(args.remember, memory)
      lines.push(`Remembered this checkpoint in ${args.remember}.`)
    } else if (memory !== null) {
      lines.push('Not compared with the remembered checkpoint: a filtered export cannot show that offline.')
    }
  }
  return { ok: report.problems.length === 0 && !incomplete, lines }
}

const MAX_PROBLEM_LINES = 50

function describeProblem(problem: CompletenessProblem): string {
  switch (problem.kind) {
    case 'seq-missing':
      return problem.from === problem.to
        ? `MISSING seq ${problem.from}.`
        : `MISSING seq ${problem.from} to ${problem.to}.`
    case 'seq-duplicate':
      return `DUPLICATE seq ${problem.seq}.`
    case 'outside-checkpoint':
      return `NOT IN CHECKPOINT: ${problem.message}.`
    case 'not-in-checkpoint':
      return `NOT IN CHECKPOINT: ${problem.message}.`
    case 'root-mismatch':
      return `ROOT MISMATCH: ${problem.message}.`
    case 'checkpoint-invalid':
      return `CHECKPOINT INVALID: ${problem.message}.`
    case 'inconsistent':
      return `INCONSISTENT with the earlier checkpoint: ${problem.message}.`
    case 'pruned-unproven':
      return `PRUNED PREFIX NOT PROVEN: ${problem.message}.`
  }
}

/** What shells report for a process ended by SIGPIPE (128 + 13). */
const SIGPIPE_STATUS = 141

function failed(counts: Record<VerificationStatus, number>): boolean {
  return STATUSES.some((status) => !PASSING.has(status) && counts[status] > 0)
}

function summary(total: number, counts: Record<VerificationStatus, number>, pinned: number): string {
  const n = (value: number) => value.toLocaleString('en-US')
  const parts = STATUSES.filter((status) => counts[status] > 0 || status === 'verified').map(
    (status) => `${n(counts[status])} ${status}`,
  )
  let text =
    total === 0
      ? 'No events found: nothing was verified (pass --allow-empty to accept that).\n'
      : `${n(total)} event${total === 1 ? '' : 's'}: ${parts.join(', ')}\n`
  if (pinned === 0 && total > 0) {
    text +=
      'No keys were pinned (--trusted-key, --keys): signatures were checked only against the key inside each ' +
      'event, which shows the events are intact but not who signed them.\n'
  }
  return text
}
