/**
 * The package as users get it: `npm pack` of the built repository, unpacked into a fresh project
 * outside the repository (so nothing resolves through the repository's own node_modules), with
 * only the dependencies a given kind of consumer would have, linked from this repository's
 * node_modules. `npm test` builds dist/ first (pretest); run `npm run build` before running a
 * package test alone.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const REPO = fileURLToPath(new URL('../..', import.meta.url))

export const run = promisify(execFile)

/** What `npm pack --json` reports about the tarball it wrote. */
export interface Packed {
  tarball: string
  size: number
  unpackedSize: number
  files: string[]
}

/** Pack the repository (as built) into a temporary folder. */
export async function packRepository(): Promise<Packed> {
  const destination = mkdtempSync(join(tmpdir(), 'auditlens-pack-'))
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: REPO,
    maxBuffer: 16 * 1024 * 1024,
  })
  const [report] = JSON.parse(stdout) as {
    filename: string
    size: number
    unpackedSize: number
    files: { path: string }[]
  }[]
  return {
    tarball: join(destination, report!.filename),
    size: report!.size,
    unpackedSize: report!.unpackedSize,
    files: report!.files.map((file) => file.path),
  }
}

/**
 * A fresh ESM project in the temp folder with `auditlens` unpacked from `tarball` and `links`
 * (package names) linked from the repository's node_modules. Returns the project folder.
 */
export async function consumerProject(tarball: string, links: string[]): Promise<string> {
  const project = mkdtempSync(join(tmpdir(), 'auditlens-consumer-'))
  const target = join(project, 'node_modules', 'auditlens')
  mkdirSync(target, { recursive: true })
  await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'])
  for (const name of links) {
    mkdirSync(dirname(join(project, 'node_modules', name)), { recursive: true })
    symlinkSync(join(REPO, 'node_modules', name), join(project, 'node_modules', name), 'dir')
  }
  return project
}

/** The dependencies of the packed package itself, read from its manifest. */
export function runtimeDependencies(project: string): string[] {
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules/auditlens/package.json'), 'utf8')) as {
    dependencies?: Record<string, string>
  }
  return Object.keys(manifest.dependencies ?? {})
}
