#!/usr/bin/env node
/** The `auditlens` command. Kept to the entry point; the commands live in cli-main.ts. */
import { main } from './cli-main.js'

process.exitCode = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
})
