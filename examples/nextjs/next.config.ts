import type { NextConfig } from 'next'

// As create-next-app 16 writes it: the page prerenders its static shell, and the part that
// reads the session cookie streams in per request (app/page.tsx).
const nextConfig: NextConfig = { cacheComponents: true }

export default nextConfig
