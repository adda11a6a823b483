/**
 * Part of `npm run build`, after tsc: replaces dist/react/vendor/*.js (re-exports of TanStack
 * Table and Radix Dialog) with esbuild bundles of those libraries, React left
 * external, and writes their licence texts next to them. The React libraries are then not
 * dependencies of the package, so a server-only install gets no React: npm 7+ installs the
 * peer dependencies of dependencies, and each of these libraries has a peer `react`.
 */
import { build, type Plugin } from 'esbuild'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

const REACT = ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/*']

/**
 * use-sync-external-store (under TanStack's store) is CommonJS and calls `require('react')`. In
 * an ESM bundle an external `require` becomes a runtime "Dynamic require of react is not
 * supported" error, so it is served a CommonJS view of an ESM import of react instead
 * (esbuild issue #1921).
 */
const requireReactAsImport: Plugin = {
  name: 'require-react-as-import',
  setup(build) {
    build.onResolve({ filter: /^react(-dom)?$/ }, (args) =>
      args.kind === 'require-call' ? { path: args.path, namespace: 'react-as-cjs' } : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: 'react-as-cjs' }, (args) => ({
      contents: `import * as namespace from ${JSON.stringify(args.path)}; module.exports = namespace`,
      resolveDir: '.',
    }))
  },
}

const result = await build({
  entryPoints: ['src/react/vendor/table.ts', 'src/react/vendor/dialog.ts'],
  outdir: 'dist/react/vendor',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  target: 'es2022',
  external: REACT,
  plugins: [requireReactAsImport],
  // The licences are in THIRD-PARTY-LICENSES.txt beside the bundles; inline copies would survive
  // every consumer's minifier and ship in each page (0.2 kB gzip of the page's first download).
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
})

// Declarations of the re-exports would name packages that consumers do not have; the public
// declarations use local types instead (ColumnVisibility), so nothing imports these.
for (const file of readdirSync('dist/react/vendor')) {
  if (file.endsWith('.d.ts')) rmSync(join('dist/react/vendor', file))
}

/** The package.json directory that holds a bundled input file. */
function packageDir(input: string): string | undefined {
  for (let dir = dirname(input); dir !== '.' && dir !== '/'; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && dirname(dir).endsWith('node_modules')) return dir
    if (existsSync(join(dir, 'package.json')) && dirname(dirname(dir)).endsWith('node_modules')) return dir
  }
  return undefined
}

// MIT and ISC ask that the notice travel with every copy, bundled copies included.
const packages = new Set<string>()
for (const input of Object.keys(result.metafile.inputs)) {
  const dir = input.includes('node_modules/') ? packageDir(input) : undefined
  if (dir) packages.add(dir)
}
const notices = [...packages].sort().map((dir) => {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string }
  const licence = readdirSync(dir).find((file) => /^licen[cs]e/i.test(file))
  const text = licence
    ? readFileSync(join(dir, licence), 'utf8').trim()
    : `License: see ${manifest.name}'s package.json`
  return `${manifest.name}@${manifest.version}\n\n${text}\n`
})
writeFileSync(
  'dist/react/vendor/THIRD-PARTY-LICENSES.txt',
  `The files in this folder bundle the following packages.\n\n${notices.join('\n---\n\n')}`,
)
