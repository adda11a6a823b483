/**
 * Packs the library once for every example test file, as a user's `npm pack` would: the
 * examples install this tarball, never the repository's sources. `npm test` builds dist first
 * (pretest); run `npm run build` before running the examples project alone.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { CACHE_DIR, REPO } from './paths.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The absolute path of the packed auditlens tarball. */
    auditlensTarball: string
  }
}

export default function setup(project: TestProject) {
  if (!existsSync(join(REPO, 'dist/cli/cli.js'))) {
    throw new Error("dist/ is missing: run 'npm run build' first (npm test does it for you).")
  }
  mkdirSync(CACHE_DIR, { recursive: true })
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', CACHE_DIR], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const [packed] = JSON.parse(output) as { filename: string }[]
  if (!packed) throw new Error(`npm pack printed no tarball: ${output}`)
  project.provide('auditlensTarball', join(CACHE_DIR, packed.filename))
}
