/**
 * The published tarball: what is in it, what its manifest says, what installing it pulls in,
 * and how it behaves without its optional peers. `npm test` builds first (pretest); run
 * `npm run build` before running this file alone.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerProject, packRepository, REPO, run, runtimeDependencies, type Packed } from '../support/package.js'

let packed: Packed
let manifest: Record<string, unknown>
let readme: string

beforeAll(async () => {
  packed = await packRepository()
  const project = await consumerProject(packed.tarball, [])
  manifest = JSON.parse(readFileSync(join(project, 'node_modules/auditlens/package.json'), 'utf8'))
  readme = readFileSync(join(project, 'node_modules/auditlens/README.md'), 'utf8')
}, 60_000)

interface Manifest {
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  scripts?: Record<string, string>
}

/** The manifest of `name` as installed for the package in `fromDir`, walking up node_modules. */
function installedManifest(name: string, fromDir: string): { dir: string; manifest: Manifest } {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json')))
      return { dir: candidate, manifest: JSON.parse(readFileSync(join(candidate, 'package.json'), 'utf8')) }
    if (dir === dirname(dir)) throw new Error(`${name} is not installed under ${fromDir}`)
  }
}

describe('the tarball', () => {
  it('holds the built entries, the README and the licence, and no source maps', () => {
    expect(packed.files.filter((path) => path.endsWith('.map'))).toEqual([])
    const outside = packed.files.filter(
      (path) =>
        !/^dist\/(cli|core|http|ledger|protocol|proxy|react|server)\//.test(path) &&
        !['README.md', 'LICENSE', 'package.json'].includes(path),
    )
    expect(outside).toEqual([])
    for (const entry of [
      'dist/react/index.js',
      'dist/react/styles.css',
      'dist/react/styles.css.d.ts',
      'dist/react/vendor/THIRD-PARTY-LICENSES.txt',
      'dist/core/verify/verify-worker.js',
      'dist/protocol/filters.js',
      'dist/cli/cli.js',
      'dist/proxy/index.d.ts',
      'LICENSE',
    ]) {
      expect(packed.files).toContain(entry)
    }
  })

  it('names its home, and carries no field that only this repository’s development uses', () => {
    expect(manifest).toMatchObject({
      repository: { type: 'git', url: 'git+https://github.com/auditlens/auditlens.git' },
      homepage: 'https://github.com/auditlens/auditlens#readme',
      bugs: { url: 'https://github.com/auditlens/auditlens/issues' },
    })
    expect((manifest.keywords as string[]).length).toBeGreaterThan(3)
    expect(manifest).not.toHaveProperty('allowScripts')
    expect(manifest).not.toHaveProperty('msw')
  })

  it('has a README whose links work on the registry page (absolute, or anchors)', () => {
    const targets = [...readme.matchAll(/!?\[[^\]]*\]\(([^)\s]+)[^)]*\)/g)].map((match) => match[1]!)
    expect(targets.length).toBeGreaterThan(0)
    expect(targets.filter((target) => !/^(https:\/\/|#)/.test(target))).toEqual([])
  })

  it('states its own size in the README, to within 15%', () => {
    const stated = /packed tarball is about ([\d.]+) kB \(([\d.]+) kB unpacked\)/.exec(readme)
    expect(stated, 'README: "packed tarball is about N kB (M kB unpacked)"').not.toBeNull()
    expect(Math.abs(Number(stated![1]) * 1000 - packed.size) / packed.size).toBeLessThan(0.15)
    expect(Math.abs(Number(stated![2]) * 1000 - packed.unpackedSize) / packed.unpackedSize).toBeLessThan(0.15)
  })
})

describe('installing the package', () => {
  it('pulls in no React, no React library and no install script, however deep', () => {
    const seen = new Map<string, Manifest>()
    const visit = (name: string, fromDir: string) => {
      if (seen.has(name)) return
      const { dir, manifest } = installedManifest(name, fromDir)
      seen.set(name, manifest)
      for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency, dir)
    }
    for (const dependency of Object.keys((manifest as Manifest).dependencies ?? {})) visit(dependency, REPO)

    expect([...seen.keys()].filter((name) => /react|sqlite/.test(name))).toEqual([])
    // npm 7+ installs the peer dependencies of dependencies unless they are optional.
    const requiredPeers = [...seen].flatMap(([name, m]) =>
      Object.keys(m.peerDependencies ?? {})
        .filter((peer) => !m.peerDependenciesMeta?.[peer]?.optional)
        .map((peer) => `${name} -> ${peer}`),
    )
    expect(requiredPeers).toEqual([])
    const installScripts = [...seen].filter(([, m]) =>
      ['preinstall', 'install', 'postinstall'].some((s) => m.scripts?.[s]),
    )
    expect(installScripts.map(([name]) => name)).toEqual([])
  })

  it('leaves React and better-sqlite3 to optional peers, so npm installs them only when asked', () => {
    const peers = (manifest as Manifest).peerDependencies ?? {}
    expect(Object.keys(peers).sort()).toEqual(['better-sqlite3', 'react', 'react-dom'])
    for (const peer of Object.keys(peers))
      expect((manifest as Manifest).peerDependenciesMeta?.[peer]?.optional).toBe(true)
  })
})

describe('a project without better-sqlite3', () => {
  let project: string
  beforeAll(async () => {
    const dependencies = runtimeDependencies(await consumerProject(packed.tarball, []))
    project = await consumerProject(
      packed.tarball,
      dependencies.filter((name) => name !== 'better-sqlite3'),
    )
  }, 60_000)

  it('loads auditlens/server, for the node:http adapter and the proxy', async () => {
    const script = join(project, 'check.mjs')
    writeFileSync(
      script,
      "const server = await import('auditlens/server'); console.log(typeof server.toNodeHandler, typeof server.createAuditProxy)",
    )
    const { stdout } = await run(process.execPath, [script], { cwd: project })
    expect(stdout.trim()).toBe('function function')
  })

  it('runs `auditlens verify`, and `auditlens serve` fails with the command that installs the ledger', async () => {
    const bin = join(project, 'node_modules/auditlens/dist/cli/cli.js')
    const empty = join(mkdtempSync(join(tmpdir(), 'auditlens-empty-')), 'empty.ndjson')
    writeFileSync(empty, '')
    await expect(run(process.execPath, [bin, 'verify', empty, '--allow-empty'], { cwd: project })).resolves.toBeTruthy()

    const failure = await run(process.execPath, [bin, 'serve', '--port', '0'], { cwd: project }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    )
    expect(failure?.code).toBe(1)
    expect(failure?.stderr).toMatch(/^auditlens: .*needs better-sqlite3.*npm install better-sqlite3/)
    expect(failure?.stderr).not.toMatch(/\n\s+at /)
  })
})

describe('the built React entry', () => {
  it('loads as ESM with React external (the bundled React libraries make no runtime require)', async () => {
    const project = await consumerProject(packed.tarball, [
      'react',
      'react-dom',
      '@noble/ed25519',
      '@noble/hashes',
      'jose',
    ])
    const script = join(project, 'check.mjs')
    writeFileSync(
      script,
      [
        "import { createElement } from 'react'",
        "import { renderToString } from 'react-dom/server'",
        "import { AuditLog, AuditLogProvider } from 'auditlens'",
        // The lazily loaded dialog's bundle, which renderToString does not reach.
        "const dialog = await import('./node_modules/auditlens/dist/react/vendor/dialog.js')",
        "if (typeof dialog.Root !== 'function') throw new Error('no Dialog.Root')",
        "const html = renderToString(createElement(AuditLogProvider, { baseUrl: '/api/audit', trustedKeys: [] }, createElement(AuditLog)))",
        'console.log(html.includes("al-root"))',
      ].join('\n'),
    )
    const { stdout } = await run(process.execPath, [script], { cwd: project })
    expect(stdout.trim()).toBe('true')
  })
})

describe('the msw worker committed for Storybook', () => {
  it('matches the installed msw, since msw no longer updates it on install', () => {
    const worker = readFileSync(join(REPO, '.storybook/public/mockServiceWorker.js'), 'utf8')
    const installed = JSON.parse(readFileSync(join(REPO, 'node_modules/msw/package.json'), 'utf8')) as {
      version: string
    }
    expect(/PACKAGE_VERSION = '([^']+)'/.exec(worker)?.[1], 'run: npx msw init .storybook/public --no-save').toBe(
      installed.version,
    )
  })
})
