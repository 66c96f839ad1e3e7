// `npm run export`: the talk (slides.md) as a PDF, one page per slide, rendered by the system
// Chromium; `npm run export -- --workshop` the workshop (workshop.md).
//
// This is `slidev export --executable-path <chromium>` plus two things Slidev does not do itself:
// find the browser (scripts/chromium.ts; a missing one is a one-line error, exit 1), and let
// Slidev's exporter load `playwright-core` under the name `playwright-chromium` it asks for
// (scripts/playwright-alias.mjs). Any other arguments go to `slidev export` as they are, e.g.
//   npm run export -- --output talk.pdf
//   npm run export -- --format png --per-slide

import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { MISSING_CHROMIUM, findChromium } from './chromium.ts'

const chromium = findChromium()
if (chromium === undefined) {
  console.error(`export: ${MISSING_CHROMIUM}`)
  process.exit(1)
}

// `--workshop` picks the deck; everything else goes to `slidev export` unchanged.
const args = process.argv.slice(2)
const entry = args.includes('--workshop') ? 'workshop.md' : 'slides.md'
const rest = args.filter((a) => a !== '--workshop')

const slidev = createRequire(import.meta.url).resolve('@slidev/cli/bin/slidev.mjs')
const alias = fileURLToPath(new URL('./playwright-alias.mjs', import.meta.url))
const child = spawn(
  process.execPath,
  ['--import', alias, slidev, 'export', entry, '--executable-path', chromium, ...rest],
  {
    stdio: 'inherit',
  },
)
// Pass Ctrl-C on to Slidev (it stops its server and the browser), then exit as it does.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
