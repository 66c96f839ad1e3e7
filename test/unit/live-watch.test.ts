// Watched runs (bench/watch/watch.ts, sampler.ts, watch-run.ts and the host's `watch` kind): only
// the pictures' own step and load may be asked for; the sampler reads `/__stats` several times a
// second, one request at a time, and merges the peaks another reader took; samples are timed from
// the start of the load and reach every window as updates a late window can replay; and the
// recordings the deck replays are what the recorder writes.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { LiveBenchHost } from '../../bench/live/host.ts'
import { applyUpdate, EVENTS, newRunView, type BenchUpdate, type RunView } from '../../bench/live/messages.ts'
import { checkRunRequest } from '../../bench/live/requests.ts'
import { Sampler } from '../../bench/watch/sampler.ts'
import {
  MAX_SAMPLES,
  perEach,
  ratePerSecond,
  representativeIndex,
  type RuntimeSample,
  sampleOf,
  WATCH_SCHEMA,
  WATCHES,
  type WatchRecording,
  watchOf,
} from '../../bench/watch/watch.ts'
import { watchedRunner } from '../../bench/watch/watch-run.ts'
import { isRecording } from '../../bench/recording.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import type { RunInput } from '../../bench/options.ts'
import type { BenchProgress, BenchResult, RunHooks } from '../../bench/types.ts'

/** A stand-in `/__stats`: counts its reads, and reports a run-queue peak the test sets. */
function statsServer(): Promise<{ server: Server; origin: string; reads: () => number; setPeak(p: number): void }> {
  let reads = 0
  let peak = 0
  const server = createServer((req, res) => {
    if (req.url !== '/__stats') return void res.writeHead(404).end()
    reads++
    const body = { statsReads: reads, runQueuePeak: peak, runQueue: 1, recent: { eventLoopDelayP99Ms: 2.5 } }
    peak = 0 // a read starts the peak again, as step 4 does
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        reads: () => reads,
        setPeak: (p) => {
          peak = p
        },
      }),
    ),
  )
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('watched runs: what may be asked', () => {
  test("each picture's step and load are accepted, as kind 'watch'", () => {
    for (const w of WATCHES) {
      const checked = checkRunRequest({ requestId: 'w', kind: 'watch', scenario: w.scenario, step: w.step })
      assert.ok(checked.ok, `${w.picture}: ${checked.ok ? '' : checked.message}`)
    }
  })

  test('another pair, another field, or a name from nowhere is refused with one line', () => {
    const cases: [unknown, RegExp][] = [
      [{ requestId: 'w', kind: 'watch', scenario: 'drill', step: '3' }, /no picture watches step 3 on drill/],
      [{ requestId: 'w', kind: 'watch', scenario: 'short-sleeps', step: '4', intervalMs: 1 }, /unexpected field/],
      [{ requestId: 'w', kind: 'watch', scenario: 'short-sleeps', step: '../4' }, /unknown step/],
      [{ requestId: 'w', kind: 'watch', scenario: 'nap', step: '4' }, /unknown scenario/],
    ]
    for (const [request, reason] of cases) {
      const checked = checkRunRequest(request)
      assert.equal(checked.ok, false)
      if (!checked.ok) {
        assert.match(checked.message, reason)
        assert.ok(!checked.message.includes('\n'))
      }
    }
  })
})

describe('samples', () => {
  test("a /__stats answer becomes the picture's numbers; rates come from two samples", () => {
    const loop = watchOf('loop')
    const a = sampleOf(loop, { passes: 100, taskPolls: 400, runQueuePeak: 7, name: 'step 4', extra: 1 }, 0.5, true)
    assert.deepEqual(a, { t: 0.5, whole: true, n: { passes: 100, taskPolls: 400, runQueuePeak: 7 }, workers: null })
    const b = sampleOf(loop, { passes: 150, taskPolls: 700 }, 0.75, false)
    assert.equal(ratePerSecond(a, b, 'passes'), 200)
    assert.equal(perEach(a, b, 'taskPolls', 'passes'), 6)
    assert.equal(ratePerSecond(undefined, b, 'passes'), null)
    const line = sampleOf(watchOf('line'), { recent: { eventLoopDelayP99Ms: 3.2 }, queueLength: 5 }, 1, true)
    assert.deepEqual(line.n, { queueLength: 5, loopDelayMs: 3.2 })
    const cores = sampleOf(watchOf('cores'), { workers: [{ requests: 3, pid: 9 }, { requests: 4 }] }, 1, true)
    assert.deepEqual(cores.workers, [{ requests: 3 }, { requests: 4 }])
  })

  test('a printed page shows the sample halfway through the load', () => {
    const samples = [0.1, 0.6, 1.1, 1.6, 2.1].map((t) => ({ t, whole: true, n: {}, workers: null }))
    assert.equal(representativeIndex(samples, 2200), 2)
    assert.equal(representativeIndex(samples, null), 2)
    assert.equal(representativeIndex([], 1000), -1)
  })

  test('samples join their leg in time order, up to a limit', () => {
    const run = newRunView('r', 'watch', 'short-sleeps', ['4'], 0)
    const sample = (t: number): RuntimeSample => ({ t, whole: true, n: {}, workers: null })
    for (const t of [0.1, 0.2, 0.15, 0.3]) applyUpdate(run, { type: 'sample', runId: 'r', leg: 0, sample: sample(t) })
    assert.deepEqual(
      run.legs[0]!.samples.map((s) => s.t),
      [0.1, 0.2, 0.3],
    )
    for (let i = 1; i <= MAX_SAMPLES + 5; i++)
      applyUpdate(run, { type: 'sample', runId: 'r', leg: 0, sample: sample(i) })
    assert.equal(run.legs[0]!.samples.length, MAX_SAMPLES)
  })
})

describe('the sampler', () => {
  const servers: Server[] = []
  after(() => {
    for (const s of servers) s.close()
  })

  test('reads several times a second, one request at a time, and stops', async () => {
    const stats = await statsServer()
    servers.push(stats.server)
    const seen: number[] = []
    const sampler = new Sampler(stats.origin, {
      intervalMs: 50,
      peaks: [],
      onSample: (body) => seen.push(body.statsReads as number),
    })
    sampler.start()
    // Several reads, however long a busy machine takes for them (one per 50 ms when it is idle).
    const deadline = performance.now() + 20_000
    while (seen.length < 6 && performance.now() < deadline) await sleep(50)
    await sampler.stop()
    const after = stats.reads()
    await sleep(150)
    assert.equal(stats.reads(), after, 'no read after stop')
    assert.ok(seen.length >= 6, `${seen.length} samples`)
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    )
    assert.equal(sampler.samples, seen.length)
  })

  test("peaks another reader took are merged; a read we never saw makes the sample's peaks a lower bound", async () => {
    const stats = await statsServer()
    servers.push(stats.server)
    const samples: { peak: number; whole: boolean }[] = []
    const sampler = new Sampler(stats.origin, {
      intervalMs: 1, // never started: driven by hand below (an answer within 0.5 ms of the last is dropped)
      peaks: ['runQueuePeak'],
      onSample: (body, _at, whole) => samples.push({ peak: body.runQueuePeak as number, whole }),
    })
    const tick = () => (sampler as unknown as { sample(): Promise<void> }).sample()
    const other = async () => (await fetch(`${stats.origin}/__stats`)).json() as Promise<Record<string, unknown>>

    await tick() // read 1: ours
    stats.setPeak(40)
    sampler.noteOtherRead(await other()) // read 2: the bench's poller takes the peak of 40
    stats.setPeak(5)
    await tick() // read 3: ours, peak 5 of its own, 40 merged from read 2
    stats.setPeak(30)
    await other() // read 4: a reader we never see (a curl)
    await tick() // read 5: its peak is lost to us, and the sample says so
    await sampler.stop()
    assert.deepEqual(samples, [
      { peak: 0, whole: true },
      { peak: 40, whole: true },
      { peak: 0, whole: false },
    ])
  })
})

describe('a watched run', () => {
  const servers: Server[] = []
  after(() => {
    for (const s of servers) s.close()
  })

  /** A stand-in for the bench's runScenario: the server answers, the load runs `loadMs`, done. */
  function standIn(origin: string, loadMs: number) {
    return async (input: RunInput, hooks: RunHooks): Promise<BenchResult> => {
      hooks.onTarget?.(origin)
      await sleep(150) // the generator warming up: samples before the load are left out
      const started = performance.now()
      const timer = setInterval(() => {
        const elapsedMs = Math.round(performance.now() - started)
        hooks.onProgress?.({ phase: 'running', elapsedMs, completed: 1 } as BenchProgress)
      }, 200)
      await sleep(loadMs)
      clearInterval(timer)
      return { step: { id: input.step }, scenario: input.scenario, summary: 'stand-in', partial: false } as BenchResult
    }
  }

  test('samples are timed from the start of the load, and the sampler is stopped before the run settles', async () => {
    const stats = await statsServer()
    servers.push(stats.server)
    const samples: RuntimeSample[] = []
    let figures: { samples: number } | null = null
    const run = watchedRunner(standIn(stats.origin, 700), watchOf('loop'), {
      onSample: (s) => samples.push(s),
      onSampled: (f) => (figures = f),
      intervalMs: 50,
    })
    await run({ step: '4', scenario: 'short-sleeps' }, {})
    const readsAtEnd = stats.reads()
    await sleep(150)
    assert.equal(stats.reads(), readsAtEnd, 'no sampling after the run settled')
    assert.ok(samples.length >= 5, `${samples.length} samples`)
    assert.ok(samples[0]!.t >= 0 && samples.at(-1)!.t <= 1, `t from ${samples[0]!.t} to ${samples.at(-1)!.t}`)
    assert.ok(samples.every((s, i) => i === 0 || s.t > samples[i - 1]!.t))
    assert.ok(figures !== null && (figures as { samples: number }).samples >= samples.length)
  })

  test('the host streams a watch to every window as sample updates, and keeps them for a late window', async () => {
    const stats = await statsServer()
    servers.push(stats.server)
    const sent: { event: string; data: unknown }[] = []
    const host = new LiveBenchHost({
      runScenario: standIn(stats.origin, 800),
      broadcast: (event, data) => sent.push({ event, data }),
      liveChildren: () => 0,
      sampleIntervalMs: 50,
    })
    const reply = host.run({ requestId: 'w1', kind: 'watch', scenario: 'short-sleeps', step: '4' })
    assert.ok(reply.ok, reply.message)
    assert.match(reply.message, /a watch of step 4 on short-sleeps/)
    while (host.busy) await sleep(50)
    const updates = sent.filter((s) => s.event === EVENTS.update).map((s) => s.data as BenchUpdate)
    const runId = (host.snapshot().finished[0] as RunView).id
    const mine = updates.filter((u) => u.type !== 'started' && u.runId === runId)
    const samples = mine.filter((u) => u.type === 'sample')
    assert.ok(samples.length >= 5, `${samples.length} sample updates`)
    const done = mine.findIndex((u) => u.type === 'leg-done')
    assert.ok(done > mine.lastIndexOf(samples.at(-1)!), 'no sample after the leg is done')
    // A window that says hello now gets the samples with the run.
    const kept = host.snapshot().finished[0]!.legs[0]!.samples
    assert.equal(kept.length, samples.length)
  })
})

describe('what a watch asks of the bench', () => {
  test("the registry's load, never the window's: step 6's picture with one /cpu connection, the live cap", async () => {
    const inputs: RunInput[] = []
    const host = new LiveBenchHost({
      runScenario: async (input) => {
        inputs.push(input)
        return { step: { id: input.step }, scenario: input.scenario, summary: 'stand-in' } as BenchResult
      },
      broadcast: () => {},
      liveChildren: () => 0,
    })
    assert.ok(host.run({ requestId: 'c', kind: 'watch', scenario: 'cpu-mix', step: '6' }).ok)
    while (host.busy) await sleep(10)
    assert.deepEqual(inputs, [{ capS: 10, connections: 1, scenario: 'cpu-mix', step: '6' }])
  })
})

describe('the recorded watches', () => {
  for (const w of WATCHES) {
    test(`recordings/watch-${w.picture}.json: a recorded run of step ${w.step} on ${w.scenario}`, () => {
      const file = join(REPO_ROOT, `recordings/watch-${w.picture}.json`)
      const doc = JSON.parse(readFileSync(file, 'utf8')) as WatchRecording
      assert.ok(isRecording(doc, WATCH_SCHEMA), 'the envelope')
      assert.equal(doc.command, `npm run watch:record -- --picture ${w.picture}`)
      assert.deepEqual([doc.picture, doc.step, doc.scenario], [w.picture, w.step, w.scenario])
      assert.ok(doc.samples.length >= 10, `${doc.samples.length} samples`)
      assert.ok(
        doc.samples.every((s, i) => i === 0 || s.t > doc.samples[i - 1]!.t),
        'in time order',
      )
      // 10 a second asked; a busy machine skips ticks (a step-6 worker answers between two hashes),
      // but the series still covers the load without a hole a replay would stall in.
      const gaps = doc.samples.slice(1).map((s, i) => s.t - doc.samples[i]!.t)
      assert.ok(Math.max(...gaps) < 1.5, `the longest gap between samples: ${Math.max(...gaps).toFixed(2)} s`)
      const keys = new Set(doc.samples.flatMap((s) => Object.keys(s.n)))
      for (const key of keys) assert.ok(w.fields.includes(key), `${key} is one of the picture's fields`)
      if (w.workerFields.length > 0) assert.ok(doc.samples.every((s) => (s.workers?.length ?? 0) >= 1))
    })
  }
})
