/** Builds the demo host app (src/demo/app) that `npm start` serves. */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

export default defineConfig({
  root: fileURLToPath(new URL('./src/demo/app', import.meta.url)),
  publicDir: false,
  logLevel: 'error', // rolldown warns that 'use client' directives are dropped from the bundle: expected for an app
  build: {
    outDir: fileURLToPath(new URL('./dist/demo/app', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
})
