/**
 * examples/nextjs, built from the packed tarball with `next build` (no secrets in the build's
 * environment) and run with `next start`, driven in Chromium. Its server component fetches the
 * log's token and first page, so the rows are in the HTML.
 */
import { describe } from 'vitest'
import { hostAppChecks } from './host-app.js'
import { exampleEnv, freePort, prepareExample, startApp } from './support.js'

describe('examples/nextjs (App Router, node runtime)', () => {
  hostAppChecks(
    async () => {
      const dir = await prepareExample('nextjs', ['npm', 'run', 'build'])
      return {
        dir,
        async start(ledger) {
          const port = await freePort()
          const origin = `http://127.0.0.1:${port}`
          return startApp(['node_modules/.bin/next', 'start', '-H', '127.0.0.1', '-p', String(port)], {
            cwd: dir,
            env: exampleEnv(ledger, port),
            origin,
          })
        },
      }
    },
    { serverRendersFirstPage: true },
  )
})
