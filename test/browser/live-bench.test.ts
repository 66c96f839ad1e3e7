// Live benchmarks from presenter mode, in a real browser against the real dev server: `slidev
// --port 3032` (loopback), a presenter window (`/presenter/N`) and an audience window (`/N`).
//
// - the presenter's ▶ starts a run; the audience window shows it within 2 s and draws its first
//   point soon after; its final table is the result the plugin sent over the WebSocket;
// - only the presenter's current slide has the buttons (not its next-slide preview, not the
//   audience); a printed page shows the recorded run and sends nothing;
// - Shift+L switches every window between live and recorded results;
// - LoopLag draws step 3's loop freezing under cpu-mix, live;
// - each runtime picture (RuntimeWatch) runs a watch from the presenter's button, and the
//   audience's picture moves at least 5 times a second (measured here); Shift+L replays the
//   recording instead; the scheduling race and demo:microtasks run live and mirror too;
// - an unknown step name, and a page of another origin (even one holding Vite's token), are
//   refused and start no process;
// - when the dev server stops, nothing it started is left running.
//
// Needs Chromium (see scripts/chromium.ts); run with `npm run test:browser`. Port 3032 must be free.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import type { BenchSnapshot, BenchUpdate, RunReply } from '../../bench/live/messages.ts'
import type { BenchResult } from '../../bench/types.ts'
import { count, doneOfAsked, duration, latencyDuration, mebibytes, perSecond } from '../../bench/format.ts'
import { heading, ranLine } from '../../examples/demo-microtasks/print.ts'
import { loadDeck } from '../helpers/deck.ts'
import { launchWatched, type WatchedBrowser } from './browser.ts'
import { benchProcesses, startDevServer, type DevServer } from '../../scripts/dev-server.ts'
import { serveStatic, type StaticServer } from './static-server.ts'

const PORT = 3032

/** The slide whose markdown holds `needle`. */
async function slideWith(needle: string): Promise<number> {
  const slide = (await loadDeck('workshop')).find((s) => s.content.includes(needle))
  assert.ok(slide, `a slide with ${needle}`)
  return slide.no
}

/** Every `live-bench:*` message the page receives over Vite's WebSocket, as sent. */
function recordBenchFrames(page: Page): { event: string; data: unknown }[] {
  const frames: { event: string; data: unknown }[] = []
  page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      const text = String(payload)
      if (!text.includes('"live-bench:')) return
      const message = JSON.parse(text) as { event: string; data: unknown }
      frames.push({ event: message.event, data: message.data })
    }),
  )
  return frames
}

/**
 * From inside a page of `origin`: open Vite's HMR WebSocket (with or without the token a deck page
 * gets), send one live-bench message, and return the reply — or how the connection failed.
 */
async function askOverHmr(
  page: Page,
  event: string,
  data: object,
  token: string | null,
): Promise<{ opened: boolean; reply: RunReply | null; state: BenchSnapshot | null }> {
  // A string, not a function: the test runner's TypeScript loader would wrap the inner functions
  // in a `__name` helper that does not exist in the page (see slide-checks.ts).
  const url = `ws://localhost:${PORT}/${token === null ? '' : `?token=${token}`}`
  return page.evaluate(`new Promise((resolve) => {
    const socket = new WebSocket(${JSON.stringify(url)}, 'vite-hmr')
    let opened = false, reply = null, settled = false
    const finish = (state) => { if (settled) return; settled = true; socket.close(); resolve({ opened, reply, state }) }
    const message = { type: 'custom', event: ${JSON.stringify(event)}, data: ${JSON.stringify(data)} }
    socket.onopen = () => { opened = true; socket.send(JSON.stringify(message)) }
    socket.onmessage = (message) => {
      const parsed = JSON.parse(String(message.data))
      if (parsed.event === 'live-bench:reply') {
        reply = parsed.data
        socket.send(JSON.stringify({ type: 'custom', event: 'live-bench:hello', data: {} }))
      }
      if (parsed.event === 'live-bench:state') finish(parsed.data)
    }
    socket.onclose = () => finish(null)
    setTimeout(() => finish(null), 5000)
  })`)
}

describe('live benchmarks from presenter mode (dev server on :3032)', () => {
  let server: DevServer
  let browser: WatchedBrowser
  let presenter: Page
  let audience: Page
  let audienceFrames: { event: string; data: unknown }[]
  let stepOneSlide: number
  let token: string

  before(async () => {
    assert.deepEqual(benchProcesses(), [], 'no step server or load generator is running before the test')
    stepOneSlide = await slideWith('<LiveBench step="1" scenario="drill"')
    server = await startDevServer(PORT, undefined, 'workshop')
    const client = await (await fetch(`${server.url}/@vite/client`)).text()
    token = /const wsToken = "([^"]+)"/.exec(client)![1]!
    browser = await launchWatched()
    presenter = browser.page
    audience = await browser.newPage()
    audienceFrames = recordBenchFrames(audience)
    // The moment of each click, taken inside the page (Playwright's click waits for the element to
    // settle first, which is not what a speaker's click costs).
    await presenter.addInitScript(() => {
      document.addEventListener(
        'click',
        () => ((window as unknown as { clickedAt: number }).clickedAt = Date.now()),
        true,
      )
    })
  })

  after(async () => {
    await browser?.close()
    await server?.stop()
    // Whatever happened above, the dev server took its children with it.
    assert.deepEqual(benchProcesses(), [], 'no step server or load generator outlives the dev server')
  })

  const live = (page: Page, no: number) => page.locator(`[data-slidev-no="${no}"] [data-live-bench]`)

  test("the presenter's next-slide preview shows the component without a run button", async () => {
    await presenter.goto(`${server.url}/presenter/${stepOneSlide - 1}`)
    // Slidev also keeps the slide, preloaded and hidden, in the main view: wait for the preview's.
    await live(presenter, stepOneSlide).filter({ visible: true }).waitFor({ timeout: 60_000 })
    await presenter.waitForTimeout(500)
    assert.equal(await presenter.locator('[data-bench-control]').count(), 0)
  })

  test(
    'the presenter starts a run; the audience follows within 2 s; the final table is the result the ' + 'plugin sent',
    async (t) => {
      await presenter.goto(`${server.url}/presenter/${stepOneSlide}`)
      await audience.goto(`${server.url}/${stepOneSlide}`)
      const run = presenter.locator(`[data-slidev-no="${stepOneSlide}"] [data-bench-control="run"]:enabled`).first()
      await run.waitFor({ timeout: 60_000 })
      await live(audience, stepOneSlide).waitFor({ timeout: 60_000 })
      assert.equal(
        await live(audience, stepOneSlide).getAttribute('data-source'),
        'recorded',
        'before any run, the recorded result',
      )
      assert.equal(await audience.locator('[data-bench-control]').count(), 0, 'no run button in the audience window')
      // As on a stage, the windows have finished loading (the dev server compiles the slides they
      // preload; a click during that waits for it).
      await Promise.all([presenter.waitForLoadState('networkidle'), audience.waitForLoadState('networkidle')])

      await run.click()
      const clickedAt = await presenter.evaluate(() => (window as unknown as { clickedAt: number }).clickedAt)
      const seenAt = await audience.waitForFunction(
        (no) =>
          document.querySelector<HTMLElement>(`[data-slidev-no="${no}"] [data-live-bench]`)?.dataset.source === 'live'
            ? Date.now()
            : 0,
        stepOneSlide,
        { polling: 20, timeout: 10_000 },
      )
      const firstPointAt = await audience.waitForFunction(
        (no) =>
          Number(document.querySelector<HTMLElement>(`[data-slidev-no="${no}"] [data-live-bench]`)?.dataset.points) > 0
            ? Date.now()
            : 0,
        stepOneSlide,
        { polling: 20, timeout: 15_000 },
      )
      const followedMs = (await seenAt.jsonValue()) - clickedAt
      const firstPointMs = (await firstPointAt.jsonValue()) - clickedAt
      t.diagnostic(`click → audience shows the run: ${followedMs} ms; → first live point: ${firstPointMs} ms`)
      assert.ok(followedMs <= 2000, `the audience showed the run ${followedMs} ms after the click`)
      // The 1.5 s target is measured by `npm run bench:live`; here only a generous bound.
      assert.ok(firstPointMs <= 6000, `first live point ${firstPointMs} ms after the click`)

      // Step 1 answers one request a second: stop it once two are done (a partial result).
      await audience.waitForFunction(
        (no) =>
          /^[2-9]\//.test(
            document.querySelector(`[data-slidev-no="${no}"] [data-live-bench] [data-field="done"]`)?.textContent ?? '',
          ),
        stepOneSlide,
        { timeout: 20_000 },
      )
      await presenter.locator(`[data-slidev-no="${stepOneSlide}"] [data-bench-control="stop"]`).click()
      await audience.waitForFunction(
        (no) =>
          document.querySelector<HTMLElement>(`[data-slidev-no="${no}"] [data-live-bench]`)?.dataset.phase === 'done',
        stepOneSlide,
        { timeout: 15_000 },
      )

      const done = audienceFrames.find(
        (f) => f.event === 'live-bench:update' && (f.data as BenchUpdate).type === 'leg-done',
      )
      assert.ok(done, 'the audience received the result over the WebSocket')
      const result = (done.data as { result: BenchResult }).result
      assert.equal(result.endedBy, 'aborted')
      const cells = await live(audience, stepOneSlide)
        .locator('[data-field]')
        .evaluateAll((els) =>
          Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.field, e.textContent?.trim()])),
        )
      assert.deepEqual(
        {
          done: cells.done,
          rate: cells.rate,
          p50: cells.p50,
          p99: cells.p99,
          max: cells.max,
          errors: cells.errors,
          rss: cells.rss,
          loopDelay: cells.loopDelay,
        },
        {
          done: `${doneOfAsked(result.done, result.asked)} (stopped)`,
          rate: perSecond(result.metrics.throughput),
          // Stopped with requests unanswered: each figure that counts them is a lower bound (≥).
          p50: latencyDuration(result.metrics.latency, 'p50'),
          p99: latencyDuration(result.metrics.latency, 'p99'),
          max: latencyDuration(result.metrics.latency, 'max'),
          errors: `${count(result.metrics.errors)}/${count(result.metrics.timeouts)}/${count(result.metrics.non2xx)}`,
          rss: mebibytes(result.server?.peakRssBytes),
          loopDelay: duration(result.server?.eventLoopDelayP99Ms),
        },
      )
      assert.ok(result.done >= 2 && result.done < 150, result.summary)
      assert.match(cells.caption ?? '', new RegExp(result.summary.replace(/[()]/g, '\\$&')))
    },
  )

  test(
    'a window that opens after the run gets it replayed; a printed page shows the recorded run and asks ' +
      'for nothing',
    async () => {
      const late = await browser.newPage()
      await late.goto(`${server.url}/${stepOneSlide}`)
      await live(late, stepOneSlide).waitFor({ timeout: 60_000 })
      await late.waitForFunction(
        (no) =>
          document.querySelector<HTMLElement>(`[data-slidev-no="${no}"] [data-live-bench]`)?.dataset.source === 'live',
        stepOneSlide,
        { timeout: 10_000 },
      )
      assert.equal(
        await live(late, stepOneSlide).locator('[data-field="done"]').textContent(),
        await live(audience, stepOneSlide).locator('[data-field="done"]').textContent(),
      )
      await late.close()

      const printed = await browser.newPage()
      const sent: string[] = []
      printed.on('websocket', (socket) => socket.on('framesent', ({ payload }) => sent.push(String(payload))))
      await printed.goto(`${server.url}/${stepOneSlide}?print`)
      await live(printed, stepOneSlide).waitFor({ timeout: 60_000 })
      await printed.waitForTimeout(500)
      assert.equal(await live(printed, stepOneSlide).getAttribute('data-source'), 'recorded')
      assert.equal(await printed.locator('[data-bench-control]').count(), 0)
      assert.deepEqual(
        sent.filter((s) => s.includes('live-bench')),
        [],
        'a printed page sends nothing to the live bench',
      )
      await printed.close()
    },
  )

  test('Shift+L switches every window between live and recorded results', async () => {
    await presenter.bringToFront()
    await presenter.keyboard.press('Shift+L')
    await audience.waitForFunction(
      (no) =>
        document.querySelector<HTMLElement>(`[data-slidev-no="${no}"] [data-live-bench]`)?.dataset.source ===
        'recorded',
      stepOneSlide,
      { timeout: 5000 },
    )
    assert.equal(
      await presenter.locator('[data-bench-control]').count(),
      0,
      'no run button while showing recorded results',
    )
    await presenter.keyboard.press('Shift+L')
    await audience.waitForFunction(
      (no) =>
        document.querySelector<HTMLElement>(`[data-slidev-no="${no}"] [data-live-bench]`)?.dataset.source === 'live',
      stepOneSlide,
      { timeout: 5000 },
    )
  })

  test("LoopLag draws step 3's loop freezing under cpu-mix, live, in the audience window", async () => {
    const no = await slideWith(`<LoopLag :steps="['3']"`)
    await presenter.goto(`${server.url}/presenter/${no}`)
    await audience.goto(`${server.url}/${no}`)
    const run = presenter.locator(`[data-slidev-no="${no}"] [data-loop-lag] [data-bench-control="run"]:enabled`)
    await run.waitFor({ timeout: 60_000 })
    await run.click()
    const lag = audience.locator(`[data-slidev-no="${no}"] [data-loop-lag]`)
    await audience.waitForFunction(
      (n) => document.querySelector<HTMLElement>(`[data-slidev-no="${n}"] [data-loop-lag]`)?.dataset.status === 'done',
      no,
      { timeout: 40_000 },
    )
    const done = [...audienceFrames]
      .reverse()
      .find((f) => f.event === 'live-bench:update' && (f.data as BenchUpdate).type === 'leg-done')
    const result = (done!.data as { result: BenchResult }).result
    assert.equal(result.scenario, 'cpu-mix')
    assert.equal(result.step?.id, '3')
    const worst = result.server!.recentLoopDelayP99MaxMs!
    // A ~60 ms hash runs on step 3's loop: a second's worst delay is at least a good part of one.
    assert.ok(worst > 20, `step 3's loop delay under cpu-mix: ${worst} ms`)
    assert.equal(await lag.locator('[data-step="3"] [data-field="loopDelay"]').textContent(), duration(worst))
    assert.equal(
      await lag.locator('[data-step="3"] [data-field="probeP99"]').textContent(),
      duration(result.probe?.latency?.p99),
    )
  })

  test('the load curve sweeps step 3 live from the presenter; the audience draws each leg as it ends', async () => {
    const no = await slideWith(`<LoadCurve :steps="['1', '3', '5']"`)
    await presenter.goto(`${server.url}/presenter/${no}`)
    await audience.goto(`${server.url}/${no}`)
    const sweep = presenter
      .locator(`[data-slidev-no="${no}"] [data-load-curve] [data-bench-control="run"]:enabled`)
      .filter({ hasText: 'Sweep step 3' })
    await sweep.waitFor({ timeout: 60_000 })
    const from = audienceFrames.length
    await sweep.click()
    // Live points only: before the run reaches the audience, step 3's line is the recorded curve,
    // with points of its own.
    const shown = (page: Page, want: number) =>
      page.waitForFunction(
        ([n, at]) => {
          const line = `[data-slidev-no="${n}"] [data-load-curve] [data-step="3"]`
          const live = document.querySelector(`${line}[data-field="state"]`)?.textContent?.trim().startsWith('live')
          return live && Number(document.querySelector(`${line}.name`)?.getAttribute('data-points')) >= Number(at)
        },
        [no, want] as const,
        { timeout: 40_000 },
      )
    // Two legs are enough to see the curve grow in every window; then stop, as a speaker may.
    await shown(audience, 2)
    await presenter.locator(`[data-slidev-no="${no}"] [data-load-curve] [data-bench-control="stop"]`).click()
    await audience.waitForFunction(
      (n) =>
        /^live · (stopped|done)/.test(
          document
            .querySelector(`[data-slidev-no="${n}"] [data-load-curve] [data-field="state"][data-step="3"]`)
            ?.textContent?.trim() ?? '',
        ),
      no,
      { timeout: 20_000 },
    )
    const legs = audienceFrames
      .slice(from)
      .filter((f) => f.event === 'live-bench:update')
      .map((f) => f.data as BenchUpdate)
      .filter((u): u is Extract<BenchUpdate, { type: 'leg-done' }> => u.type === 'leg-done')
      .map((u) => u.result)
    assert.ok(legs.length >= 2, `${legs.length} legs done`)
    const rates = legs.map((r) => r.options.open?.ratePerSec ?? 0)
    for (const r of legs) {
      assert.equal(r.scenario, 'load-curve')
      assert.equal(r.step?.id, '3')
    }
    assert.ok(
      rates.every((rate, i) => rate > 0 && (i === 0 || rate > rates[i - 1]!)),
      `each leg offers more than the last: ${rates.join(', ')} req/s`,
    )
    const points = await audience
      .locator(`[data-slidev-no="${no}"] [data-load-curve] .name[data-step="3"]`)
      .getAttribute('data-points')
    assert.equal(Number(points), legs.length, 'a point in the audience window for every leg the plugin sent')
  })

  /**
   * In `page`, from now on: the moment (page clock, ms) of every change of the picture's frame
   * (`data-t`, one per sample drawn) while its run is running. Read it back with `framesSeen`.
   */
  async function countFrames(page: Page, selector: string): Promise<void> {
    await page.evaluate(`(() => {
      const el = document.querySelector(${JSON.stringify(selector)})
      window.__frames = []
      new MutationObserver(() => {
        const { status, t } = el.dataset
        if (status === 'running' && t !== '') window.__frames.push([performance.now(), t])
      }).observe(el, { attributes: true, attributeFilter: ['data-t', 'data-status'] })
    })()`)
  }
  async function framesSeen(page: Page): Promise<{ frames: number; perSecond: number }> {
    const frames = (await page.evaluate('window.__frames')) as [number, string][]
    const changes = frames.filter((f, i) => i === 0 || f[1] !== frames[i - 1]![1])
    const spanS = changes.length > 1 ? (changes.at(-1)![0] - changes[0]![0]) / 1000 : 0
    return { frames: changes.length, perSecond: spanS > 0 ? (changes.length - 1) / spanS : 0 }
  }

  for (const [picture, step] of [
    ['loop', '4'],
    ['line', '5'],
    ['cores', '6'],
  ] as const) {
    const title = `the ${picture} picture (step ${step}): a watch from the presenter; the audience's moves ≥ 5×/s`
    test(title, async (t) => {
      const no = await slideWith(`<RuntimeWatch picture="${picture}"`)
      const selector = `[data-slidev-no="${no}"] [data-runtime-watch]`
      await presenter.goto(`${server.url}/presenter/${no}`)
      await audience.goto(`${server.url}/${no}`)
      const run = presenter.locator(`${selector} [data-bench-control="run"]:enabled`)
      await run.waitFor({ timeout: 60_000 })
      await audience.locator(selector).waitFor({ timeout: 60_000 })
      assert.equal(await audience.locator(selector).getAttribute('data-source'), 'recorded')
      assert.equal(await audience.locator(`${selector} [data-bench-control]`).count(), 0, 'no button for the audience')
      await Promise.all([presenter.waitForLoadState('networkidle'), audience.waitForLoadState('networkidle')])
      const framesBefore = audienceFrames.length
      await countFrames(audience, selector)
      await run.click()
      await audience.waitForFunction(
        (sel) => document.querySelector<HTMLElement>(sel)?.dataset.status === 'running',
        selector,
        { timeout: 15_000 },
      )
      await audience.waitForFunction(
        (sel) => ['done', 'failed'].includes(document.querySelector<HTMLElement>(sel)?.dataset.status ?? ''),
        selector,
        { timeout: 60_000 },
      )
      const card = audience.locator(selector)
      assert.equal(
        await card.getAttribute('data-status'),
        'done',
        (await card.locator('[data-field="caption"]').textContent()) ?? '',
      )
      assert.equal(await card.getAttribute('data-source'), 'live')
      const { frames, perSecond } = await framesSeen(audience)
      const sent = audienceFrames.slice(framesBefore).flatMap((f) => {
        const u = f.data as BenchUpdate
        return u.type === 'sample' ? [u.sample.t] : []
      })
      const sentPerSecond = (sent.length - 1) / (sent.at(-1)! - sent[0]!)
      const done = audienceFrames
        .slice(framesBefore)
        .map((f) => f.data as BenchUpdate)
        .find((u) => u.type === 'leg-done')
      t.diagnostic(
        `${picture}: ${frames} frames drawn while running, ${perSecond.toFixed(1)} a second ` +
          `(the plugin sent ${sent.length} samples, ${sentPerSecond.toFixed(1)} a second of the run; ` +
          `${done?.type === 'leg-done' ? done.result.summary : 'no result'})`,
      )
      assert.ok(perSecond >= 5, `the audience's picture moved ${perSecond.toFixed(1)} times a second`)
      // What it drew is what the plugin sent: every sample, and the last one on screen.
      const samples = audienceFrames
        .slice(framesBefore)
        .map((f) => f.data as BenchUpdate)
        .filter((u) => u.type === 'sample')
      assert.equal(Number(await card.getAttribute('data-samples')), samples.length)
      const last = samples.at(-1)
      assert.ok(last?.type === 'sample')
      assert.equal(await card.getAttribute('data-t'), String(last.sample.t))
      assert.equal(
        await presenter.locator(`${selector}`).filter({ visible: true }).getAttribute('data-t'),
        String(last.sample.t),
      )
    })
  }

  test('Shift+L turns the pictures back to their recordings, replayed', async () => {
    const no = await slideWith('<RuntimeWatch picture="loop"')
    await presenter.goto(`${server.url}/presenter/${no}`)
    await audience.goto(`${server.url}/${no}`)
    const selector = `[data-slidev-no="${no}"] [data-runtime-watch]`
    await audience.waitForFunction(
      (sel) => document.querySelector<HTMLElement>(sel)?.dataset.mode === 'live',
      selector,
      {
        timeout: 30_000,
      },
    )
    await presenter.bringToFront()
    await presenter.keyboard.press('Shift+L')
    await audience.waitForFunction(
      (sel) => document.querySelector<HTMLElement>(sel)?.dataset.source === 'recorded',
      selector,
      { timeout: 5000 },
    )
    assert.equal(await audience.locator(selector).getAttribute('data-mode'), 'replay')
    await presenter.keyboard.press('Shift+L')
    await audience.waitForFunction(
      (sel) => document.querySelector<HTMLElement>(sel)?.dataset.mode === 'live',
      selector,
      {
        timeout: 5000,
      },
    )
  })

  test('the scheduling race runs live from the presenter and the audience draws each heat as it ends', async () => {
    const no = await slideWith('<SchedulingRace')
    const selector = `[data-slidev-no="${no}"] [data-scheduling-race]`
    await presenter.goto(`${server.url}/presenter/${no}`)
    await audience.goto(`${server.url}/${no}`)
    const run = presenter.locator(`${selector} [data-bench-control="run"]:enabled`)
    await run.waitFor({ timeout: 60_000 })
    assert.equal(await audience.locator(selector).getAttribute('data-source'), 'recorded')
    await Promise.all([presenter.waitForLoadState('networkidle'), audience.waitForLoadState('networkidle')])
    const framesBefore = audienceFrames.length
    await run.click()
    await audience.waitForFunction(
      (sel) => document.querySelector<HTMLElement>(sel)?.dataset.status === 'running',
      selector,
      { timeout: 15_000 },
    )
    // While a heat runs, its makespan cell shows its clock; it grows.
    await audience.waitForFunction(
      (sel) => document.querySelector<HTMLElement>(sel)?.dataset.status === 'done',
      selector,
      { timeout: 120_000 },
    )
    const race = audience.locator(selector)
    assert.equal(await race.getAttribute('data-source'), 'live')
    assert.equal(await race.getAttribute('data-finished'), 'true')
    const events = audienceFrames
      .slice(framesBefore)
      .map((f) => f.data as BenchUpdate)
      .filter((u) => u.type === 'demo')
      .map((u) => (u.type === 'demo' && u.event.demo === 'scheduling' ? u.event.event : null))
    assert.ok(events.filter((e) => e?.type === 'progress').length >= 3, 'the race was streamed as it ran')
    for (const e of events) {
      if (e?.type !== 'heat-done') continue
      assert.equal(
        await race.locator(`[data-scheduler="${e.scheduler}"] [data-field="makespan"]`).textContent(),
        `makespan ${duration(e.makespanMs)}`,
      )
    }
    assert.match((await race.locator('[data-field="caption"]').textContent()) ?? '', /live on this machine/)
  })

  test('demo:microtasks runs live from the presenter; every window prints its order under the recording', async () => {
    const no = await slideWith('<MicrotaskOrder context="io"')
    const selector = `[data-slidev-no="${no}"] [data-microtask-order]`
    await presenter.goto(`${server.url}/presenter/${no}`)
    await audience.goto(`${server.url}/${no}`)
    const run = presenter.locator(`${selector} [data-bench-control="run"]:enabled`)
    await run.waitFor({ timeout: 60_000 })
    assert.equal(await audience.locator(selector).count(), 0, 'nothing under the recording before a live run')
    const framesBefore = audienceFrames.length
    await run.click()
    await audience.waitForFunction(
      (sel) => document.querySelector<HTMLElement>(sel)?.dataset.status === 'done',
      selector,
      { timeout: 30_000 },
    )
    const ran = audienceFrames
      .slice(framesBefore)
      .map((f) => f.data as BenchUpdate)
      .flatMap((u) => (u.type === 'demo' && u.event.demo === 'microtasks' ? [u.event.ran] : []))
      .filter((r) => r.context === 'I/O callback')
    assert.equal(ran.length, 5)
    assert.equal(
      await audience.locator(`${selector} [data-field="lines"]`).textContent(),
      [heading('I/O callback'), ...ran.map(ranLine)].join('\n'),
    )
    // A window that opens now gets the run too.
    const late = await browser.newPage()
    await late.goto(`${server.url}/${no}`)
    await late.waitForFunction((sel) => document.querySelector<HTMLElement>(sel)?.dataset.status === 'done', selector, {
      timeout: 60_000,
    })
    assert.equal(
      await late.locator(`${selector} [data-field="lines"]`).textContent(),
      await audience.locator(`${selector} [data-field="lines"]`).textContent(),
    )
    await late.close()
  })

  test('an unknown step name is refused and starts no process', async () => {
    const reply = await askOverHmr(
      presenter,
      'live-bench:run',
      { requestId: 't1', kind: 'single', scenario: 'drill', step: '9; rm -rf ~' },
      token,
    )
    assert.equal(reply.opened, true)
    assert.deepEqual([reply.reply?.ok, reply.reply?.reason], [false, 'refused'])
    assert.match(reply.reply!.message, /unknown step/)
    assert.equal(reply.state?.current, null, 'nothing is running')
    assert.equal(reply.state?.children, 0, "the plugin's own accounting: no child process")
    assert.deepEqual(benchProcesses(), [])
  })

  test("a page of another origin is refused, with or without Vite's token, and starts no process", async () => {
    const root = mkdtempSync(join(tmpdir(), 'other-origin-'))
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>another site</title>')
    let other: StaticServer | null = null
    const page = await browser.newPage()
    try {
      other = await serveStatic(root)
      await page.goto(other.url)
      const request = { requestId: 'x1', kind: 'single', scenario: 'drill', step: '3' }
      // Without the token Vite refuses the connection itself (it has an Origin).
      const withoutToken = await askOverHmr(page, 'live-bench:run', request, null)
      assert.equal(withoutToken.opened, false)
      // With the token (a leak, say), Vite lets it in and the plugin refuses: not the deck's origin.
      const withToken = await askOverHmr(page, 'live-bench:run', request, token)
      assert.equal(withToken.opened, true)
      assert.deepEqual([withToken.reply?.ok, withToken.reply?.reason], [false, 'refused'])
      assert.match(withToken.reply!.message, /origin .* is not this deck/)
      assert.equal(withToken.state?.current, null)
      assert.equal(withToken.state?.children, 0)
      assert.deepEqual(benchProcesses(), [])
    } finally {
      // The refused connection is logged by that page's console: expected here, not a deck problem.
      const foreign = other?.url ?? 'http://127.0.0.1:'
      browser.problems.splice(
        0,
        browser.problems.length,
        ...browser.problems.filter((p) => !p.where.startsWith(foreign)),
      )
      await page.close()
      await other?.close()
      rmSync(root, { recursive: true, force: true })
    }
  })

  test('no console error, page error or off-machine request in any window', () => {
    // ERR_ABORTED is the browser dropping the dev server's own in-flight requests (slide data,
    // Slidev's sync channel) when the test navigates a window away: not a failure of the deck.
    const report = browser.problems
      .filter((p) => !p.what.endsWith('(net::ERR_ABORTED)'))
      .map((p) => `${p.where}: ${p.what}`)
    assert.deepEqual(report, [], `\n${report.join('\n')}`)
  })
})
