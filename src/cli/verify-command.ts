/** `auditlens verify`: check an NDJSON export offline against pinned keys. */
import { open, readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import {
  KeyRing,
  parseKeysDocument,
  verifyNdjson,
  type TrustedKeyInput,
  type VerificationStatus,
} from '../core/index.js'
import { type CliIo, UsageError, writeOut } from './io.js'

const STATUSES: readonly VerificationStatus[] = ['verified', 'unpinned', 'untrusted', 'tampered', 'malformed']
const PASSING: ReadonlySet<VerificationStatus> = new Set(['verified', 'unpinned'])

interface VerifyArgs {
  input: string
  keyRing: KeyRing
  json: boolean
  allowEmpty: boolean
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
  return { input: positionals[0]!, keyRing, json: values.json ?? false, allowEmpty: values['allow-empty'] ?? false }
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
  try {
    for await (const result of verifyNdjson(input, { trustedKeys: args.keyRing })) {
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
  if (!args.json) await writeOut(io.stdout, summary(total, counts, args.keyRing.size))
  // An empty file proves nothing: a CI check must not pass because an export came back empty.
  if (total === 0 && !args.allowEmpty) return 1
  return failed(counts) ? 1 : 0
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
