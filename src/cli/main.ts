import { readFileSync } from 'node:fs'
import { COMMAND_HELP, USAGE, wantsHelp } from './help.js'
import { type CliIo, UsageError, writeOut } from './io.js'
import { runKeys, runSeed, runServe } from './ledger-commands.js'
import { runVerify } from './verify-command.js'
import { runPrune } from './prune-command.js'

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

/** Run the CLI with `argv` (without `node` and the script) and resolve with the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    const help = command !== undefined && Object.hasOwn(COMMAND_HELP, command) ? COMMAND_HELP[command] : undefined
    if (help !== undefined && wantsHelp(rest)) {
      await writeOut(io.stdout, help)
      return 0
    }
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
      case 'prune':
        return await runPrune(rest, io)
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
