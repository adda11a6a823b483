/**
 * What both example tests need: a copy of examples/<name> with the packed tarball installed
 * and built, a seeded reference ledger, the app started on a free port of 127.0.0.1, and
 * Debian's Chromium.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { inject } from 'vitest'
import { seedOrg } from '../../src/ledger/seed.js'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.js'
import { DEV_KEY, startLedger, type TestLedger } from '../support/ledger.js'
import { CACHE_DIR, REPO } from './paths.js'

/**
 * The environment of a developer's own shell: without the npm_* variables the running
 * `npm test` sets, which would carry this repository's .npmrc (its allow-scripts list, say)
 * into the example's npm and make it refuse to install.
 */
export function shellEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)))
}

/** Run a command to its end; its output is kept for the error when it fails. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { env: shellEnv(), ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output.slice(-4000)}`)),
    )
  })
}

/**
 * Copy examples/`name` (without build output or dependencies) into the cache, install the
 * packed tarball into it with npm, and run `build` there. Returns the copy's directory.
 */
export async function prepareExample(name: string, build: string[]): Promise<string> {
  const dir = join(CACHE_DIR, name)
  mkdirSync(dir, { recursive: true })
  rmSync(join(dir, 'node_modules', 'auditlens'), { recursive: true, force: true })
  cpSync(join(REPO, 'examples', name), dir, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|\.next|dist)$/.test(source),
  })
  await run('npm', ['install', '--no-audit', '--no-fund', inject('auditlensTarball')], {
    cwd: dir,
  })
  // Built without the app's secrets in the environment, as a CI build step has none.
  const buildEnv: NodeJS.ProcessEnv = { ...shellEnv(), NEXT_TELEMETRY_DISABLED: '1' }
  for (const name of ['AUDIT_API_URL', 'AUDIT_API_KEY', 'AUDITLENS_SECRET', 'SESSION_SECRET']) delete buildEnv[name]
  await run(build[0]!, build.slice(1), { cwd: dir, env: buildEnv })
  return dir
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** The reference ledger with acme and globex, 300 and 50 events, and the key `DEV_KEY`. */
export async function startSeededLedger(): Promise<TestLedger> {
  const ledger = await startLedger()
  seedOrg(ledger.ledger, ledger.ledger.createOrg('acme', 'Acme Corporation').id, 300, { seed: 1 })
  seedOrg(ledger.ledger, ledger.ledger.createOrg('globex', 'Globex').id, 50, { seed: 2 })
  return ledger
}

/** The environment an example reads (see its README), pointing at `ledger`. */
export function exampleEnv(ledger: TestLedger, port: number): NodeJS.ProcessEnv {
  return {
    ...shellEnv(),
    NEXT_TELEMETRY_DISABLED: '1',
    AUDIT_API_URL: ledger.url,
    AUDIT_API_KEY: DEV_KEY,
    AUDITLENS_SECRET: 'example-secret-example-secret-example-secret-0123',
    SESSION_SECRET: 'example-session-secret-example-session-secret',
    HOST: '127.0.0.1',
    PORT: String(port),
  }
}

export interface RunningApp {
  origin: string
  stop(): Promise<void>
}

/** Start `command` in `cwd` and wait until `origin` answers HTTP (at most `timeoutMs`). */
export async function startApp(
  command: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; origin: string; timeoutMs?: number },
): Promise<RunningApp> {
  const child: ChildProcess = spawn(command[0]!, command.slice(1), {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d))
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d))
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  const deadline = Date.now() + (options.timeoutMs ?? 30_000)
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited ${child.exitCode}:\n${output}`)
    const answered = await fetch(options.origin + '/').then(
      () => true,
      () => false,
    )
    if (answered) return { origin: options.origin, stop }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  await stop()
  throw new Error(`${command.join(' ')} did not answer on ${options.origin}:\n${output}`)
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}
