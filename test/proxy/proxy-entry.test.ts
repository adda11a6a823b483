/**
 * `auditlens/server/proxy` must load where there is no Node: bundled for a neutral platform, it
 * may reach neither a `node:` module nor the ledger's SQLite, only Web APIs and jose.
 */
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

describe('auditlens/server/proxy', () => {
  it('bundles for a runtime without Node: no node: modules, no better-sqlite3, no ledger database', async () => {
    const result = await build({
      entryPoints: ['src/proxy/index.ts'],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      format: 'esm',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs).toContain('src/proxy/proxy.ts')
    expect(inputs.filter((path) => /^node:|better-sqlite3|ledger\/(database|ledger)\.ts/.test(path))).toEqual([])
  })
})
