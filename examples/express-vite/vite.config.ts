import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

/** Where `npm run dev:server` listens (server.js reads the same PORT). */
const api = `http://127.0.0.1:${process.env.PORT ?? 3000}`

export default defineConfig({
  plugins: [react()],
  server: {
    // In development the page comes from Vite and /api and /session from the Express server.
    // changeOrigin must stay false: the proxy compares the browser's Origin with the Host it
    // receives, and a rewritten Host makes every POST /api/audit/token a 403.
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/session': { target: api, changeOrigin: false },
    },
  },
})
