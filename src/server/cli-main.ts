import { readFileSync } from 'node:fs'
import { type CliIo, UsageError, writeOut } from './cli-io.js'
import { runKeys, runSeed, runServe } from './ledger-commands.js'
import { runVerify } from './verify-command.js'

const USAGE = `Usage: auditlens <command> [options]

Commands:
  verify <file.ndjson | ->   Verify an exported NDJSON file offline.
      --trusted-key HEX      Pin a public key (repeatable).
      --keys FILE            Pin the keys in a keys document (the /v1/audit/keys response).
      --json                 One JSON result per input line instead of a report.
      --allow-empty          Exit 0 for an input with no events (otherwise 1).
  serve                      Run the reference ledger (an Invoance-compatible audit API).
      --port 8787 --host 127.0.0.1 --db .auditlens/ledger.db
      --seed N               On a first run, add N demo events across acme, globex, initech.
  seed --org ID --count N    Add N realistic events to an org (created if missing). [--db PATH]
  keys create --scopes audit:read,audit:write
                             Print a new API key (shown once).             [--db PATH]
  keys rotate                Start a new signing key, closing the current one. [--db PATH]
  keys list                  List signing keys and their validity windows. [--db PATH]

Options:
  -h, --help                 Show this help.
  -v, --version              Show the version.

Exit status of verify: 0 when every event is verified (or unpinned), 1 when any event is
tampered, untrusted or malformed (or there are none), 2 for a usage error, 141 when its
output was closed (| head) before anything failed.
`

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

/** Run the CLI with `argv` (without `node` and the script) and resolve with the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        await writeOut(command === undefined ? io.stderr : io.stdout, USAGE)
        return command === undefined ? 2 : 0
      case '-v':
      case '--version':
        await writeOut(io.stdout, `${version()}\n`)
        return 0
      case 'verify':
        return await runVerify(rest, io)
      case 'serve':
        return await runServe(rest, io)
      case 'seed':
        return await runSeed(rest, io)
      case 'keys':
        return await runKeys(rest, io)
      default:
        throw new UsageError(`unknown command '${command}'`)
    }
  } catch (error) {
    if (error instanceof UsageError) {
      await writeOut(io.stderr, `auditlens: ${error.message}\nRun 'auditlens --help' for usage.\n`)
      return 2
    }
    if (isBrokenPipe(error)) return 0
    throw error
  }
}

/** `auditlens verify big.ndjson | head` closes our stdout early; that is not an error. */
function isBrokenPipe(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EPIPE'
}
