/**
 * `auditlens verify --remember FILE`: the CLI's checkpoint memory, as the browser keeps one
 * per log origin. The file maps each origin to the newest checkpoint note a whole export was
 * proven complete against; the next run checks, offline from that export's leaves, that the
 * log only grew since, then remembers the newer one. Only checkpoints that verified against the
 * pinned keys are written.
 */
import { readFile, rename, writeFile } from 'node:fs/promises'
import { UsageError } from './io.js'

/** Origin -> checkpoint note. */
export type CheckpointFile = Record<string, string>

/** The remembered checkpoints in `path`; none when the file does not exist yet. */
export async function loadCheckpointFile(path: string): Promise<CheckpointFile> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return {}
    throw new UsageError(`cannot read checkpoint memory '${path}': ${(error as Error).message}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new UsageError(`checkpoint memory '${path}' is not JSON`)
  }
  const valid =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((note) => typeof note === 'string')
  if (!valid) throw new UsageError(`checkpoint memory '${path}' is not an object of origins to checkpoint notes`)
  return value as CheckpointFile
}

/** Write the memory whole, through a temporary file, so a crash never leaves half of it. */
export async function saveCheckpointFile(path: string, memory: CheckpointFile): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, JSON.stringify(memory, null, 2) + '\n', { mode: 0o600 })
  await rename(temporary, path)
}
