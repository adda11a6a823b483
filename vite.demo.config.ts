/**
 * Builds the demo host app (examples/demo/app) that `npm start` serves, into the folder beside
 * the demo server that `tsc -p tsconfig.demo.json` compiles (dist-demo/examples/demo).
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

export default defineConfig({
  root: fileURLToPath(new URL('./examples/demo/app', import.meta.url)),
  publicDir: false,
  logLevel: 'error', // rolldown warns that 'use client' directives are dropped from the bundle: expected for an app
  build: {
    outDir: fileURLToPath(new URL('./dist-demo/examples/demo/app', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
})
