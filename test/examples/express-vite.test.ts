/**
 * examples/express-vite, its page built with `vite build` from the packed tarball and served by
 * its Express server with the proxy mounted through `toNodeHandler`, driven in Chromium.
 */
import { describe } from 'vitest'
import { hostAppChecks } from './host-app.js'
import { exampleEnv, freePort, prepareExample, startApp } from './support.js'

describe('examples/express-vite (Express 5 + Vite)', () => {
  hostAppChecks(async () => {
    const dir = await prepareExample('express-vite', ['npm', 'run', 'build'])
    return {
      dir,
      async start(ledger) {
        const port = await freePort()
        const origin = `http://127.0.0.1:${port}`
        return startApp([process.execPath, 'server.js'], { cwd: dir, env: exampleEnv(ledger, port), origin })
      },
    }
  })
})
