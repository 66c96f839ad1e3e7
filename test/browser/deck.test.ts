// The built deck in a real browser, as on a stage without network: build it, serve dist/ on
// 127.0.0.1, and walk every slide with the arrow key, as a speaker would, in the audience view and
// then in the presenter view. Fails on any console error, page error, request that leaves the
// machine, or content overflowing the slide frame.
//
// Needs Chromium (see scripts/chromium.ts); run with `npm run test:browser`, not part of `npm test`.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { REPO_ROOT } from '../../bench/steps.ts'
import { loadDeck, type DeckSlide } from '../helpers/deck.ts'
import { launchWatched, type WatchedBrowser } from './browser.ts'
import { findOverflow, waitForSlide } from './slide-checks.ts'
import { serveStatic, type StaticServer } from './static-server.ts'

const DIST = join(REPO_ROOT, 'dist')

describe('the built deck, slide by slide', () => {
  let slides: DeckSlide[]
  let site: StaticServer
  let browser: WatchedBrowser

  before(async () => {
    slides = await loadDeck()
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/@slidev/cli/bin/slidev.mjs'), 'build', '--out', DIST], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    })
    assert.equal(build.status, 0, `slidev build failed:\n${build.stdout}\n${build.stderr}`)
    site = await serveStatic(DIST)
    browser = await launchWatched()
    // Slide transitions off for the walk (half a second per slide otherwise): the test is about
    // what each slide shows, and the transition CSS still loads and runs, just in no time.
    await browser.page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        const style = document.createElement('style')
        style.textContent = ':root { --slidev-transition-duration: 0s !important; }'
        document.head.append(style)
      })
    })
  })

  after(async () => {
    await browser?.close()
    await site?.close()
  })

  /**
   * Opens `${view}/1`, then presses → until each next slide is on screen, as a speaker would: a
   * slide with clicks (line highlights stepping through code) takes one press per click first, and
   * Slidev records each click in the URL (`?clicks=N`). Calls `check` on each slide once it is settled.
   */
  async function walk(view: '' | '/presenter', check: (slide: DeckSlide) => Promise<void>): Promise<void> {
    const { page, quiet } = browser
    await page.goto(`${site.url}${view}/1`, { waitUntil: 'load' })
    for (const slide of slides) {
      if (slide.no > 1) {
        const target = `${view}/${slide.no}`
        for (let press = 1; new URL(page.url()).pathname !== target; press++) {
          assert.ok(press <= 20, `slide ${slide.no - 1}: still not on ${target} after 20 presses of →`)
          const before = page.url()
          await page.keyboard.press('ArrowRight')
          await page.waitForURL((url) => url.href !== before, { timeout: 10_000 })
        }
      }
      await waitForSlide(page, slide.no, quiet)
      await check(slide)
    }
  }

  test('audience view: every slide renders with no error, no off-machine request and no overflow', async () => {
    const overflow: string[] = []
    await walk('', async (slide) => {
      for (const issue of await findOverflow(browser.page, slide.no)) overflow.push(`slide ${slide.no} (${slide.title}): ${issue}`)
    })
    const report = [...browser.problems.map((p) => `${p.where}: ${p.what}`), ...overflow]
    assert.deepEqual(report, [], `\n${report.join('\n')}`)
  })

  test('presenter view: every slide with its notes, no error', async () => {
    const start = browser.problems.length
    await walk('/presenter', async (slide) => {
      const notes = await browser.page.locator('.slidev-note').first().textContent()
      assert.ok(notes && notes.trim().length > 0, `slide ${slide.no} shows no presenter notes`)
    })
    const report = browser.problems.slice(start).map((p) => `${p.where}: ${p.what}`)
    assert.deepEqual(report, [], `\n${report.join('\n')}`)
  })

  test('a deep link opens its slide, and the site has exactly as many slides as the source', async () => {
    const { page, quiet } = browser
    await page.goto(`${site.url}/${slides.length}`, { waitUntil: 'load' })
    await waitForSlide(page, slides.length, quiet)
    assert.equal(await page.locator(`[data-slidev-no="${slides.length + 1}"]`).count(), 0)
  })

  test('the fonts are the deck\'s own, loaded from the build', async () => {
    const { page } = browser
    const start = browser.problems.length
    // document.fonts.load fetches the faces (from dist/, or it would be caught as leaving the
    // machine) and resolves to the faces it loaded: none means the family is not there at all.
    const loaded = await page.evaluate(async () => {
      const result: [string, number][] = []
      for (const family of ['Nunito Sans', 'Fira Code']) result.push([family, (await document.fonts.load(`16px "${family}"`)).length])
      return result
    })
    for (const [family, faces] of loaded) assert.ok(faces > 0, `${family}: no font face loaded`)
    assert.deepEqual(browser.problems.slice(start), [])
  })
})
