// The built decks in a real browser, as on a stage without network: build the talk (dist/) and the
// workshop (dist/workshop/), serve them on 127.0.0.1, and walk every slide of each with the arrow
// key, as a speaker would, in the audience view and then in the presenter view. Fails on any console
// error, page error, request that leaves the machine, or content overflowing the slide frame. The
// bench components and runtime pictures are checked in the workshop, which has every slide.
//
// Needs Chromium (see scripts/chromium.ts); run with `npm run test:browser`, not part of `npm test`.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { readFileSync } from 'node:fs'
import type { BenchComparison } from '../../bench/types.ts'
import { representativeIndex, WATCHES, type WatchRecording } from '../../bench/watch/watch.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import type { StallRecord } from '../../recordings/stall.ts'
import { count, DASH, doneOfAsked, duration, latencyDuration, perSecond } from '../../bench/format.ts'
import { binaryTotal } from '../../components/cards/units.ts'
import { overloadFigures } from '../../bench/kinds/overload.ts'
import type { BenchSweep } from '../../bench/report/sweep-result.ts'
import { DECKS, loadDeck, type DeckSlide } from '../helpers/deck.ts'
import { launchWatched, type WatchedBrowser } from './browser.ts'
import { findOverflow, waitForSlide } from './slide-checks.ts'
import { serveStatic, type StaticServer } from './static-server.ts'

const DIST = join(REPO_ROOT, 'dist')

for (const deck of ['talk', 'workshop'] as const) {
  // The workshop is built under /workshop/, beside the talk, as `npm run build` does.
  const base = deck === 'workshop' ? '/workshop' : ''
  describe(`the built ${deck}, slide by slide`, () => {
    let slides: DeckSlide[]
    let site: StaticServer
    let browser: WatchedBrowser

    before(async () => {
      slides = await loadDeck(deck)
      const out = join(DIST, base)
      const build = spawnSync(
        process.execPath,
        [
          join(REPO_ROOT, 'node_modules/@slidev/cli/bin/slidev.mjs'),
          'build',
          DECKS[deck],
          '--out',
          out,
          '--base',
          `${base}/`,
        ],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          timeout: 180_000,
        },
      )
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
      await page.goto(`${site.url}${base}${view}/1`, { waitUntil: 'load' })
      for (const slide of slides) {
        if (slide.no > 1) {
          const target = `${base}${view}/${slide.no}`
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
        for (const issue of await findOverflow(browser.page, slide.no))
          overflow.push(`slide ${slide.no} (${slide.title}): ${issue}`)
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
      await page.goto(`${site.url}${base}/${slides.length}`, { waitUntil: 'load' })
      await waitForSlide(page, slides.length, quiet)
      assert.equal(await page.locator(`[data-slidev-no="${slides.length + 1}"]`).count(), 0)
    })

    // Every component is on a workshop slide; the talk shows a few of them.
    if (deck === 'workshop')
      test('the bench components show the recorded results from bench/results/, with no run button', async () => {
        const { page, quiet } = browser
        const start = browser.problems.length
        const recorded = (scenario: string) =>
          JSON.parse(readFileSync(join(REPO_ROOT, 'bench/results', `${scenario}.json`), 'utf8')) as BenchComparison
        const find = (scenario: string, step: string) => recorded(scenario).results.find((r) => r.step?.id === step)
        const open = async (needle: string) => {
          const slide = slides.find((s) => s.content.includes(needle))
          assert.ok(slide, `a slide with ${needle}`)
          await page.goto(`${site.url}${base}/${slide.no}`, { waitUntil: 'load' })
          await waitForSlide(page, slide.no, quiet)
          return page.locator(`[data-slidev-no="${slide.no}"]`)
        }

        // Step 1 under drill: the final table of the recorded run.
        const stepOne = find('drill', '1')!
        const live = (await open('<LiveBench step="1"')).locator('[data-live-bench]')
        assert.equal(await live.getAttribute('data-source'), 'recorded')
        assert.equal(
          await live.locator('[data-field="done"]').textContent(),
          `${doneOfAsked(stepOne.done, stepOne.asked)}${stepOne.partial ? ` (cap ${stepOne.options.capS} s)` : ''}`,
        )
        assert.equal(await live.locator('[data-field="rate"]').textContent(), perSecond(stepOne.metrics.throughput))
        assert.equal(
          await live.locator('[data-field="p99"]').textContent(),
          latencyDuration(stepOne.metrics.latency, 'p99'),
        )
        assert.ok(Number(await live.getAttribute('data-points')) > 0, 'the recorded timeline is drawn')

        // Every BenchCompare: each recorded step's bars carry its numbers; a step not recorded says so.
        for (const [needle, scenario, steps] of [
          [`<BenchCompare scenario="drill" :steps="['2', '2-pool']"`, 'drill', ['2', '2-pool']],
          [`<BenchCompare scenario="cpu-mix" :steps="['3', '5', 'piscina']"`, 'cpu-mix', ['3', '5', 'piscina']],
          [`<BenchCompare scenario="cpu-mix" :steps="['3', '5', '6']"`, 'cpu-mix', ['3', '5', '6']],
          [
            `<BenchCompare scenario="drill" :steps="['1', '2', '3', '4', '5', '6']" />`,
            'drill',
            ['1', '2', '3', '4', '5', '6'],
          ],
        ] as const) {
          const compare = (await open(needle)).locator('[data-bench-compare]')
          assert.equal(await compare.getAttribute('data-source'), 'recorded')
          for (const step of steps) {
            const r = find(scenario, step)
            const rate = await compare.locator(`[data-field="rate"][data-step="${step}"]`).textContent()
            if (r === undefined) {
              assert.match(rate ?? '', /not recorded yet/)
              continue
            }
            assert.equal(rate, perSecond(r.metrics.throughput), `${scenario} step ${step}`)
            // A p99 that counts requests left unanswered by a cut run reads "≥ …", and the bar is hatched.
            const latency = scenario === 'cpu-mix' ? r.probe?.latency : r.metrics.latency
            assert.equal(
              await compare.locator(`[data-field="p99"][data-step="${step}"]`).textContent(),
              latencyDuration(latency, 'p99'),
              `${scenario} step ${step}`,
            )
          }
        }

        // Step 1 on drill needs 150 s and is always cut by the cap: its bars are hatched, the legend says why.
        assert.ok(stepOne.partial, 'step 1 on drill is cut by the cap')
        const all = (await open(`<BenchCompare scenario="drill" :steps="['1', '2', '3', '4', '5', '6']" />`)).locator(
          '[data-bench-compare]',
        )
        assert.equal(await all.locator('[data-step="1"][data-field="p99"] .fill.cut').count(), 1)
        assert.equal(await all.locator('[data-field="cut-legend"]').count(), 1)

        // One stall measured both ways, from recordings/stall.json.
        const stall = JSON.parse(readFileSync(join(REPO_ROOT, 'recordings/stall.json'), 'utf8')) as StallRecord
        const both = (await open('<StallBothWays')).locator('[data-stall]')
        for (const run of stall.runs) {
          const p99 = await both.locator(`[data-loop="${run.loop}"][data-field="p99"] .value`).textContent()
          assert.equal(p99, latencyDuration(run.latency, 'p99'), `${run.loop} loop`)
        }

        // LoopLag (step 3 and 5 under cpu-mix): the worst second of each recorded run.
        const lag = (await open(`<LoopLag :steps="['3', '5']"`)).locator('[data-loop-lag]')
        for (const step of ['3', '5']) {
          const r = find('cpu-mix', step)
          const text = await lag.locator(`[data-step="${step}"] [data-field="loopDelay"]`).textContent()
          assert.equal(text, duration(r?.server?.recentLoopDelayP99MaxMs ?? null), `step ${step}`)
        }

        // The microtask trap: one line per scenario on step 3, each with its recorded worst second.
        const trap = (await open(`<LoopLag :scenarios="['await-trap', 'await-yield']"`)).locator('[data-loop-lag]')
        for (const scenario of ['await-trap', 'await-yield']) {
          const r = find(scenario, '3')
          const text = await trap.locator(`[data-scenario="${scenario}"] [data-field="loopDelay"]`).textContent()
          assert.equal(text, duration(r?.server?.recentLoopDelayP99MaxMs ?? null), scenario)
        }

        // c10k (recorded only): each step's bar and its threads, from the recording.
        const c10k = (await open('<BenchCompare scenario="c10k"')).locator('[data-bench-compare]')
        for (const step of ['2', '3', '4', '5']) {
          const r = find('c10k', step)
          if (r === undefined) continue
          const rate = await c10k.locator(`[data-field="rate"][data-step="${step}"]`).textContent()
          assert.equal(rate, r.metrics.throughput === null ? '' : perSecond(r.metrics.throughput), `c10k step ${step}`)
          const threads = await c10k.locator(`[data-field="threads"][data-step="${step}"]`).textContent()
          assert.equal(threads?.trim(), r.server?.peakThreads == null ? DASH : count(r.server.peakThreads))
        }

        // Ten thousand Workers: the recorded RSS of one, times ten thousand.
        const waiters = (await open('<TenThousandWaiters')).locator('[data-ten-thousand]')
        const threadCost = JSON.parse(readFileSync(join(REPO_ROOT, 'recordings/thread-cost.json'), 'utf8'))
        assert.equal(
          (await waiters.locator('[data-row="worker"] [data-field="total"]').textContent())?.trim(),
          binaryTotal(10_000 * threadCost.node.live.rssPerThreadBytes),
        )

        // Overload: each server's recorded task p99 (≥ for a lower bound), its 503s and its line.
        const over = (await open('<OverloadCompare')).locator('[data-overload]')
        assert.equal(await over.getAttribute('data-source'), 'recorded')
        for (const r of recorded('overload').results) {
          const step = r.step!.id
          const f = overloadFigures(r)
          const cell = (field: string) => over.locator(`[data-step="${step}"][data-field="${field}"]`)
          assert.equal(await cell('taskP99').locator('.value').textContent(), latencyDuration(f.served, 'p99'), step)
          assert.match((await cell('rejected').textContent()) ?? '', new RegExp(`^\\s*${count(f.rejected)}\\b`), step)
          const line = f.queueLengthMax === null ? '–' : count(f.queueLengthMax)
          assert.equal((await cell('lineMax').textContent())?.trim(), line, step)
          assert.equal(await cell('taskP99').locator('.fill.cut').count(), r.partial ? 1 : 0, `${step}: hatched if cut`)
        }

        // The load curve: each recorded step's points, the most it served, its last point (≥ if cut).
        const sweep = JSON.parse(readFileSync(join(REPO_ROOT, 'bench/results/sweep-cpu.json'), 'utf8')) as BenchSweep
        const curve = (await open('<LoadCurve')).locator('[data-load-curve]')
        assert.equal(await curve.getAttribute('data-source'), 'recorded')
        assert.equal(await curve.locator('canvas').count(), 1, 'the chart is drawn')
        for (const c of sweep.curves) {
          assert.equal(
            await curve.locator(`.name[data-step="${c.step}"]`).getAttribute('data-points'),
            String(c.points.length),
          )
          const last = c.points.at(-1)!
          const text = await curve.locator(`[data-step="${c.step}"][data-field="lastP99"]`).textContent()
          assert.ok(
            text?.startsWith(`${last.lowerBound ? '≥ ' : ''}${duration(last.latency?.p99)}`),
            `${c.step}: ${text}`,
          )
        }

        // The summary: the steps it lists by default under the four scenarios every step runs.
        const summary = (await open('<BenchSummary')).locator('[data-bench-summary]')
        const summarized = ['1', '2', '2-pool', '3', '4', '5', '6', 'piscina']
        for (const scenario of ['drill', 'burst512', 'hello', 'cpu-mix']) {
          for (const r of recorded(scenario).results.filter((x) => summarized.includes(x.step!.id))) {
            const cell = await summary
              .locator(`td[data-step="${r.step!.id}"][data-scenario="${scenario}"]`)
              .textContent()
            assert.ok(cell?.includes(`${perSecond(r.metrics.throughput)}/s`), `${scenario} step ${r.step!.id}: ${cell}`)
          }
        }

        // WorkerShares (busy-worker): each step's rate, and each worker's connections, the busy one marked.
        const shares = (await open('<WorkerShares />')).locator('[data-worker-shares]')
        assert.equal(await shares.getAttribute('data-source'), 'recorded')
        for (const step of ['6-kernel', '6', '6-least']) {
          const r = find('busy-worker', step)
          if (r === undefined) continue
          const rate = await shares.locator(`[data-field="rate"][data-step="${step}"]`).textContent()
          assert.equal(rate?.trim(), perSecond(r.metrics.throughput), `busy-worker step ${step}`)
          for (const w of r.server!.workers!) {
            const segment = shares.locator(`[data-step="${step}"] [data-worker="${w.worker}"]`)
            assert.equal(
              await segment.getAttribute('data-count'),
              String(w.accepted),
              `step ${step} worker ${w.worker}`,
            )
            const busy = (await segment.getAttribute('class'))?.includes('busy') ?? false
            assert.equal(busy, r.hold?.worker === w.worker, `step ${step} worker ${w.worker}: marked busy or not`)
          }
        }

        assert.equal(await page.locator('[data-bench-control]').count(), 0, 'no run button without a dev server')
        assert.deepEqual(browser.problems.slice(start), [])
      })

    // Every component is on a workshop slide; the talk shows a few of them.
    if (deck === 'workshop')
      test('the runtime pictures replay their recordings at the speed taken; printed, the frame halfway', async () => {
        const { page, quiet } = browser
        const start = browser.problems.length
        for (const { picture } of WATCHES) {
          const recording = JSON.parse(
            readFileSync(join(REPO_ROOT, `recordings/watch-${picture}.json`), 'utf8'),
          ) as WatchRecording
          const slide = slides.find((s) => s.content.includes(`<RuntimeWatch picture="${picture}"`))
          assert.ok(slide, `a slide with the ${picture} picture`)
          await page.goto(`${site.url}${base}/${slide.no}`, { waitUntil: 'load' })
          await waitForSlide(page, slide.no, quiet)
          const card = page.locator(`[data-slidev-no="${slide.no}"] [data-runtime-watch]`)
          assert.equal(await card.getAttribute('data-source'), 'recorded')
          assert.equal(await card.getAttribute('data-mode'), 'replay')
          assert.equal(Number(await card.getAttribute('data-samples')), recording.samples.length)
          // Two moments of the replay, 1.2 s apart: the frames advanced by about the recording's time.
          const look = async () => ({ at: Date.now(), frame: Number(await card.getAttribute('data-frame')) })
          const a = await look()
          await page.waitForTimeout(1200)
          const b = await look()
          assert.ok(b.frame > a.frame, `${picture}: the replay moves (frame ${a.frame} → ${b.frame})`)
          const recordedS = recording.samples[b.frame]!.t - recording.samples[a.frame]!.t
          const shownS = (b.at - a.at) / 1000
          // Each frame is held until the next sample's time: the recording's time between the two
          // frames seen is within one sample's gap or so of the wall time between the looks.
          assert.ok(Math.abs(recordedS - shownS) < 0.5, `${picture}: ${recordedS.toFixed(2)} s recorded in ${shownS} s`)

          await page.goto(`${site.url}${base}/${slide.no}?print`, { waitUntil: 'load' })
          const printed = page.locator(`[data-slidev-no="${slide.no}"] [data-runtime-watch]`)
          await printed.waitFor({ timeout: 30_000 })
          assert.equal(await printed.getAttribute('data-mode'), 'still')
          assert.equal(
            Number(await printed.getAttribute('data-frame')),
            representativeIndex(recording.samples, recording.run.loadMs),
          )
          await quiet() // a printed page loads every slide: let it finish before leaving
        }
        assert.equal(await page.locator('[data-bench-control]').count(), 0, 'no run button without a dev server')
        // Leave the last printed page here, so its aborted loads are not charged to the next test.
        await page.goto(`${site.url}${base}/1`, { waitUntil: 'load' })
        await quiet()
        // ERR_ABORTED: the browser dropping a printed page's slide chunks still loading when the test
        // moves on, not a failure of the deck; they are taken out of the list the other tests check.
        const aborted = (p: { what: string }) => p.what.endsWith('(net::ERR_ABORTED)')
        const mine = browser.problems.splice(start)
        browser.problems.push(...mine.filter((p) => !aborted(p)))
        assert.deepEqual(
          mine.filter((p) => !aborted(p)),
          [],
        )
      })

    test('the deck stays light when the viewer prefers dark or has switched Slidev to dark', async () => {
      // slides.md pins `colorSchema: light` (the canvas charts are drawn for a light background; see
      // the README). A viewer whose system prefers dark, or whose Slidev toggle was left on dark,
      // still gets the light deck: checked on a chart slide and a diagram slide.
      const { page, quiet } = browser
      const start = browser.problems.length
      const chart = slides.find((s) => s.content.includes('<LiveBench'))
      const diagram = slides.find((s) => s.content.includes('```mermaid'))
      assert.ok(chart && diagram)
      try {
        await page.emulateMedia({ colorScheme: 'dark' })
        await page.goto(`${site.url}${base}/1`, { waitUntil: 'load' })
        await waitForSlide(page, 1, quiet)
        await page.evaluate(() => localStorage.setItem('slidev-color-schema', 'dark'))
        for (const slide of [chart, diagram]) {
          await page.goto(`${site.url}${base}/${slide.no}`, { waitUntil: 'load' })
          await waitForSlide(page, slide.no, quiet)
          const mode = await page.evaluate(() => ({
            dark: document.documentElement.classList.contains('dark'),
            light: document.documentElement.classList.contains('light'),
          }))
          assert.deepEqual(mode, { dark: false, light: true }, `slide ${slide.no}`)
        }
      } finally {
        await page.evaluate(() => localStorage.removeItem('slidev-color-schema'))
        await page.emulateMedia({ colorScheme: 'light' })
      }
      // Each page is left as soon as its slide is checked: the browser dropping that page's chunks still
      // loading (ERR_ABORTED) is not a failure of the deck, and is not charged to the next test either.
      const mine = browser.problems.splice(start)
      assert.deepEqual(
        mine.filter((p) => !p.what.endsWith('(net::ERR_ABORTED)')),
        [],
      )
    })

    test("the fonts are the deck's own, loaded from the build", async () => {
      const { page } = browser
      const start = browser.problems.length
      // document.fonts.load fetches the faces (from dist/, or it would be caught as leaving the
      // machine) and resolves to the faces it loaded: none means the family is not there at all.
      const loaded = await page.evaluate(async () => {
        const result: [string, number][] = []
        for (const family of ['Nunito Sans', 'Fira Code'])
          result.push([family, (await document.fonts.load(`16px "${family}"`)).length])
        return result
      })
      for (const [family, faces] of loaded) assert.ok(faces > 0, `${family}: no font face loaded`)
      assert.deepEqual(browser.problems.slice(start), [])
    })
  })
}
