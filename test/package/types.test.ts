/**
 * The published declarations, checked as consumers check them: the fixtures in
 * test/package/fixtures type-checked against the packed tarball with `skipLibCheck: false`,
 * under `moduleResolution` bundler and node16, with TypeScript 5.9 and 7. The React app has the
 * DOM lib and no @types/node; the Node server has @types/node and no DOM lib. Neither has
 * better-sqlite3 or its types. Then publint and arethetypeswrong on the same tarball.
 * `npm test` builds first (pretest); run `npm run build` before running this file alone.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerProject, packRepository, REPO, run, type Packed } from '../support/package.js'

const TYPESCRIPT = {
  '5.9': join(REPO, 'node_modules/typescript59/bin/tsc'),
  '7': join(REPO, 'node_modules/typescript/bin/tsc'),
}

const LINKS = {
  'react-app': ['react', 'react-dom', '@types/react', '@types/react-dom', '@noble/ed25519', '@noble/hashes', 'jose'],
  'node-server': ['@types/node', '@noble/ed25519', '@noble/hashes', 'jose'],
}

/** What create-next-app and create-vite put in tsconfig, strict where it matters here. */
const COMPILER_OPTIONS = {
  'react-app': {
    target: 'ES2022',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    jsx: 'react-jsx',
    types: [],
  },
  'node-server': {
    target: 'ES2022',
    lib: ['ES2023'],
    types: ['node'],
  },
}

const RESOLUTION = {
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
  node16: { module: 'node16', moduleResolution: 'node16' },
}

let packed: Packed
const projects: Record<string, string> = {}

beforeAll(async () => {
  packed = await packRepository()
  for (const [name, links] of Object.entries(LINKS)) {
    const project = await consumerProject(packed.tarball, links)
    cpSync(join(REPO, 'test/package/fixtures', name), project, { recursive: true })
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }))
    projects[name] = project
  }
}, 60_000)

const cases = Object.keys(LINKS).flatMap((project) =>
  Object.keys(RESOLUTION).flatMap((resolution) =>
    Object.keys(TYPESCRIPT).map((version) => ({ project, resolution, version })),
  ),
) as { project: keyof typeof LINKS; resolution: keyof typeof RESOLUTION; version: keyof typeof TYPESCRIPT }[]

describe('the declarations', () => {
  it.concurrent.each(cases)(
    'type-check in a $project under $resolution with TypeScript $version, skipLibCheck false',
    async ({ project, resolution, version }) => {
      const dir = projects[project]!
      const config = `tsconfig.${resolution}.${version}.json`
      writeFileSync(
        join(dir, config),
        JSON.stringify({
          compilerOptions: {
            ...COMPILER_OPTIONS[project],
            ...RESOLUTION[resolution],
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            isolatedModules: true,
            verbatimModuleSyntax: true,
            // TypeScript 7's default; set for 5.9 too, so `import 'auditlens/styles.css'` must resolve.
            noUncheckedSideEffectImports: true,
          },
          include: ['*.ts', '*.tsx'],
        }),
      )
      const result = await run(process.execPath, [TYPESCRIPT[version], '-p', config, '--pretty', 'false'], {
        cwd: dir,
      }).then(
        () => '',
        (error: { stdout: string; stderr: string }) => `${error.stdout}${error.stderr}` || 'tsc failed',
      )
      expect(result).toBe('')
    },
    60_000,
  )
})

describe('the package lints', () => {
  it('clean with publint (strict)', async () => {
    const tarball = readFileSync(packed.tarball)
    const { messages, pkg } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      strict: true,
    })
    expect(messages.map((message) => formatMessage(message, pkg) ?? message.code)).toEqual([])
  })

  it('clean with arethetypeswrong for ESM (node16 from ESM, and bundlers)', async () => {
    const result = await run(
      process.execPath,
      [
        join(REPO, 'node_modules/@arethetypeswrong/cli/dist/index.js'),
        packed.tarball,
        '--profile',
        'esm-only',
        '--format',
        'json',
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    ).then(
      ({ stdout }) => stdout,
      (error: { stdout: string }) => error.stdout,
    )
    // The package is ESM only ("type": "module", no "require" condition): the esm-only profile
    // leaves out node10 and require() from CommonJS, which it does not claim to support.
    const report = JSON.parse(result) as { analysis: { problems: { kind: string; resolutionKind?: string }[] } }
    const supported = report.analysis.problems.filter(
      (problem) => problem.resolutionKind === undefined || ['node16-esm', 'bundler'].includes(problem.resolutionKind),
    )
    expect(supported).toEqual([])
    expect(report.analysis.problems.length, 'attw found no problems at all: drop the profile filter').toBeGreaterThan(0)
  }, 60_000)
})
