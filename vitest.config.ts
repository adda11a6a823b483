import { existsSync } from 'node:fs'
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/support/chromium.js'
import { integrityCommands } from './test/support/integrity-commands.js'

/**
 * Three projects: node (core and server: real HTTP, real SQLite), dom (components in jsdom
 * with Testing Library) and browser (components in real Chromium: layout, virtualization,
 * focus, axe). The browser project runs when a Chromium is found; CI installs one and sets
 * AUDITLENS_REQUIRE_BROWSER so a missing browser fails instead of skipping.
 */
const chromiumPath = CHROMIUM_PATH
const haveChromium = existsSync(chromiumPath)
if (!haveChromium) {
  const message = `Chromium not found at ${chromiumPath} (set CHROMIUM_PATH): the browser tests are skipped.`
  if (process.env.AUDITLENS_REQUIRE_BROWSER) throw new Error(message)
  console.warn(`\n[auditlens] ${message}\n`)
}

/** Browser-mode settings; each project gets its own instance, as Vitest needs unique names. */
const browser = (name: string) => ({
  enabled: true,
  headless: true,
  provider: playwright({
    launchOptions: {
      executablePath: chromiumPath,
      args: CHROMIUM_ARGS,
    },
  }),
  instances: [{ browser: 'chromium' as const, name: `${name} (chromium)` }],
})

const browserProjects = [
  {
    // The npm start demo, driven end to end by playwright-core in Debian's Chromium.
    extends: true as const,
    test: {
      name: 'e2e',
      environment: 'node' as const,
      include: ['test/e2e/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  },
  {
    // examples/: each host app built from the packed tarball and driven in the same Chromium.
    extends: true as const,
    test: {
      name: 'examples',
      environment: 'node' as const,
      include: ['test/examples/**/*.test.ts'],
      globalSetup: ['test/examples/global-setup.ts'],
      testTimeout: 60_000,
      // A clean run installs each example from the registry and builds it in beforeAll.
      hookTimeout: 300_000,
    },
  },
  {
    extends: true as const,
    test: {
      name: 'browser',
      include: ['test/**/*.browser.test.{ts,tsx}'],
      setupFiles: ['test/react/browser-setup.ts'],
      // Real ledgers for the integrity tests, driven from the page (they run in Node).
      browser: { ...browser('browser'), commands: integrityCommands },
    },
  },
  {
    // Every story renders (and its play function runs) as a test in the same Chromium.
    extends: true as const,
    plugins: [storybookTest({ configDir: '.storybook' })],
    test: { name: 'storybook', browser: browser('storybook') },
  },
]

export default defineConfig({
  // Pre-bundled up front: discovering these mid-run makes Vite reload the browser tests.
  optimizeDeps: {
    include: [
      'react',
      'react-dom',
      'react-dom/client',
      'react/jsx-dev-runtime',
      'react/jsx-runtime',
      '@testing-library/react',
      '@testing-library/user-event',
      '@testing-library/jest-dom/vitest',
      'axe-core',
      '@radix-ui/react-dialog',
      '@tanstack/react-table',
      '@noble/ed25519',
      '@noble/hashes/sha2.js',
      '@noble/hashes/utils.js',
    ],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'test/core/**/*.test.ts',
            'test/protocol/**/*.test.ts',
            'test/http/**/*.test.ts',
            'test/proxy/**/*.test.ts',
            'test/server/**/*.test.ts',
            'test/ledger/**/*.test.ts',
            'test/cli/**/*.test.ts',
            'test/demo/**/*.test.ts',
            'test/package/**/*.test.ts',
          ],
          exclude: ['test/**/*.browser.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['test/react/**/*.test.tsx', 'test/demo/**/*.test.tsx'],
          exclude: ['test/**/*.browser.test.tsx'],
          setupFiles: ['test/react/setup.ts'],
        },
      },
      ...(haveChromium ? browserProjects : []),
    ],
  },
})
