// `npm run screenshot -- 21 32 [--workshop] [--dark] [--out DIR]`: PNGs of chosen slides of the
// built talk, or with `--workshop` of the built workshop (`npm run build` first builds both), as the
// audience sees them, for looking at a slide after a change. It serves dist/ on 127.0.0.1 and drives
// the system Chromium, like the browser tests; `--dark` switches Slidev's colour mode first. With
// no slide numbers it shoots every slide.
//
// (`npm run export -- --format png --per-slide` makes the same pictures through Slidev's exporter,
// in light mode only and more slowly.)

import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { readFlagsOrExit } from '../examples/shared/flags.ts'
import { REPO_ROOT } from '../bench/repo-root.ts'
import { launchWatched } from '../test/browser/browser.ts'
import { waitForSlide } from '../test/browser/slide-checks.ts'
import { serveStatic } from '../test/browser/static-server.ts'
import { loadDeck } from '../test/helpers/deck.ts'

function fail(message: string): never {
  console.error(`screenshot: ${message}`)
  process.exit(2)
}

const { flags: values, positionals } = readFlagsOrExit(
  'screenshot',
  {
    dark: { kind: 'bool', help: "switch Slidev's colour mode to dark first" },
    workshop: { kind: 'bool', help: 'the workshop (dist/workshop/) instead of the talk (dist/)' },
    out: { kind: 'text', default: 'screenshots', value: 'DIR', help: 'where the PNGs go' },
  },
  { usage: 'usage: npm run screenshot -- [slide numbers...] [flags]   (no numbers: every slide)', positionals: true },
)
const deck = values.workshop ? 'workshop' : 'talk'
const base = values.workshop ? '/workshop' : ''
const count = (await loadDeck(deck)).length
const wanted = positionals.length > 0 ? positionals.map(Number) : Array.from({ length: count }, (_, i) => i + 1)
for (const no of wanted)
  if (!Number.isInteger(no) || no < 1 || no > count) fail(`no slide ${no} (the deck has 1 to ${count})`)

const out = resolve(values.out)
mkdirSync(out, { recursive: true })
const site = await serveStatic(join(REPO_ROOT, 'dist'))
const browser = await launchWatched()
try {
  const { page } = browser
  await page.goto(`${site.url}${base}/1`, { waitUntil: 'load' })
  if (values.dark) {
    // Slidev keeps its colour mode in localStorage under this key (useDark from @vueuse).
    await page.evaluate(() => localStorage.setItem('slidev-color-schema', 'dark'))
  }
  for (const no of wanted) {
    await page.goto(`${site.url}${base}/${no}`, { waitUntil: 'load' })
    await waitForSlide(page, no, browser.quiet)
    const name = `${values.workshop ? 'workshop-' : ''}${String(no).padStart(2, '0')}${values.dark ? '-dark' : ''}`
    const file = join(out, `${name}.png`)
    await page.screenshot({ path: file })
    console.log(file)
  }
  for (const problem of browser.problems) console.error(`screenshot: ${problem.where}: ${problem.what}`)
} finally {
  await browser.close()
  await site.close()
}
