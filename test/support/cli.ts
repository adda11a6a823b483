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

/** A running `auditlens serve` child process. */
export interface ServeProcess {
  url: string
  child: ReturnType<typeof spawn>
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<number | string | null>
}

/** Start `auditlens serve ...args` and resolve once it prints the URL it listens on. */
export function startServe(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: 'pipe', env })
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? signal)),
  )
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d
      const match = /listening on (http:\/\/[\d.:]+) /.exec(out)
      if (match) resolve({ url: match[1]!, child, exited })
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    void exited.then((code) => reject(new Error(`serve exited (${code}) before listening: ${out}`)))
  })
}
