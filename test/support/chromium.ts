/**
 * Debian's Chromium as every browser-driving test and benchmark launches it. The flags keep
 * it from reaching for the network at start (this machine has none) and from needing a
 * sandbox or GPU.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
