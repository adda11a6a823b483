/** `auditlens prune`: one retention pass by hand, the same pass `serve` runs every hour. */
import { parseArgs } from 'node:util'
import { type CliIo, UsageError, writeOut } from './io.js'
import { DEFAULT_DB, Ledger } from '../ledger/ledger.js'

/** Run one retention pass over the database and print each signed prune marker it wrote. */
export async function runPrune(argv: string[], io: CliIo): Promise<number> {
  let db: string
  try {
    const { values } = parseArgs({
      args: argv,
      options: { db: { type: 'string', default: process.env.AUDITLENS_DB ?? DEFAULT_DB } },
      strict: true,
    })
    db = values.db
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  // No timer: this process runs exactly one pass and exits.
  const ledger = new Ledger({ db, retentionIntervalMs: null })
  try {
    const markers = await ledger.retention.runPass()
    for (const m of markers) {
      await writeOut(
        io.stdout,
        `${m.org_id}  pruned through seq ${m.pruned_through_seq} (${m.retention_days}-day retention, ` +
          `before ${m.cutoff}), marker signed by ${m.key_id}\n`,
      )
    }
    await writeOut(io.stderr, `Retention pass done: ${markers.length} prune marker(s) written.\n`)
  } finally {
    await ledger.close()
  }
  return 0
}
