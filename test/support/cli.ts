/**
 * The built `auditlens` binary in a child process, as users run it. `npm test` builds it first
 * (pretest); run `npm run build` before running a CLI test file alone.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../dist/cli/cli.js', import.meta.url))

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Run `auditlens ...args` to its end, with `stdin` as its input (empty by default). */
export function runCli(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: 'pipe', env: options.env ?? process.env })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.stdin ?? '')
  })
}
