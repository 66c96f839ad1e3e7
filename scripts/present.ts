// `npm run present [-- --workshop] [--port N]`: the dev server for a talk on stage. It checks the
// port first (one line and exit 1 when it is taken, instead of Slidev moving to the next port),
// starts `slidev` for the chosen deck on loopback, then warms it: every slide's module is
// requested once, so Vite has compiled each slide (markdown, code imports, diagrams) before the
// presenter opens the first page, and one headless visit of the presenter view, when a Chromium is
// installed, compiles the rest of the app. Then it prints the two addresses and the live runs the
// deck can start, and stays up until Ctrl-C. (`npm run prepresent` has checked Node.)

import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { REPO_ROOT } from '../bench/repo-root.ts'
import { readFlagsOrExit } from '../examples/shared/flags.ts'
import { DECKS, loadDeck } from '../test/helpers/deck.ts'
import { CHROMIUM_ARGS, findChromium } from './chromium.ts'
import { slideTime } from './talk-time.ts'

const { flags } = readFlagsOrExit('present', {
  workshop: { kind: 'bool', help: 'the workshop (workshop.md) instead of the talk (slides.md)' },
  port: { kind: 'int', default: 3030, min: 1, max: 65535, help: 'the port to serve on (localhost)' },
})
const deck = flags.workshop ? 'workshop' : 'talk'
const port = flags.port

const free = spawn(process.execPath, [join(REPO_ROOT, 'scripts/check-port.mjs'), String(port)], { stdio: 'inherit' })
const code = await new Promise<number | null>((resolve) => free.on('exit', (exit) => resolve(exit)))
if (code !== 0) process.exit(1)

const slides = await loadDeck(deck)
const url = `http://localhost:${port}`
const started = Date.now()
const slidev = spawn(
  process.execPath,
  [join(REPO_ROOT, 'node_modules/@slidev/cli/bin/slidev.mjs'), DECKS[deck], '--port', String(port)],
  { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => slidev.kill(signal))
slidev.on('exit', (exit, signal) => process.exit(exit ?? (signal ? 0 : 1)))

// Up once it serves the page.
for (;;) {
  try {
    if ((await fetch(`${url}/`)).ok) break
  } catch {
    // not listening yet
  }
  if (Date.now() - started > 120_000) {
    console.error(`present: slidev did not serve ${url} within 2 minutes`)
    slidev.kill('SIGTERM')
    process.exit(1)
  }
  await new Promise((resolve) => setTimeout(resolve, 250))
}

// Every slide's module, as the client imports it: `<file>__slidev_<no>.md` (Slidev's own ids).
const warm = Date.now()
for (const slide of slides) {
  const response = await fetch(`${url}/@fs${slide.filepath}__slidev_${slide.no}.md`)
  await response.arrayBuffer()
  if (!response.ok) console.error(`present: slide ${slide.no} did not compile (${response.status})`)
}
const modulesMs = Date.now() - warm

// The presenter view once, headless: the app, the layouts and every component the deck uses.
const executablePath = findChromium()
let browserMs: number | undefined
/** Slides the warm-up saw no rendering of within a minute each. */
const slow: number[] = []
if (executablePath !== undefined) {
  const start = Date.now()
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
    await page.goto(`${url}/presenter/1`, { waitUntil: 'load' })
    for (const slide of slides) {
      // In-app, as a presenter's → would: Slidev's dev build exposes its navigation on window.
      await page.evaluate((no) => {
        const slidev = (window as unknown as { __slidev__?: { nav: { go(no: number): unknown } } }).__slidev__
        return slidev?.nav.go(no)
      }, slide.no)
      // Rendered: the slide is there and no part of it is still loading.
      const rendered = (n: number) => {
        const el = document.querySelector(`[data-slidev-no="${n}"]`)
        return el !== null && el.querySelector('.slidev-slide-loading') === null
      }
      await page.waitForFunction(rendered, slide.no, { timeout: 60_000 }).catch(() => slow.push(slide.no))
    }
  } finally {
    await browser.close()
  }
  browserMs = Date.now() - start
}

const runs = slides.flatMap((s) =>
  slideTime(s).runs.map(
    (r) => `  slide ${s.no}: ▶ ${r.what}, ${r.ms === null ? 'a moment' : `${(r.ms / 1000).toFixed(0)} s`}`,
  ),
)
console.log(
  [
    '',
    `present: the ${deck} is warm (${slides.length} slide modules in ${(modulesMs / 1000).toFixed(1)} s` +
      (browserMs === undefined
        ? '; no Chromium found for the presenter view'
        : `, the presenter view in ${(browserMs / 1000).toFixed(1)} s`) +
      ')',
    `  presenter view: ${url}/presenter/1   (notes, timer, the ▶ buttons)`,
    `  audience window: ${url}/1            (on the projector)`,
    `  live runs (recorded wall time):`,
    ...runs,
    ...(slow.length > 0
      ? [`  not seen rendered while warming: slides ${slow.join(', ')} (open them once by hand)`]
      : []),
    '  Shift+L switches every chart between the last live run and the recording. Ctrl-C stops.',
  ].join('\n'),
)
