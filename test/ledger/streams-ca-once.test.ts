/**
 * A CA file is parsed once: `auditlens serve` checks it (stream-flags.ts) and hands the Ledger
 * the checked certificates, which neither the Ledger nor its Streams parse again. X509Certificate
 * is wrapped here to count the parses; everything else in node:crypto is the real thing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it, vi } from 'vitest'
import { streamOptionsFromFlags } from '../../src/cli/stream-flags.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { issue } from '../support/tls-certificates.js'

// The PEM texts each X509Certificate was made from. Only the test's CAs are counted: with
// NODE_EXTRA_CA_CERTS set, the ledger also reads that file's certificates (tls-trust.ts).
const parsed = vi.hoisted(() => ({ texts: [] as string[] }))
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>()
  class CountingX509Certificate extends crypto.X509Certificate {
    constructor(...args: ConstructorParameters<typeof crypto.X509Certificate>) {
      super(...args)
      parsed.texts.push(String(args[0]))
    }
  }
  return { ...crypto, default: crypto, X509Certificate: CountingX509Certificate }
})

const dir = mkdtempSync(join(tmpdir(), 'auditlens-ca-once-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('parses each --stream-ca certificate once, from the flag to the ledger’s deliveries', async () => {
  const company = issue({ name: 'company CA', ca: true })
  const partner = issue({ name: 'partner CA', ca: true })
  const file = join(dir, 'cas.pem')
  writeFileSync(file, company.cert + partner.cert)
  parsed.texts = []
  const streams = streamOptionsFromFlags({ 'stream-ca': [file] })
  const ledger = new Ledger({ db: ':memory:', retentionIntervalMs: null, streams })
  try {
    const counts = [company, partner].map((ca) => parsed.texts.filter((text) => text === ca.cert.trim()).length)
    expect(counts).toEqual([1, 1])
  } finally {
    await ledger.close()
  }
})
