import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url))

/**
 * Where the examples are copied, installed and built: outside the repository, since Next.js
 * takes the nearest lockfile above an app for its workspace root, and one per checkout. Kept
 * between local runs so a rerun only reinstalls the tarball; CI starts from a clean machine.
 */
export const CACHE_DIR = join(
  tmpdir(),
  'auditlens-examples',
  createHash('sha256').update(REPO).digest('hex').slice(0, 12),
)
