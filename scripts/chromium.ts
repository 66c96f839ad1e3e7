// Finding the browser for the deck's tests and its PDF export.
//
// The project never downloads a browser (`npx playwright install` cannot reach its CDN from the
// machines this is built on): it drives a system Chromium with `playwright-core`. On Debian and
// Ubuntu that is `apt-get install -y chromium`; elsewhere point CHROMIUM_PATH at a Chrome or
// Chromium binary.

import { existsSync } from 'node:fs'

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
]

/**
 * Flags for a quiet, offline, disposable browser: no sandbox (CI runs as root in a container),
 * no GPU, and none of the background traffic a fresh profile would otherwise start
 * (component updates, sync, first-run pages), so any request the tests see comes from the deck.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The Chromium to use: $CHROMIUM_PATH if set, else the first known install found, else undefined. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined
  return CANDIDATES.find((path) => existsSync(path))
}

export const MISSING_CHROMIUM =
  'Chromium not found: install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH to a ' +
  'Chrome/Chromium binary'

/** Like findChromium, but a missing browser is an error, never a silent skip. */
export function requireChromium(): string {
  const path = findChromium()
  if (path === undefined) throw new Error(MISSING_CHROMIUM)
  return path
}
