/**
 * `auditlens verify`, run as users run it: the built binary in a child process.
 * `npm test` builds first (pretest); run `npm run build` before running this file alone.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { BIN, runCli } from '../support/cli.js'
import { apiEvent, createSigner, seedFrom, VECTOR_SEED } from '../support/signing.js'

/** `auditlens` with `args`, and `stdin` as its input. */
const run = (args: string[], stdin?: string) => runCli(args, stdin === undefined ? {} : { stdin })

const ledger = createSigner(VECTOR_SEED, 'key_1')
const stranger = createSigner(seedFrom(9), 'key_x')
const dir = mkdtempSync(join(tmpdir(), 'auditlens-cli-'))
const file = (name: string, lines: unknown[]) => {
  const path = join(dir, name)
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n')
  return path
}

const good = Array.from({ length: 5 }, (_, i) => ledger.sign(apiEvent({ id: `aevt_${i + 1}`, seq: i + 1 })))
const goodFile = file('good.ndjson', good)
const mixedFile = file('mixed.ndjson', [
  good[0],
  { ...good[1], metadata: { amount: 1 } },
  stranger.sign(apiEvent({ id: 'aevt_resigned' })),
  '',
  'not json',
  { ...good[2], occurred_at: 'tomorrow' },
  good[3],
])
const keysFile = join(dir, 'keys.json')
writeFileSync(
  keysFile,
  JSON.stringify({
    keys: [{ key_id: 'key_1', algorithm: 'Ed25519', public_key: ledger.publicKey, not_before: null, not_after: null }],
  }),
)

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run 'npm run build' first (npm test does it for you)`)
})

describe('auditlens verify', () => {
  it('refuses a keys file that pins nothing (exit 2), instead of passing events under the keys they carry', async () => {
    const empty = join(dir, 'no-keys.json')
    writeFileSync(empty, JSON.stringify({ keys: [] }))
    const resigned = file('resigned.ndjson', [stranger.sign(apiEvent({ id: 'aevt_forged' }))])
    const result = await run(['verify', resigned, '--keys', empty])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/no-keys\.json' pins no key/)
  })

  it('exits 0 and says how many events were verified against a pinned key', async () => {
    const result = await run(['verify', goodFile, '--trusted-key', ledger.publicKey])
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout).toBe('5 events: 5 verified\n')
  })

  it('exits 0 for unpinned events but says plainly what that does not prove', async () => {
    const result = await run(['verify', goodFile])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^5 events: 0 verified, 5 unpinned\nNo keys were pinned/)
  })

  it('reads pinned keys from a /v1/audit/keys document', async () => {
    const result = await run(['verify', goodFile, '--keys', keysFile])
    expect(result).toMatchObject({ code: 0, stdout: '5 events: 5 verified\n' })
  })

  it('exits 1 and names every line that failed, with a summary per status', async () => {
    const result = await run(['verify', mixedFile, '--keys', keysFile])
    expect(result.code).toBe(1)
    const lines = result.stdout.trim().split('\n')
    expect(lines).toEqual([
      expect.stringMatching(/^line 2: TAMPERED aevt_2: .*hash/),
      expect.stringMatching(/^line 3: UNTRUSTED aevt_resigned: .*not pinned/),
      expect.stringMatching(/^line 5: MALFORMED \(no id\): the line is not JSON/),
      expect.stringMatching(/^line 6: MALFORMED aevt_3: occurred_at "tomorrow" is not an RFC 3339 timestamp/),
      '6 events: 2 verified, 1 untrusted, 1 tampered, 2 malformed',
    ])
  })

  it('--json writes one object per input line, in input order', async () => {
    const result = await run(['verify', mixedFile, '--trusted-key', ledger.publicKey, '--json'])
    expect(result.code).toBe(1)
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(rows.map(({ line, id, status }) => ({ line, id, status }))).toEqual([
      { line: 1, id: 'aevt_1', status: 'verified' },
      { line: 2, id: 'aevt_2', status: 'tampered' },
      { line: 3, id: 'aevt_resigned', status: 'untrusted' },
      { line: 5, id: null, status: 'malformed' },
      { line: 6, id: 'aevt_3', status: 'malformed' },
      { line: 7, id: 'aevt_4', status: 'verified' },
    ])
    expect(rows[1]).toMatchObject({ reason: 'payload-hash-mismatch', message: expect.any(String) })
  })

  it("reads standard input when the file is '-'", async () => {
    const input = good.map((e) => JSON.stringify(e)).join('\r\n')
    const result = await run(['verify', '-', '--trusted-key', ledger.publicKey], input)
    expect(result).toMatchObject({ code: 0, stdout: '5 events: 5 verified\n' })
  })

  it('keeps int64 metadata exact when verifying from text', async () => {
    const text = JSON.stringify(ledger.sign(apiEvent({ metadata: { n: 2n ** 63n - 1n } })), (_k, v: unknown) =>
      typeof v === 'bigint' ? `@@${v}@@` : v,
    ).replace(/"@@(\d+)@@"/, '$1')
    expect(text).toContain('"n":9223372036854775807')
    const result = await run(['verify', '-', '--trusted-key', ledger.publicKey], text)
    expect(result).toMatchObject({ code: 0, stdout: '1 event: 1 verified\n' })
  })

  it('fails an input with no events, since nothing was verified, unless --allow-empty', async () => {
    expect(await run(['verify', '-'], '\n\n')).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/^No events found/),
    })
    expect(await run(['verify', '-', '--allow-empty'], '')).toMatchObject({ code: 0 })
  })

  it('stops when its reader goes away: 1 if a failure was already printed, 141 if not', async () => {
    const many = (first: unknown) => [first, ...Array.from({ length: 3000 }, () => good[0])]
    const early = async (path: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'verify', path, '--json', '--trusted-key', ledger.publicKey])
        child.stdout.once('data', () => child.stdout.destroy())
        child.on('close', resolve)
      })
    expect(await early(file('fails-first.ndjson', many({ ...good[1], action: 'changed' })))).toBe(1)
    expect(await early(file('passes-first.ndjson', many(good[1])))).toBe(141)
  })

  it.each([
    [['verify'], /verify needs a file/],
    [['verify', 'a', 'b'], /exactly one file/],
    [['verify', goodFile, '--bogus'], /Unknown option '--bogus'/],
    [['verify', join(dir, 'missing.ndjson')], /cannot read '.*missing\.ndjson': no such file/],
    [['verify', dir], /not a file/],
    [['verify', goodFile, '--trusted-key', 'abc'], /pinned key\[0\]\.publicKey must be 64 hex/],
    [['verify', goodFile, '--keys', goodFile], /is not a keys document/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [[], /Usage: auditlens/],
  ])('exits 2 with a one-line reason and no stack trace for %j', async (args, message) => {
    const result = await run(args)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(result.stdout).toBe('')
  })

  it.each(['verify', 'serve', 'seed', 'keys', 'keys create', 'prune'])(
    "'auditlens %s --help' prints that command’s options and exits 0, doing nothing else",
    async (words) => {
      const command = words.split(' ')
      for (const flag of ['--help', '-h']) {
        const result = await run([...command, flag])
        expect(result).toMatchObject({ code: 0, stderr: '' })
        expect(result.stdout).toContain(`Usage: auditlens ${command[0]}`)
        expect(result.stdout).toMatch(/--db PATH|--trusted-key HEX/)
      }
    },
  )

  it("reads a file named --help after '--' as a file", async () => {
    const result = await run(['verify', '--', '--help'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/cannot read '--help'/)
  })

  it('prints help and its version', async () => {
    expect(await run(['--help'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('verify <file.ndjson | ->'),
    })
    expect((await run(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })
})
