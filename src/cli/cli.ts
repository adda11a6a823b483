#!/usr/bin/env node
/** The `auditlens` command. Kept to the entry point; the commands live in cli-main.ts. */
import { main } from './main.js'
import { SqliteUnavailableError } from '../ledger/database.js'

try {
  process.exitCode = await main(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  })
} catch (error) {
  // An install problem, not a bug: the message names the fix, so a stack trace would only bury it.
  if (!(error instanceof SqliteUnavailableError)) throw error
  process.stderr.write(`auditlens: ${error.message}\n`)
  process.exitCode = 1
}
