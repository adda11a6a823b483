/** `auditlens serve`, `auditlens seed` and `auditlens keys`: the reference ledger's commands. */
import type { Server } from 'node:http'
import { dirname, join, resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { type CliIo, UsageError, writeOut } from './io.js'
import { randomToken } from '../ledger/ids.js'
import { DEFAULT_DB, Ledger } from '../ledger/ledger.js'
import { listen } from '../ledger/listen.js'
import { seedDemo } from '../ledger/demo-orgs.js'
import { seedOrg } from '../ledger/seed.js'
import { SCOPES, type Scope } from '../ledger/api-keys.js'
import { PORTAL_FLAGS, portalOptionsFromFlags } from './portal-flags.js'
import { STREAM_FLAGS, streamOptionsFromFlags } from './stream-flags.js'

function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, positionals = 0) {
  try {
    const result = parseArgs({ args: argv, options, allowPositionals: positionals > 0, strict: true })
    if (result.positionals.length > positionals)
      throw new Error(`unexpected argument '${result.positionals[positionals]}'`)
    return result
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

function integer(text: string | undefined, name: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new UsageError(`${name} must be an integer from ${min} to ${max}`)
  return value
}

function stopServer(server: Server): Promise<unknown> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(resolve))
}

/**
 * Where the ledger keeps private signing keys for database `db`: `keys/` beside the database
 * file, the one rule the help and the README state.
 */
export function keyDirOf(db: string): string {
  return db === ':memory:' ? '(in memory)' : join(dirname(resolve(db)), 'keys')
}

export async function runServe(argv: string[], io: CliIo): Promise<number> {
  const { values } = parse(argv, {
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
    db: { type: 'string', default: process.env.AUDITLENS_DB ?? DEFAULT_DB },
    seed: { type: 'string', default: '0' },
    ...STREAM_FLAGS,
    ...PORTAL_FLAGS,
  })
  const port = integer(values.port, '--port', 0, 65535)!
  const seed = integer(values.seed, '--seed', 0, 10_000_000)!
  const givenApiKey = process.env.AUDITLENS_API_KEY || null
  const devApiKey = givenApiKey ?? randomToken('alk_dev', 24)
  const portal = portalOptionsFromFlags(values)
  const streams = streamOptionsFromFlags(values)
  const ledger = new Ledger({
    db: values.db,
    devApiKey,
    portal,
    streams: { deliver: true, ...streams },
  })
  // Bind first: a busy port fails in a moment, before any seeding work. Seeding runs
  // synchronously, so requests that arrive meanwhile wait for it rather than see half a seed.
  let listening
  try {
    listening = await listen(ledger, values.host, port)
  } catch (error) {
    await ledger.close()
    throw new UsageError(`cannot listen on ${values.host}:${port}: ${(error as Error).message}`)
  }
  const started = Date.now()
  let seeded: number
  try {
    seeded = seedDemo(ledger, seed)
  } catch (error) {
    await stopServer(listening.server)
    await ledger.close()
    throw error
  }
  if (seeded > 0)
    await writeOut(
      io.stdout,
      `Seeded ${seeded.toLocaleString('en-US')} events in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
    )
  // Listening for Ctrl-C before saying we are up, so a signal sent on seeing the banner
  // stops the ledger cleanly instead of killing it.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  await writeOut(
    io.stdout,
    `auditlens reference ledger listening on ${listening.url} (the API is under /v1/audit)\n` +
      // What a host sets as AUDIT_API_URL: the origin, to which the proxy adds /v1/audit/...
      `  proxy URL:   ${listening.url} (AUDIT_API_URL, without /v1)\n` +
      `  database:    ${values.db}\n` +
      `  signing key: ${keyDirOf(values.db)} (private, 0600; keep it with the database)\n` +
      // A key the operator chose is a secret they already hold: it never goes to the terminal
      // or a log collector. Only a key this process made up is shown, as that is the only copy.
      (givenApiKey
        ? '  API key:     the one in AUDITLENS_API_KEY (not shown)\n' +
          `  try:         curl -H "Authorization: Bearer $AUDITLENS_API_KEY" ${listening.url}/v1/audit/orgs\n`
        : `  API key:     ${devApiKey} (for this run; set AUDITLENS_API_KEY to choose one)\n` +
          `  try:         curl -H "Authorization: Bearer ${devApiKey}" ${listening.url}/v1/audit/orgs\n`),
  )
  await stopped
  await writeOut(io.stdout, 'Stopping…\n')
  await stopServer(listening.server)
  await ledger.close()
  return 0
}

export async function runSeed(argv: string[], io: CliIo): Promise<number> {
  const { values } = parse(argv, {
    org: { type: 'string' },
    count: { type: 'string', default: '1000' },
    db: { type: 'string', default: process.env.AUDITLENS_DB ?? DEFAULT_DB },
    seed: { type: 'string', default: '1' },
  })
  if (!values.org) throw new UsageError('seed needs --org (an org id or external id)')
  const count = integer(values.count, '--count', 1, 100_000_000)!
  const ledger = new Ledger({ db: values.db })
  try {
    const org = ledger.orgById(values.org) ?? ledger.orgByExternalId(values.org) ?? ledger.createOrg(values.org, null)
    const started = Date.now()
    seedOrg(ledger, org.id, count, { seed: integer(values.seed, '--seed', 0, 2 ** 31) })
    const seconds = (Date.now() - started) / 1000
    await writeOut(
      io.stdout,
      `Added ${count.toLocaleString('en-US')} events to ${org.external_id} (${org.id}) in ${seconds.toFixed(1)} s.\n`,
    )
  } finally {
    await ledger.close()
  }
  return 0
}

export async function runKeys(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv
  const { values } = parse(rest, {
    db: { type: 'string', default: process.env.AUDITLENS_DB ?? DEFAULT_DB },
    scopes: { type: 'string' },
  })
  if (sub !== 'create' && sub !== 'rotate' && sub !== 'list')
    throw new UsageError("keys needs 'create', 'rotate' or 'list'")
  if (sub !== 'create' && values.scopes !== undefined) throw new UsageError('--scopes applies to keys create only')
  const ledger = new Ledger({ db: values.db })
  try {
    if (sub === 'create') {
      const scopes = (values.scopes ?? '').split(',').filter(Boolean) as Scope[]
      if (scopes.length === 0 || scopes.some((s) => !SCOPES.includes(s))) {
        throw new UsageError(`--scopes must list ${SCOPES.join(' and/or ')}, comma-separated`)
      }
      const key = ledger.apiKeys.create(scopes)
      await writeOut(io.stdout, `${key.secret}\n`)
      await writeOut(io.stderr, `Created API key ${key.id} with ${key.scopes.join(', ')}. It is shown only once.\n`)
    } else if (sub === 'rotate') {
      const key = ledger.keys.rotate()
      await writeOut(
        io.stdout,
        `Now signing with ${key.key_id} (${key.public_key}); the previous key closed at ${key.not_before}.\n` +
          `Its private key is in ${keyDirOf(values.db)}.\n`,
      )
    } else {
      for (const key of ledger.keys.list()) {
        await writeOut(io.stdout, `${key.key_id}  ${key.public_key}  ${key.not_before} .. ${key.not_after ?? 'now'}\n`)
      }
    }
  } finally {
    await ledger.close()
  }
  return 0
}
